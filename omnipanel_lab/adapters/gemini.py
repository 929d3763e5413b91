"""Google Gemini's REST API (``streamGenerateContent?alt=sse``), streamed with httpx.

Each event is a GenerateContentResponse: candidates[0].content.parts (text or functionCall),
finishReason on the last one, usageMetadata with token counts. The stream takes the
relay's fast path (``http_base``): a read's text parts leave as one.
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


def gemini_content(message: ChatMessage) -> dict[str, Any]:
    """A message as Gemini "content": images as inline data parts before the text."""
    images = [{"inline_data": {"mime_type": i.media_type, "data": i.data}} for i in message.images]
    return {
        "role": "model" if message.role == "assistant" else "user",
        "parts": [*images, {"text": message.content}],
    }


class GeminiAdapter(HttpAdapter):
    def headers(self, api_key: str | None) -> dict[str, str]:
        return {"x-goog-api-key": api_key or ""}

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        listing = await self.request_json("GET", f"{self.base_url}/models", api_key)
        return [
            ModelInfo(
                id=item["name"].removeprefix("models/"),
                provider=self.provider,
                name=item.get("displayName", ""),
                context_length=item.get("inputTokenLimit"),
            )
            for item in listing.get("models", [])
            if "generateContent" in item.get("supportedGenerationMethods", ["generateContent"])
        ]

    async def health(self) -> bool:
        return True  # needs a key to ask; reachability shows when models are listed

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        body: dict[str, Any] = {
            "contents": [
                gemini_content(m) for m in request.messages if m.role in ("user", "assistant")
            ],
            "generationConfig": {"maxOutputTokens": request.max_tokens},
        }
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        if request.temperature is not None:
            body["generationConfig"]["temperature"] = request.temperature
        if request.stop:
            body["generationConfig"]["stopSequences"] = list(request.stop)
        url = f"{self.base_url}/models/{request.model}:streamGenerateContent?alt=sse"
        text = ReplyText()
        finish: str | None = None
        usage: dict[str, Any] = {}
        try:
            async with aclosing(self.sse_batches(url, body, api_key)) as batches:
                async for batch in batches:
                    # The text parts of one read leave as one TextDelta, in order.
                    for data in batch:
                        chunk = json.loads(data)
                        if "error" in chunk:
                            raise ModelError(
                                f"{self.provider}: {self.redact(str(chunk['error']), api_key)}",
                                partial_text=text.received,
                            )
                        usage = chunk.get("usageMetadata") or usage
                        for candidate in chunk.get("candidates", [])[:1]:
                            parts = (candidate.get("content") or {}).get("parts", [])
                            for index, part in enumerate(parts):
                                if part.get("text"):
                                    text.add(part["text"])
                                elif "functionCall" in part:
                                    if pending := text.take():
                                        yield pending
                                    call = part["functionCall"]
                                    arguments = json.dumps(call.get("args", {}))
                                    yield ToolCallDelta(index, None, call.get("name"), arguments)
                            finish = candidate.get("finishReason") or finish
                    if pending := text.take():
                        yield pending
        except StreamBroken as broken:
            raise self.interrupted(text.received, broken.cause) from None
        except json.JSONDecodeError:
            raise self.interrupted(text.received, "JSONDecodeError") from None
        if finish is None:
            raise self.interrupted(text.received)
        if usage:
            yield Usage(usage.get("promptTokenCount"), usage.get("candidatesTokenCount"))
        yield Finish(finish.lower())

    def error_for(self, status: int, text: str, api_key: str | None) -> ModelError:
        try:
            error = json.loads(text).get("error", {})
            message, reasons = error.get("message", text), json.dumps(error.get("details", []))
        except ValueError:
            message, reasons = text, ""
        message = self.redact(str(message), api_key)
        if status in (401, 403) or "API_KEY_INVALID" in reasons:
            return AuthenticationFailedError(f"{self.provider} rejected the API key: {message}")
        if status == 404:
            return UnknownModelError(f"{self.provider}: {message}")
        if status == 400 and ("token" in message.lower() and "exceed" in message.lower()):
            return ContextTooLongError(f"{self.provider}: {message}")
        return ModelError(f"{self.provider} answered {status}: {message}")
