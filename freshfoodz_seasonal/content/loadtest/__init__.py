"""k6 peak tests computed from a season's config and plan: the script, and the k6-operator manifests
that run it distributed in the cluster. Pure: no pulumi, no network, no file I/O."""
