"""Any server that speaks OpenAI's chat/completions wire format.

llama.cpp's server, vLLM, LM Studio, OpenRouter, Together, DeepSeek and OpenAI itself.
Spoken directly with httpx over aiohttp's transport (``http_base``): streaming is parsed as
it arrives, so OmniPanel adds next to nothing to the model's own time to first token.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from .errors import (
    AuthenticationFailedError,
    ContextTooLongError,
    ModelError,
    UnknownModelError,
)
from .http_base import HttpAdapter, ReplyText, StreamBroken
from .types import (
    ChatMessage,
    ChatRequest,
    Finish,
    ModelInfo,
    StreamEvent,
    ToolCallDelta,
    Usage,
)


def tool_call(call: dict[str, Any]) -> ToolCallDelta:
    function = call.get("function") or {}
    return ToolCallDelta(
        index=call.get("index", 0),
        id=call.get("id"),
        name=function.get("name"),
        arguments=function.get("arguments") or "",
    )


def openai_message(message: ChatMessage) -> dict[str, Any]:
    """A message in OpenAI's format; with images, content is a list of parts."""
    if not message.images:
        return {"role": message.role, "content": message.content}
    parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
    parts += [{"type": "image_url", "image_url": {"url": i.data_url}} for i in message.images]
    return {"role": message.role, "content": parts}


class OpenAICompatibleAdapter(HttpAdapter):
    """Chat with one OpenAI-compatible endpoint (``base_url`` ends in ``/v1``)."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 120.0,
    ) -> None:
        super().__init__(provider, base_url, timeout=timeout)
        self._api_key = api_key

    def headers(self, api_key: str | None) -> dict[str, str]:
        key = api_key or self._api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        listing = await self.request_json("GET", f"{self.base_url}/models", api_key)
        return [
            ModelInfo(id=item["id"], provider=self.provider, name=item.get("id", ""))
            for item in listing.get("data", [])
        ]

    async def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` (llama.cpp's server extra ``/extras/tokenize/count``)."""
        origin = self.base_url.removesuffix("/v1")
        url = f"{origin}/extras/tokenize/count"
        return int((await self.request_json("POST", url, None, {"input": text}))["count"])

    async def health(self) -> bool:
        try:
            await self.request_json("GET", f"{self.base_url}/models", None)
        except ModelError:
            return False
        return True

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """Stream a reply; ``api_key`` (the user's) replaces the adapter's own key."""
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [openai_message(m) for m in request.messages],
            "max_tokens": request.max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
            **request.options,
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.stop:
            body["stop"] = list(request.stop)
        async for event in self._stream("/chat/completions", body, chat=True, api_key=api_key):
            yield event

    async def stream_completion(
        self, prompt: str, request: ChatRequest
    ) -> AsyncIterator[StreamEvent]:
        """A plain completion (for base models without a chat template)."""
        body: dict[str, Any] = {
            "model": request.model,
            "prompt": prompt,
            "max_tokens": request.max_tokens,
            "stream": True,
            **request.options,
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.stop:
            body["stop"] = list(request.stop)
        async for event in self._stream("/completions", body, chat=False):
            yield event

    async def _stream(
        self, path: str, body: dict[str, Any], *, chat: bool, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        text = ReplyText()
        finish: str | None = None
        done = False
        try:
            async with aclosing(self.sse_batches(self.base_url + path, body, api_key)) as batches:
                async for batch in batches:
                    # The deltas of one read leave as one TextDelta (events keep their order).
                    for data in batch:
                        if data == b"[DONE]":
                            done = True
                            break
                        chunk = json.loads(data)
                        if "error" in chunk:
                            raise ModelError(
                                self._redact(
                                    str(chunk["error"].get("message", chunk["error"])), api_key
                                ),
                                partial_text=text.received,
                            )
                        for choice in chunk.get("choices") or ():
                            delta = choice.get("delta") or {}
                            piece = delta.get("content") if chat else choice.get("text")
                            if piece:
                                text.add(piece)
                            calls = delta.get("tool_calls")
                            if calls:
                                if pending := text.take():
                                    yield pending
                                for call in calls:
                                    yield tool_call(call)
                            finish = choice.get("finish_reason") or finish
                        usage = chunk.get("usage")
                        if usage:
                            if pending := text.take():
                                yield pending
                            yield Usage(usage.get("prompt_tokens"), usage.get("completion_tokens"))
                    if pending := text.take():
                        yield pending
                    if done:
                        break
        except StreamBroken as broken:
            raise self.interrupted(text.received, broken.cause) from None
        except json.JSONDecodeError:
            raise self.interrupted(text.received, "JSONDecodeError") from None
        if pending := text.take():
            yield pending
        if finish is None:
            raise self.interrupted(text.received)
        yield Finish(finish)

    def error_for(self, status: int, text: str, api_key: str | None) -> ModelError:
        try:
            payload = json.loads(text)
            detail = payload.get("error", payload)
            message = detail.get("message") if isinstance(detail, dict) else str(detail)
        except (ValueError, AttributeError):
            message = text
        message = self._redact(str(message or status), api_key)
        if status in (401, 403):
            return AuthenticationFailedError(f"{self.provider} rejected the API key: {message}")
        if status == 404:
            return UnknownModelError(f"{self.provider}: {message}")
        if "context" in message.lower() and status in (400, 413):
            return ContextTooLongError(f"{self.provider}: {message}")
        return ModelError(f"{self.provider} answered {status}: {message}")

    def _redact(self, message: str, api_key: str | None) -> str:
        return self.redact(message, api_key, self._api_key)
