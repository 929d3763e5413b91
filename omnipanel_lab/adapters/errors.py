"""Model errors: typed, with messages fit for the UI (never a key, never a traceback)."""

from __future__ import annotations

from ..errors import OmniPanelError


class ModelError(OmniPanelError):
    """A model or provider failed; ``partial_text`` keeps what had streamed before."""

    status = 502
    reason = "Model error"

    def __init__(self, message: str, *, partial_text: str = "") -> None:
        super().__init__(message)
        self.partial_text = partial_text


class UnknownModelError(ModelError):
    status = 404
    reason = "Unknown model"


class ProviderUnreachableError(ModelError):
    status = 503
    reason = "Provider unreachable"


class AuthenticationFailedError(ModelError):
    # Not 401/403: those mean "your Jupyter login" to the front end.
    status = 400
    reason = "Provider rejected the key"


class ContextTooLongError(ModelError):
    status = 400
    reason = "Context too long"


class StreamInterruptedError(ModelError):
    reason = "Stream interrupted"
