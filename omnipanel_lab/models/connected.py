"""Providers a user connected from the Models panel (kept in the store, per user)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .service import ChatAdapter

KINDS = ("openai", "ollama")
# A listing that hangs (a host that accepts and never answers) must not hold up the
# Models panel, nor a test's server: the whole list call is bounded by this.
LIST_SECONDS = 8.0


@dataclass(frozen=True)
class UserProvider:
    """One user's connection, its key decrypted for this request (never sent out)."""

    id: str
    name: str
    kind: str
    base_url: str
    updated: str
    api_key: str | None = field(default=None, repr=False)
    last4: str = ""

    @property
    def cache_key(self) -> str:
        """Changes when the connection does: a new URL or key gets a new adapter."""
        return f"connection:{self.id}:{self.updated}"

    def describe(self) -> dict[str, object]:
        """What the UI may know about it (never the key)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "base_url": self.base_url,
            "key": {"set": self.api_key is not None, "last4": self.last4},
        }


def connection_adapter(provider: UserProvider) -> ChatAdapter:
    """The adapter that speaks to a user's connection, with short connect timeouts."""
    if provider.kind == "ollama":
        import httpx  # with the adapter, not at the extension's import (it is heavy)

        from ..adapters.ollama import OllamaAdapter

        timeout = httpx.Timeout(120.0, connect=5.0)
        return OllamaAdapter(provider.base_url, timeout=timeout, api_key=provider.api_key)
    from ..adapters.openai_compatible import OpenAICompatibleAdapter

    return OpenAICompatibleAdapter(provider.name, provider.base_url, provider.api_key)
