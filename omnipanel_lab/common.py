"""Small value helpers every capability shares: UTC times, ids and page limits.

Neutral ground: it imports nothing of OmniPanel but its errors, so any module may use it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from .errors import InvalidInputError, NotFoundError

MAX_PAGE = 200  # the most items one page of a list may ask for


def isoformat(moment: datetime) -> str:
    """A stored time as ISO 8601 in UTC with ``Z`` (SQLite hands back naive UTC times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc(value: str) -> datetime:
    """An ISO date or time (``Z`` allowed; UTC when no zone is given), in UTC; ValueError
    if it is not one, or lies outside the years a datetime can hold."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. year 1 at -01:00
        raise ValueError(f"'{value}' is out of range") from None


def parse_uuid(value: Any) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def parse_id(value: Any, not_found: str) -> uuid.UUID:
    """An id from a URL or a body; a malformed one is simply not found (message
    ``not_found``), like any other unknown id."""
    parsed = parse_uuid(value)
    if parsed is None:
        raise NotFoundError(not_found)
    return parsed


def int_arg(raw: str, name: str, low: int, high: int) -> int:
    """An integer query argument within [low, high]; a 400 naming it otherwise."""
    try:
        number = int(raw)
    except ValueError:
        raise InvalidInputError(f"'{name}' must be an integer.") from None
    if not low <= number <= high:
        raise InvalidInputError(f"'{name}' must be between {low} and {high}.")
    return number


def whole_number(value: Any) -> int | None:
    """A JSON integer (``5.0`` is one too, as JSON Schema says), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None
