"""`seasonctl`: plan, check and prepare a season from its Pulumi stack config."""
