"""Checking what a client sends about a connection: its name, kind, URL and key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidInputError
from ..models.connected import KINDS

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
KEY = re.compile(r"[\x21-\x7e]*")  # it travels in an HTTP header
# Labels of at most 63 characters (as DNS and IDNA want them); a port of 1-65535.
PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
URL = re.compile(
    rf"https?://[A-Za-z0-9-]{{1,63}}(\.[A-Za-z0-9-]{{1,63}})*(:{PORT})?(/[A-Za-z0-9._~/-]*)?"
)
MAX_URL = 2048
MAX_KEY = 4096
FIELDS = {"kind", "base_url", "api_key"}


@dataclass(frozen=True)
class ConnectionFields:
    kind: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)


def parse_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InvalidInputError(
            "A connection's name is 1-64 lower-case letters, digits, '.', '_' or '-' "
            "(e.g. 'my-vllm')."
        )
    return name


def parse_base_url(value: Any) -> str:
    """An http(s) URL of a host name or IPv4 address, an optional port and a path (the
    OpenAPI document carries the same pattern); stored without a trailing slash."""
    if not isinstance(value, str) or len(value) > MAX_URL or not URL.fullmatch(value):
        raise InvalidInputError(
            f"{str(value)[:100]!r} is not a base URL such as http://127.0.0.1:8000/v1: http(s), "
            "a host name or IPv4 address, an optional port, a path, no query."
        )
    return value.rstrip("/")


def parse_connection(payload: Any) -> ConnectionFields:
    """``{"kind", "base_url", "api_key"?}``; a clear 400 for anything else."""
    if not isinstance(payload, dict):
        raise InvalidInputError('Send {"kind": "openai" or "ollama", "base_url", "api_key"?}.')
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise InvalidInputError(f"Unknown field(s): {', '.join(unknown)}.")
    kind = payload.get("kind", "openai")
    if kind not in KINDS:
        raise InvalidInputError(f"'kind' must be one of {', '.join(KINDS)}.")
    base_url = parse_base_url(payload.get("base_url"))
    key = payload.get("api_key")
    if "api_key" in payload:  # null is not "no key": leave the field out for that
        if not isinstance(key, str) or len(key) > MAX_KEY:
            raise InvalidInputError(f"'api_key' must be text of at most {MAX_KEY} characters.")
        if not KEY.fullmatch(key):
            raise InvalidInputError("'api_key' must be printable ASCII without spaces.")
        key = key or None
    return ConnectionFields(kind=kind, base_url=base_url, api_key=key)
