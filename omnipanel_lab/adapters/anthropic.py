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
    ProviderUnreachableError,
    StreamInterruptedError,
    UnknownModelError,
)
from .types import ChatRequest, Finish, ModelInfo, StreamEvent, TextDelta, ToolCallDelta, Usage

API_VERSION = "2023-06-01"


class AnthropicAdapter:
    def __init__(self, provider: str, base_url: str, *, timeout: float = 120.0) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))

    def _headers(self, api_key: str | None) -> dict[str, str]:
        return {"x-api-key": api_key or "", "anthropic-version": API_VERSION}

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        try:
            response = await self._client.get(
                f"{self.base_url}/models", headers=self._headers(api_key)
            )
        except httpx.TransportError:
            raise self._unreachable() from None
        if response.status_code >= 400:
            raise self._error(response.status_code, response.text, api_key)
        return [
            ModelInfo(id=item["id"], provider=self.provider, name=item.get("display_name", ""))
            for item in response.json().get("data", [])
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
                {"role": m.role, "content": m.content}
                for m in request.messages
                if m.role in ("user", "assistant")
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
            async with self._client.stream(
                "POST", f"{self.base_url}/messages", json=body, headers=self._headers(api_key)
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self._error(response.status_code, response.text, api_key)
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
                            f"{self.provider}: {self._clean(error.get('message', ''), api_key)}",
                            partial_text="".join(received),
                        )
        except httpx.ConnectError:
            raise self._unreachable() from None
        except (httpx.TransportError, json.JSONDecodeError) as error:
            raise StreamInterruptedError(
                f"The {self.provider} stream broke off ({type(error).__name__}); "
                "the text received so far is kept.",
                partial_text="".join(received),
            ) from None
        if finish is None:
            raise StreamInterruptedError(
                f"The {self.provider} stream ended without finishing; "
                "the text received so far is kept.",
                partial_text="".join(received),
            )
        yield Finish(finish)

    def _unreachable(self) -> ProviderUnreachableError:
        return ProviderUnreachableError(f"Cannot reach {self.provider} at {self.base_url}.")

    def _error(self, status: int, text: str, api_key: str | None) -> ModelError:
        try:
            message = json.loads(text).get("error", {}).get("message", text)
        except ValueError:
            message = text
        message = self._clean(str(message), api_key)
        if status in (401, 403):
            return AuthenticationFailedError(f"{self.provider} rejected the API key: {message}")
        if status == 404:
            return UnknownModelError(f"{self.provider}: {message}")
        if status == 400 and ("too long" in message or "context" in message):
            return ContextTooLongError(f"{self.provider}: {message}")
        return ModelError(f"{self.provider} answered {status}: {message}")

    @staticmethod
    def _clean(message: str, api_key: str | None) -> str:
        return (message.replace(api_key, "***") if api_key else message)[:500]

    async def aclose(self) -> None:
        await self._client.aclose()
