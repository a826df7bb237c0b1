"""Runs the Pulumi program offline under Pulumi's mocks and captures what it would declare."""
