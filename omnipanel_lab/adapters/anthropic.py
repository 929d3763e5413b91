"""Anthropic's Messages API, streamed with httpx (no SDK: the wire format is small and stable).

The stream takes the relay's fast path (``http_base``): a read's text deltas leave as one.

Streaming events: message_start (input tokens), content_block_start / content_block_delta
(text_delta, input_json_delta for tool use), message_delta (stop_reason, output tokens),
message_stop, ping, error.
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

API_VERSION = "2023-06-01"
# The events with something for the reply besides text (ping, content_block_stop and
# message_stop have nothing).
MEANINGFUL = frozenset(
    ("message_start", "content_block_start", "content_block_delta", "message_delta", "error")
)


def anthropic_message(message: ChatMessage) -> dict[str, Any]:
    """A message in Anthropic's format; images go first, as base64 image blocks."""
    if not message.images:
        return {"role": message.role, "content": message.content}
    blocks: list[dict[str, Any]] = [
        {
            "type": "image",
            "source": {"type": "base64", "media_type": i.media_type, "data": i.data},
        }
        for i in message.images
    ]
    return {"role": message.role, "content": [*blocks, {"type": "text", "text": message.content}]}


class AnthropicAdapter(HttpAdapter):
    def headers(self, api_key: str | None) -> dict[str, str]:
        return {"x-api-key": api_key or "", "anthropic-version": API_VERSION}

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        listing = await self.request_json("GET", f"{self.base_url}/models", api_key)
        return [
            ModelInfo(id=item["id"], provider=self.provider, name=item.get("display_name", ""))
            for item in listing.get("data", [])
        ]

    async def health(self) -> bool:
        return True  # needs a key to ask; reachability shows when models are listed

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": [
                anthropic_message(m) for m in request.messages if m.role in ("user", "assistant")
            ],
            "stream": True,
        }
        if system:
            body["system"] = system
        if request.temperature is not None:
            body["temperature"] = min(request.temperature, 1.0)  # Anthropic's range is 0-1
        if request.stop:
            body["stop_sequences"] = list(request.stop)
        text = ReplyText()
        finish: str | None = None
        input_tokens: int | None = None
        url = f"{self.base_url}/messages"
        try:
            async with aclosing(self.sse_batches(url, body, api_key)) as batches:
                async for batch in batches:
                    # The text deltas of one read leave as one TextDelta, in order.
                    for data in batch:
                        event = json.loads(data)
                        kind = event.get("type")
                        delta = event.get("delta") or {}
                        if kind == "content_block_delta" and delta.get("type") == "text_delta":
                            if delta.get("text"):
                                text.add(delta["text"])
                            continue
                        if kind not in MEANINGFUL:
                            continue
                        if pending := text.take():  # the text comes before what follows it
                            yield pending
                        if kind == "content_block_delta":
                            if delta.get("type") == "input_json_delta":
                                partial = delta.get("partial_json", "")
                                yield ToolCallDelta(event["index"], None, None, partial)
                        elif kind == "message_start":
                            usage = event["message"].get("usage") or {}
                            input_tokens = usage.get("input_tokens")
                        elif kind == "content_block_start":
                            block = event.get("content_block") or {}
                            if block.get("type") == "tool_use":
                                yield ToolCallDelta(
                                    event["index"], block.get("id"), block.get("name"), ""
                                )
                        elif kind == "message_delta":
                            finish = delta.get("stop_reason") or finish
                            output = (event.get("usage") or {}).get("output_tokens")
                            yield Usage(input_tokens, output)
                        else:  # error
                            error = event.get("error") or {}
                            raise ModelError(
                                f"{self.provider}: "
                                f"{self.redact(error.get('message', ''), api_key)}",
                                partial_text=text.received,
                            )
                    if pending := text.take():
                        yield pending
        except StreamBroken as broken:
            raise self.interrupted(text.received, broken.cause) from None
        except json.JSONDecodeError:
            raise self.interrupted(text.received, "JSONDecodeError") from None
        if finish is None:
            raise self.interrupted(text.received)
        yield Finish(finish)

    def error_for(self, status: int, text: str, api_key: str | None) -> ModelError:
        try:
            message = json.loads(text).get("error", {}).get("message", text)
        except ValueError:
            message = text
        message = self.redact(str(message), api_key)
        if status in (401, 403):
            return AuthenticationFailedError(f"{self.provider} rejected the API key: {message}")
        if status == 404:
            return UnknownModelError(f"{self.provider}: {message}")
        if status == 400 and ("too long" in message or "context" in message):
            return ContextTooLongError(f"{self.provider}: {message}")
        return ModelError(f"{self.provider} answered {status}: {message}")
