"""Which API key each keyed provider uses for a user's request."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..identity import Identity
from .service import SecretService


@dataclass(frozen=True)
class ApiKey:
    """A provider key for one request (never sent to a client: ``value`` is in clear)."""

    value: str
    source: str  # "user", "project" or "environment"
    last4: str

    def status(self) -> dict[str, Any]:
        """What the UI may know about it."""
        status: dict[str, Any] = {"set": True, "source": self.source}
        if self.source != "environment":
            status["last4"] = self.last4
        return status


def wanted_keys(keyed: Mapping[str, str], only: str | None = None) -> list[str]:
    """The keyed providers asked about: all of them, or ``only`` if it is one."""
    if only is None:
        return list(keyed)
    return [only] if only in keyed else []


class ProviderKeys:
    def __init__(self, secrets: SecretService, keyed: Mapping[str, str]) -> None:
        self.secrets = secrets
        self.keyed = keyed  # provider -> the environment variable that may hold its key

    async def resolve(
        self, identity: Identity, project_id: str | None = None, only: str | None = None
    ) -> dict[str, ApiKey]:
        """The key each keyed provider (or just ``only``) uses for this user: theirs (the
        project's first), else the server's environment variable. Providers without one
        are left out."""
        wanted = wanted_keys(self.keyed, only)
        if not wanted:
            return {}
        stored = await self.secrets.resolve(identity, wanted, project_id)
        keys: dict[str, ApiKey] = {}
        for provider in wanted:
            if provider in stored:
                secret = stored[provider]
                keys[provider] = ApiKey(secret.value, secret.scope, secret.last4)
            elif os.environ.get(self.keyed[provider]):
                keys[provider] = ApiKey(os.environ[self.keyed[provider]], "environment", "")
        return keys
