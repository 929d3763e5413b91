"""Models: the providers a user can pick from, and streamed replies with their timing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..adapters.errors import AuthenticationFailedError, ModelError, UnknownModelError
from ..adapters.types import ChatRequest, ModelInfo, StreamEvent, TextDelta, Usage
from .connected import LIST_SECONDS, UserProvider, connection_adapter

WINDOW_CACHE_S = 300.0
# A user's own connections, by the provider id they go by (they may shadow "ollama").
Own = Mapping[str, UserProvider]


class ChatAdapter(Protocol):
    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]: ...
    async def health(self) -> bool: ...
    def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]: ...
    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class StreamStats:
    """Timing of one reply, as the user felt it (from request to last token)."""

    ttft_ms: float | None
    duration_ms: float
    chunks: int
    output_tokens: int | None
    tokens_per_s: float | None
    type: str = "stats"


class ModelService:
    def __init__(
        self,
        factories: dict[str, Callable[[], ChatAdapter]],
        keyed: dict[str, str] | None = None,
    ) -> None:
        # Adapters are built on first use: a provider's SDK or engine costs nothing until then.
        self._factories = factories
        self._adapters: dict[str, ChatAdapter] = {}
        self._building: dict[str, asyncio.Lock] = {}  # one build per provider at a time
        # Providers that need the user's API key -> the environment variable that may hold it.
        self.keyed = keyed or {}
        self._windows: dict[str, tuple[float, dict[str, int | None]]] = {}

    @property
    def provider_ids(self) -> list[str]:
        return list(self._factories)

    async def adapter(self, provider: str, own: Own | None = None) -> ChatAdapter:
        """The adapter of a server provider, or of the asking user's own connection
        (``own``), built on first use."""
        if own and provider in own:
            connection = own[provider]
            key: str = connection.cache_key

            def factory() -> ChatAdapter:
                return connection_adapter(connection)

        elif provider in self._factories:
            key, factory = provider, self._factories[provider]
        else:
            known = [*self._factories, *(own or {})]
            raise UnknownModelError(
                f"Unknown provider '{provider}'. Known: {', '.join(known) or 'none'}."
            )
        if key not in self._adapters:
            # Concurrent first requests wait for one build: a second adapter would leak
            # its HTTP client (or start a second engine).
            async with self._building.setdefault(key, asyncio.Lock()):
                if key not in self._adapters:
                    # Built in a worker thread: an HTTP client loads its TLS certificates
                    # (~50 ms) and an SDK may import a lot; neither should stall the loop.
                    self._adapters[key] = await asyncio.to_thread(factory)
        return self._adapters[key]

    async def forget(self, connection_id: str) -> None:
        """Close the adapters of a user's connection that changed or was removed."""
        prefix = f"connection:{connection_id}:"
        for key in [key for key in self._adapters if key.startswith(prefix)]:
            self._windows.pop(key, None)
            await self._adapters.pop(key).aclose()

    async def providers(self, keys: dict[str, str], own: Own | None = None) -> list[dict[str, Any]]:
        """Every provider with its models, or the reason it has none right now: the
        server's, then the user's own connections (``own``, which may replace "ollama").

        ``keys`` holds the asking user's key for each keyed provider (None: not set)."""
        own = own or {}

        async def describe(provider: str) -> dict[str, Any]:
            if provider in own:
                return {**await listing(provider), "connection": own[provider].describe()}
            if provider in self.keyed and not keys.get(provider):
                return {
                    "id": provider,
                    "available": False,
                    "error": f"No API key: set one here, or {self.keyed[provider]} for the server.",
                    "models": [],
                }
            return await listing(provider)

        async def listing(provider: str) -> dict[str, Any]:
            try:
                adapter = await self.adapter(provider, own)
                call = adapter.list_models(keys.get(provider))
                models = await (asyncio.wait_for(call, LIST_SECONDS) if provider in own else call)
            except ModelError as error:
                return {"id": provider, "available": False, "error": error.message, "models": []}
            except TimeoutError:
                error_text = f"{own[provider].base_url} did not answer in {LIST_SECONDS:.0f} s."
                return {"id": provider, "available": False, "error": error_text, "models": []}
            return {
                "id": provider,
                "available": True,
                "models": [model.__dict__ for model in models],
            }

        ids = [*self._factories, *(name for name in own if name not in self._factories)]
        return list(await asyncio.gather(*(describe(p) for p in ids)))

    async def context_window(
        self, provider: str, model: str, api_key: str | None = None, own: Own | None = None
    ) -> int | None:
        """The model's context length in tokens, when its provider says (the model list
        is asked at most every WINDOW_CACHE_S per provider); None when unknown."""
        key = own[provider].cache_key if own and provider in own else provider
        cached = self._windows.get(key)
        if cached is None or time.monotonic() - cached[0] > WINDOW_CACHE_S:
            try:
                listing = (await self.adapter(provider, own)).list_models(api_key)
                models = await asyncio.wait_for(listing, LIST_SECONDS)
            except (ModelError, TimeoutError):
                return None
            cached = (time.monotonic(), {m.id: m.context_length for m in models})
            self._windows[key] = cached
        return cached[1].get(model)

    async def stream(
        self,
        provider: str,
        request: ChatRequest,
        api_key: str | None = None,
        own: Own | None = None,
    ) -> AsyncIterator[StreamEvent | StreamStats]:
        """The adapter's events, then the reply's timing."""
        mine = bool(own and provider in own)
        if provider in self.keyed and not api_key and not mine:
            raise AuthenticationFailedError(
                f"No API key for {provider}: set one in the Models panel "
                f"(or {self.keyed[provider]} for the whole server)."
            )
        started = time.perf_counter()
        adapter = await self.adapter(provider, own)
        first: float | None = None
        chunks = 0
        output_tokens: int | None = None
        async for event in adapter.stream_chat(request, api_key):
            if isinstance(event, TextDelta):
                chunks += event.count
                first = first or time.perf_counter()
            elif isinstance(event, Usage):
                output_tokens = event.output_tokens
            yield event
        ended = time.perf_counter()
        tokens = output_tokens if output_tokens is not None else chunks
        generating = ended - first if first else 0.0
        yield StreamStats(
            ttft_ms=round((first - started) * 1000, 2) if first else None,
            duration_ms=round((ended - started) * 1000, 2),
            chunks=chunks,
            output_tokens=output_tokens,
            tokens_per_s=round(tokens / generating, 1) if generating > 0 and tokens else None,
        )

    async def close(self) -> None:
        for adapter in self._adapters.values():
            await adapter.aclose()
        self._adapters.clear()
