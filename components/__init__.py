"""Pulumi components: each translates a part of the season plan into resources; none decides."""
