"""Typed errors that services raise and handlers turn into JSON 4xx/5xx replies.

Every message is written for the person using OmniPanel: it is shown in the UI as it is.
"""

from __future__ import annotations


class OmniPanelError(Exception):
    """Base class: an error with an HTTP status and a user-facing message."""

    status: int = 500
    reason: str = "OmniPanel error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(OmniPanelError):
    """The request is malformed or a value is out of range."""

    status = 400
    reason = "Invalid input"


class PermissionDeniedError(OmniPanelError):
    """The user may see the resource but not change it this way."""

    status = 403
    reason = "Permission denied"


class NotFoundError(OmniPanelError):
    """The resource does not exist, or belongs to someone else (never say which)."""

    status = 404
    reason = "Not found"


class ConflictError(OmniPanelError):
    """The request clashes with the current state (e.g. a folder that is a file)."""

    status = 409
    reason = "Conflict"


class PayloadTooLargeError(OmniPanelError):
    """An upload is bigger than the configured limit."""

    status = 413
    reason = "Payload too large"


class StoreUnavailableError(OmniPanelError):
    """The database cannot be reached; nothing was changed."""

    status = 503
    reason = "Store unavailable"
