"""Anthropic's Messages API, streamed with httpx (no SDK: the wire format is small and stable).

Streaming events: message_start (input tokens), content_block_start / content_block_delta
(text_delta, input_json_delta for tool use), message_delta (stop_reason, output tokens),
message_stop, ping, error.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from .errors import (
    AuthenticationFailedError,
    ContextTooLongError,
    ModelError,
    UnknownModelError,
)
from .http_base import HttpAdapter
from .types import (
    ChatMessage,
    ChatRequest,
    Finish,
    ModelInfo,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)

API_VERSION = "2023-06-01"


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
        received: list[str] = []
        finish: str | None = None
        input_tokens: int | None = None
        try:
            async with self.post_stream(f"{self.base_url}/messages", body, api_key) as response:
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    event = json.loads(line[5:])
                    kind = event.get("type")
                    if kind == "message_start":
                        usage = event["message"].get("usage") or {}
                        input_tokens = usage.get("input_tokens")
                    elif kind == "content_block_start":
                        block = event.get("content_block") or {}
                        if block.get("type") == "tool_use":
                            yield ToolCallDelta(
                                event["index"], block.get("id"), block.get("name"), ""
                            )
                    elif kind == "content_block_delta":
                        delta = event.get("delta") or {}
                        if delta.get("type") == "text_delta" and delta.get("text"):
                            received.append(delta["text"])
                            yield TextDelta(delta["text"])
                        elif delta.get("type") == "input_json_delta":
                            yield ToolCallDelta(
                                event["index"], None, None, delta.get("partial_json", "")
                            )
                    elif kind == "message_delta":
                        finish = (event.get("delta") or {}).get("stop_reason") or finish
                        output = (event.get("usage") or {}).get("output_tokens")
                        yield Usage(input_tokens, output)
                    elif kind == "error":
                        error = event.get("error") or {}
                        raise ModelError(
                            f"{self.provider}: {self.redact(error.get('message', ''), api_key)}",
                            partial_text="".join(received),
                        )
        except httpx.ConnectError:
            raise self.unreachable() from None
        except (httpx.TransportError, json.JSONDecodeError) as error:
            raise self.interrupted(received, type(error).__name__) from None
        if finish is None:
            raise self.interrupted(received)
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
