"""The stack config model and its validation; pure (callers read the files)."""
