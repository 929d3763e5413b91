"""The built-in local model: a GGUF served by the supervised llama.cpp engine.

Base models without a chat template (such as the shipped Gemma 3 270M) only echo a chat
prompt back; they answer usefully as a completion of a short few-shot conversation, cut
at the next "User:" turn and with a repeat penalty (see ``base_prompt``). Models with a
chat template (any instruction-tuned GGUF) are used through the chat endpoint with their
own template.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..engines.llama_cpp import EngineConfig, LlamaCppEngine
from ..errors import PermissionDeniedError
from .base_prompt import (
    CODE_REPEAT_PENALTY,
    FENCE,
    STOP,
    TEMPERATURE,
    base_prompt,
    closing_fence,
)
from .errors import (
    ContextTooLongError,
    ProviderUnreachableError,
    StreamInterruptedError,
    UnknownModelError,
)
from .openai_compatible import OpenAICompatibleAdapter
from .types import ChatRequest, Finish, ModelInfo, StreamEvent, TextDelta

TEMPLATE_MARGIN = 64  # tokens a chat template adds around the messages


class LocalModelAdapter:
    provider = "builtin"

    def __init__(
        self,
        engine: LlamaCppEngine,
        *,
        base_model: bool,
        shipped: bool = False,
        repeat_penalty: float = 1.3,
    ) -> None:
        self.engine = engine
        self.shipped = shipped
        self.is_default = False  # set by the library: served when a request names no model
        self.base_model = base_model
        self.repeat_penalty = repeat_penalty
        self._adapter: OpenAICompatibleAdapter | None = None

    async def _connected(self) -> OpenAICompatibleAdapter:
        base_url = await self.engine.ensure_started()
        # A restarted engine has a new port and token: reconnect.
        if self._adapter is None or self._adapter.base_url != base_url:
            if self._adapter is not None:
                await self._adapter.aclose()
            self._adapter = await asyncio.to_thread(  # off the loop: TLS set-up costs ~50 ms
                OpenAICompatibleAdapter, "local engine", base_url, self.engine.token
            )
        return self._adapter

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        config = self.engine.config
        return [
            ModelInfo(
                id=config.model_alias,
                provider=self.provider,
                name=config.model_alias,
                context_length=config.context_length,
                details={
                    "engine": self.engine.status(),
                    "base_model": self.base_model,
                    "shipped": self.shipped,  # the Gemma demo model that comes with OmniPanel
                },
            )
        ]

    async def health(self) -> bool:
        return await self.engine.health()

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """``api_key`` is ignored: the engine has its own per-start token."""
        adapter = await self._connected()
        request = replace(request, model=self.engine.config.model_alias)
        if not self.base_model:
            prompt = "\n".join(m.content for m in request.messages)
            await self._check_context(adapter, prompt, request.max_tokens)
            stream = self._guarded(adapter.stream_chat(request))
            async for event in stream:
                yield event
            return
        framed = base_prompt(request.messages)
        stop = (*STOP, FENCE) if framed.fenced else STOP
        penalty = CODE_REPEAT_PENALTY if framed.fenced else self.repeat_penalty
        request = replace(
            request,
            stop=(*stop, *request.stop),
            temperature=TEMPERATURE if request.temperature is None else request.temperature,
            options={"repeat_penalty": penalty, **request.options},
        )
        await self._check_context(adapter, framed.text, request.max_tokens)
        if framed.fenced:  # the answer begun for the model: its code block
            yield TextDelta(framed.prefill)
        written = framed.prefill
        async for event in self._guarded(adapter.stream_completion(framed.text, request)):
            if isinstance(event, TextDelta):
                written += event.text
            elif isinstance(event, Finish) and framed.fenced:
                yield TextDelta(closing_fence(written))
            yield event

    async def _guarded(self, stream: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
        """The engine's events; a broken stream tells the engine's supervisor."""
        try:
            async for event in stream:
                yield event
        except (StreamInterruptedError, ProviderUnreachableError):
            self.engine.report_failure()
            raise

    async def _check_context(
        self, adapter: OpenAICompatibleAdapter, prompt: str, max_tokens: int
    ) -> None:
        """Refuse a prompt the engine cannot hold: llama.cpp's server answers one with an
        empty stream (or drops the connection) instead of an error."""
        limit = self.engine.config.context_length
        # Every token is at least one byte, so most prompts need no counting at all.
        if len(prompt.encode()) + max_tokens + TEMPLATE_MARGIN <= limit:
            return
        tokens = await adapter.count_tokens(prompt)
        if tokens + max_tokens + TEMPLATE_MARGIN > limit:
            raise ContextTooLongError(
                f"The conversation has about {tokens} tokens; with {max_tokens} for the reply "
                f"it does not fit the model's context of {limit} tokens. Shorten it or start "
                "a new chat."
            )

    async def aclose(self) -> None:
        if self._adapter is not None:
            await self._adapter.aclose()
        await self.engine.stop()


@dataclass(frozen=True)
class LocalModelSpec:
    """A GGUF the built-in engine can serve."""

    id: str
    locate: Callable[[], Path]
    base_model: bool = False
    shipped: bool = False
    path: Path | None = None  # None until located (the shipped model is assembled on demand)
    removable: bool = False  # a file the user dropped into the models folder


class LocalModelLibrary:
    """The built-in provider: every local GGUF, served one at a time by one engine.

    Asking for another model stops the engine and starts it with that file: two engines
    would double the memory on a laptop.
    """

    provider = "builtin"

    def __init__(
        self, catalog: Callable[[], list[LocalModelSpec]], engine_settings: dict[str, Any]
    ) -> None:
        self._catalog = catalog
        self._engine_settings = engine_settings
        self._active: tuple[str, LocalModelAdapter] | None = None
        self._switch = asyncio.Lock()

    async def specs(self) -> list[LocalModelSpec]:
        return await asyncio.to_thread(self._catalog)  # reads the models folder

    async def _adapter_for(self, model_id: str) -> LocalModelAdapter:
        # The common case, on every request: the running model. No folder scan for it.
        if self._active is not None:
            name, running = self._active
            if model_id == name or (not model_id and running.is_default):
                return running
        specs = await self.specs()
        spec = next((s for s in specs if s.id == model_id), None) if model_id else specs[0]
        if spec is None:
            known = ", ".join(s.id for s in specs)
            raise UnknownModelError(f"No local model '{model_id}'. Local models: {known}.")
        async with self._switch:
            if self._active is not None and self._active[0] == spec.id:
                return self._active[1]
            if self._active is not None:
                await self._active[1].aclose()
            config = EngineConfig(
                locate_model=spec.locate, model_alias=spec.id, **self._engine_settings
            )
            adapter = LocalModelAdapter(
                LlamaCppEngine(config), base_model=spec.base_model, shipped=spec.shipped
            )
            adapter.is_default = spec is specs[0]
            self._active = (spec.id, adapter)
            return adapter

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        models = []
        for spec in await self.specs():
            if self._active is not None and self._active[0] == spec.id:
                models += await self._active[1].list_models()
                continue
            size = spec.path.stat().st_size if spec.path and spec.path.exists() else None
            models.append(
                ModelInfo(
                    id=spec.id,
                    provider=self.provider,
                    name=spec.id,
                    context_length=self._engine_settings.get(
                        "context_length", EngineConfig.context_length
                    ),
                    details={
                        "engine": {"state": "stopped", "model_path": str(spec.path or "")},
                        "base_model": spec.base_model,
                        "shipped": spec.shipped,
                        "removable": spec.removable,
                        "size_bytes": size,
                    },
                )
            )
        return models

    async def health(self) -> bool:
        return self._active is None or await self._active[1].health()

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        adapter = await self._adapter_for(request.model)
        async for event in adapter.stream_chat(request):
            yield event

    async def remove(self, model_id: str) -> None:
        """Delete a GGUF the user added to the models folder."""
        spec = next((s for s in await self.specs() if s.id == model_id), None)
        if spec is None:
            raise UnknownModelError(f"No local model '{model_id}'.")
        if not spec.removable or spec.path is None:
            raise PermissionDeniedError(
                f"'{model_id}' is not a file of the models folder; it cannot be removed here."
            )
        async with self._switch:
            if self._active is not None and self._active[0] == model_id:
                await self._active[1].aclose()
                self._active = None
            await asyncio.to_thread(spec.path.unlink)

    async def aclose(self) -> None:
        if self._active is not None:
            await self._active[1].aclose()
            self._active = None
