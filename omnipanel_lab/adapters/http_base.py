"""What the adapters that speak a provider's HTTP API themselves have in common."""

from __future__ import annotations

import httpx

from .errors import ProviderUnreachableError, StreamInterruptedError


class HttpAdapter:
    """An httpx client for one provider, and the errors every streaming adapter raises."""

    def __init__(self, provider: str, base_url: str, *, timeout: float = 120.0) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))

    def unreachable(self) -> ProviderUnreachableError:
        return ProviderUnreachableError(f"Cannot reach {self.provider} at {self.base_url}.")

    def interrupted(self, received: list[str], cause: str | None = None) -> StreamInterruptedError:
        """The stream stopped early; what had arrived is kept for the user."""
        how = f"broke off ({cause})" if cause else "ended without finishing"
        return StreamInterruptedError(
            f"The {self.provider} stream {how}; the text received so far is kept.",
            partial_text="".join(received),
        )

    @staticmethod
    def redact(message: str, *keys: str | None) -> str:
        """Provider messages go to the UI: cut them short and never echo a key."""
        for key in keys:
            if key:
                message = message.replace(key, "***")
        return message[:500]

    async def aclose(self) -> None:
        await self._client.aclose()
