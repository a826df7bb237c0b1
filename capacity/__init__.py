"""Capacity planning for seasonal peaks: pure math over numbers and the instance catalog.

No pulumi, no network, no files: callers pass data in and get plans back.
"""
