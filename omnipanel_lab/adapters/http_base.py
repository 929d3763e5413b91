"""What the adapters that speak a provider's HTTP API themselves have in common."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from .errors import ModelError, ProviderUnreachableError, StreamInterruptedError


async def sse_data(response: httpx.Response) -> AsyncIterator[list[bytes]]:
    """The ``data:`` fields of a server-sent events stream, one list per network read.

    Lines are split here rather than by ``aiter_lines`` (a decode and an iteration step per
    line): at 1,000 tokens/s the per-line cost is most of a relay's CPU, and what arrived
    together can be handed on together. Comment lines (``: ping``) and other fields are
    skipped; an incomplete last line waits for the next read.
    """
    rest = b""
    async for chunk in response.aiter_bytes():
        if b"\n" not in chunk:
            rest += chunk
            continue
        *lines, tail = (rest + chunk).split(b"\n")
        rest = tail
        data = [line[5:].strip() for line in lines if line.startswith(b"data:")]
        if data:
            yield data
    if rest.startswith(b"data:"):
        yield [rest[5:].strip()]


class HttpAdapter:
    """An httpx client for one provider, and the errors every streaming adapter raises.

    Subclasses say how a key travels (``headers``) and what an error reply means
    (``error_for``); requests, streams and their failures are handled here once.
    """

    def __init__(self, provider: str, base_url: str, *, timeout: float = 120.0) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))

    def headers(self, api_key: str | None) -> dict[str, str]:
        raise NotImplementedError

    def error_for(self, status: int, text: str, api_key: str | None) -> ModelError:
        raise NotImplementedError

    async def request_json(
        self, method: str, url: str, api_key: str | None, body: Any = None
    ) -> Any:
        """One request; a refused or failed one becomes the adapter's typed error."""
        try:
            response = await self._client.request(
                method, url, json=body, headers=self.headers(api_key)
            )
        except httpx.TransportError:
            raise self.unreachable() from None
        if response.status_code >= 400:
            raise self.error_for(response.status_code, response.text, api_key)
        return response.json()

    @asynccontextmanager
    async def post_stream(
        self, url: str, body: Any, api_key: str | None
    ) -> AsyncIterator[httpx.Response]:
        """A streamed POST whose error replies are raised as typed errors."""
        async with self._client.stream(
            "POST", url, json=body, headers=self.headers(api_key)
        ) as response:
            if response.status_code >= 400:
                await response.aread()
                raise self.error_for(response.status_code, response.text, api_key)
            yield response

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
