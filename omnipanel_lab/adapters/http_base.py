"""What the adapters that speak a provider's HTTP API themselves have in common.

The relay's fast path for a model streaming 500-2,000 tokens/s (issue 10), measured in
bench/models.py:

- **aiohttp under httpx.** The adapters speak httpx, but their bytes travel through
  aiohttp's transport (``httpx-aiohttp``): httpx's own stack (httpcore, h11, anyio: a
  cancel scope and two epoll changes per read) cost ~130 µs per streamed event against
  ~35 µs through aiohttp's C parser, and ~0.9 ms per request against ~0.1 ms with 50
  streams open (httpcore's pool scans every connection per request).
- **Bytes, not lines.** ``sse_data`` splits the stream into ``data:`` fields with bytes
  operations, a network read at a time, and hands on what arrived together together.
- **A read window.** Once a stream is fast (its next read was already waiting), reads are
  at most ``READ_WINDOW_S`` apart: what a fast model sends within the window leaves the
  server as one event, one write and one flush, instead of one wake-up of the whole relay
  per token. The first read is never held back (no time to first token is added), nor is
  a slow stream (a model at 50 tokens/s never waits here); the browser shows text once a
  frame (16 ms) anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
from httpx_aiohttp import HttpxAiohttpClient

from .errors import ModelError, ProviderUnreachableError, StreamInterruptedError
from .types import TextDelta

READ_WINDOW_S = 0.005


async def sse_data(
    response: httpx.Response, window: float = READ_WINDOW_S
) -> AsyncIterator[list[bytes]]:
    """The ``data:`` fields of a server-sent events stream, one list per network read.

    Comment lines (``: ping``) and other fields are skipped; an incomplete last line waits
    for the next read. After a read that came within ``window`` of asking for it, the next
    read waits until ``window`` has passed since this one (see the module's docstring).
    """
    loop = asyncio.get_running_loop()
    rest = b""
    asked = loop.time()
    async for chunk in response.aiter_bytes():
        arrived = loop.time()
        if b"\n" in chunk:
            *lines, rest = (rest + chunk).split(b"\n")
            data = [line[5:].strip() for line in lines if line.startswith(b"data:")]
            if data:
                yield data
        else:
            rest += chunk
        if arrived - asked < window:  # the data was there at once: a fast stream
            await asyncio.sleep(window - (loop.time() - arrived))
        asked = loop.time()
    if rest.startswith(b"data:"):
        yield [rest[5:].strip()]


class StreamBroken(Exception):
    """The provider's stream broke off after its reply began (``cause``: the error's name);
    the adapter raises it as ``interrupted`` with the text it had received."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class ReplyText:
    """A streaming reply's text: what was handed on, and the deltas of the current read,
    which leave as one ``TextDelta`` (its ``count`` is how many the provider sent)."""

    def __init__(self) -> None:
        self._sent: list[str] = []
        self._pending: list[str] = []

    def add(self, text: str) -> None:
        self._pending.append(text)

    def take(self) -> TextDelta | None:
        """The pending deltas as one, or None when there are none."""
        if not self._pending:
            return None
        text = "".join(self._pending)
        delta = TextDelta(text, len(self._pending))
        self._sent.append(text)
        self._pending.clear()
        return delta

    @property
    def received(self) -> str:
        """Every delta so far, handed on or not: kept for the user when the stream fails."""
        return "".join(self._sent + self._pending)


class HttpAdapter:
    """An httpx client for one provider, and the errors every streaming adapter raises.

    Subclasses say how a key travels (``headers``) and what an error reply means
    (``error_for``); requests, streams and their failures are handled here once.
    """

    def __init__(self, provider: str, base_url: str, *, timeout: float = 120.0) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client: httpx.AsyncClient = HttpxAiohttpClient(
            timeout=httpx.Timeout(timeout, connect=5.0)
        )

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

    async def sse_batches(
        self, url: str, body: Any, api_key: str | None
    ) -> AsyncIterator[list[bytes]]:
        """A streamed POST's ``data:`` fields, one list per read (``sse_data``).

        Raises the provider's typed error for an error reply, ``unreachable`` when no
        connection could be made, and ``StreamBroken`` when the stream fails after that.
        Iterate inside ``contextlib.aclosing``: a consumer that stops early (``[DONE]``)
        must close it, so the connection goes back to the pool at once.
        """
        answered = False
        try:
            async with self._client.stream(
                "POST", url, json=body, headers=self.headers(api_key)
            ) as response:
                answered = True
                if response.status_code >= 400:
                    await response.aread()
                    raise self.error_for(response.status_code, response.text, api_key)
                async for batch in sse_data(response):
                    yield batch
        except httpx.TransportError as error:
            # aiohttp's transport reports a refused connection, and a server that drops
            # one mid-stream, as a connect timeout: what counts is whether it answered.
            connecting = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
            if connecting and not answered:
                raise self.unreachable() from None
            raise StreamBroken(type(error).__name__) from None

    def unreachable(self) -> ProviderUnreachableError:
        return ProviderUnreachableError(f"Cannot reach {self.provider} at {self.base_url}.")

    def interrupted(self, received: str, cause: str | None = None) -> StreamInterruptedError:
        """The stream stopped early; what had arrived is kept for the user."""
        how = f"broke off ({cause})" if cause else "ended without finishing"
        return StreamInterruptedError(
            f"The {self.provider} stream {how}; the text received so far is kept.",
            partial_text=received,
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
