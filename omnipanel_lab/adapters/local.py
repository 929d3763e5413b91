"""The built-in local model: a GGUF served by the supervised llama.cpp engine.

Base models without a chat template (such as the shipped Gemma 3 270M) only echo a chat
prompt back; they answer usefully as a completion of a short few-shot conversation, cut
at the next "User:" turn and with a repeat penalty. Models with a chat template (any
instruction-tuned GGUF) are used through the chat endpoint with their own template.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

from ..engines.llama_cpp import LlamaCppEngine
from .errors import ProviderUnreachableError, StreamInterruptedError
from .openai_compatible import OpenAICompatibleAdapter
from .types import ChatMessage, ChatRequest, ModelInfo, StreamEvent

FEW_SHOT_HEADER = (
    "The following is a conversation between a User and a helpful, concise Assistant.\n\n"
    "User: Hello! Who are you?\n"
    "Assistant: I am a small assistant that runs locally in OmniPanel.\n\n"
    "User: What is 2 + 2?\n"
    "Assistant: 2 + 2 is 4.\n\n"
)
STOP_SEQUENCES = ("\nUser:", "\nAssistant:")


def completion_prompt(messages: tuple[ChatMessage, ...]) -> str:
    """The conversation as a few-shot transcript that ends where the assistant speaks."""
    lines = [FEW_SHOT_HEADER]
    for message in messages:
        if message.role == "system":
            lines.append(f"{message.content.strip()}\n\n")
        elif message.role in ("user", "assistant"):
            speaker = "User" if message.role == "user" else "Assistant"
            lines.append(f"{speaker}: {message.content.strip()}\n")
    lines.append("Assistant:")
    return "".join(lines)


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
        if self.base_model:
            request = replace(
                request,
                stop=(*STOP_SEQUENCES, *request.stop),
                options={"repeat_penalty": self.repeat_penalty, **request.options},
            )
            stream = adapter.stream_completion(completion_prompt(request.messages), request)
        else:
            stream = adapter.stream_chat(request)
        try:
            async for event in stream:
                yield event
        except (StreamInterruptedError, ProviderUnreachableError):
            self.engine.report_failure()
            raise

    async def aclose(self) -> None:
        if self._adapter is not None:
            await self._adapter.aclose()
        await self.engine.stop()
