class BusinessError(Exception):
    """A business rule refused the action; ``message`` is shown to the user, in the language
    active when it was raised (Vietnamese unless the user chose English)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(BusinessError):
    """The actor's role or scope does not allow the action."""


class RateLimited(BusinessError):
    """Too many actions from one sender in a window; answered with HTTP 429."""
