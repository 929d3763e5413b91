"""Checking what a client sends about a connection: its name, kind, URL and key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import InvalidInputError
from ..models.connected import KINDS

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
KEY = re.compile(r"[\x21-\x7e]+")  # it travels in an HTTP header
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
    """An http(s) URL with a host, without a trailing slash."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("'base_url' must be a URL such as http://host:8000/v1.")
    url = value.strip()
    if len(url) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise InvalidInputError(f"'base_url' must be one URL of at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        raise InvalidInputError(f"{url[:100]!r} is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(
            f"{url[:100]!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:8000/v1."
        )
    host = parts.hostname.rstrip(".")
    labels_ok = len(host) <= 253 and all(0 < len(label) <= 63 for label in host.split("."))
    if not labels_ok and ":" not in host:  # an IPv6 address has no labels
        raise InvalidInputError(f"{host[:100]!r} is not a valid host name.")
    if parts.query or parts.fragment:
        raise InvalidInputError("'base_url' takes no query or fragment.")
    return url.rstrip("/")


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
        key = key.strip() or None
        if key is not None and not KEY.fullmatch(key):
            raise InvalidInputError("'api_key' must be printable ASCII without spaces.")
    return ConnectionFields(kind=kind, base_url=base_url, api_key=key)
