"""Adapters that read from the outside world (packaged files, stack files); the pure packages never do."""
