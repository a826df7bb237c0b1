"""The one error the capacity engine raises on purpose."""


class InfeasibleError(ValueError):
    """No plan can meet the request; the message says why and what would help."""
