"""Alert rules computed from a season's plan: PromQL over Quarkus/Micrometer, kube-state-metrics and
postgres_exporter metrics, rendered as a Prometheus rule file. Pure: no pulumi, no network, no file I/O."""
