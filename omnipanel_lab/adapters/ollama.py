"""Ollama, through its official Python client (``ollama``): chat, list, pull, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
from ollama import AsyncClient, ResponseError

from .errors import (
    ContextTooLongError,
    ModelError,
    ProviderUnreachableError,
    StreamInterruptedError,
    UnknownModelError,
)
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


def ollama_message(message: ChatMessage) -> dict[str, Any]:
    """A message in Ollama's format: images as a list of base64 strings."""
    converted: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.images:
        converted["images"] = [image.data for image in message.images]
    return converted


class OllamaAdapter:
    provider = "ollama"

    def __init__(
        self, host: str, timeout: httpx.Timeout | None = None, api_key: str | None = None
    ) -> None:
        self.host = host.rstrip("/")
        # A key is for an Ollama behind an authenticating proxy (or Ollama's cloud).
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
        self._client = AsyncClient(host=self.host, timeout=timeout, headers=headers)

    def _unreachable(self) -> ProviderUnreachableError:
        return ProviderUnreachableError(
            f"Cannot reach Ollama at {self.host}. Is `ollama serve` running?"
        )

    def _error(self, error: ResponseError, partial: str = "") -> ModelError:
        message = str(error.error)[:500]
        if error.status_code == 404 or "not found" in message:
            return UnknownModelError(f"Ollama: {message} (pull the model first)")
        if "context" in message.lower():
            return ContextTooLongError(f"Ollama: {message}")
        return ModelError(f"Ollama: {message}", partial_text=partial)

    async def list_models(self, api_key: str | None = None) -> list[ModelInfo]:
        try:
            listing = await self._client.list()
        except (ConnectionError, httpx.TransportError):
            raise self._unreachable() from None
        except ResponseError as error:
            raise self._error(error) from None
        return [
            ModelInfo(
                id=str(model.model),
                provider=self.provider,
                name=str(model.model),
                details={
                    "size_bytes": int(model.size or 0),
                    "family": model.details.family if model.details else None,
                    "parameters": model.details.parameter_size if model.details else None,
                    "quantization": model.details.quantization_level if model.details else None,
                },
            )
            for model in listing.models
        ]

    async def health(self) -> bool:
        try:
            await self.list_models()
        except ModelError:
            return False
        return True

    async def stream_chat(
        self, request: ChatRequest, api_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        if not request.model:  # the client refuses it with a bare validation error
            raise UnknownModelError("Choose an Ollama model, e.g. 'llama3.2'.")
        options: dict[str, Any] = {"num_predict": request.max_tokens}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.stop:
            options["stop"] = list(request.stop)
        received: list[str] = []
        finish: str | None = None
        try:
            parts = await self._client.chat(
                model=request.model,
                messages=[ollama_message(m) for m in request.messages],
                stream=True,
                options=options,
            )
            async for part in parts:
                if part.message.content:
                    received.append(part.message.content)
                    yield TextDelta(part.message.content)
                for index, call in enumerate(part.message.tool_calls or []):
                    yield ToolCallDelta(
                        index=index,
                        id=None,
                        name=call.function.name,
                        arguments=str(dict(call.function.arguments)),
                    )
                if part.done:
                    yield Usage(part.prompt_eval_count, part.eval_count)
                    finish = part.done_reason or "stop"
        except (ConnectionError, httpx.ConnectError):
            raise self._unreachable() from None
        except ResponseError as error:
            raise self._error(error, "".join(received)) from None
        except httpx.TransportError as error:
            raise StreamInterruptedError(
                f"The Ollama stream broke off ({type(error).__name__}); "
                "the text received so far is kept.",
                partial_text="".join(received),
            ) from None
        if finish is None:
            raise StreamInterruptedError(
                "The Ollama stream ended without finishing; the text received so far is kept.",
                partial_text="".join(received),
            )
        yield Finish(finish)

    async def pull(self, model: str) -> AsyncIterator[dict[str, Any]]:
        """Download a model; yields {status, completed, total} as Ollama reports progress."""
        try:
            async for progress in await self._client.pull(model, stream=True):
                yield {
                    "status": progress.status,
                    "completed": progress.completed,
                    "total": progress.total,
                }
        except (ConnectionError, httpx.ConnectError):
            raise self._unreachable() from None
        except ResponseError as error:
            raise self._error(error) from None

    async def delete(self, model: str) -> None:
        try:
            await self._client.delete(model)
        except (ConnectionError, httpx.TransportError):
            raise self._unreachable() from None
        except ResponseError as error:
            raise self._error(error) from None

    async def aclose(self) -> None:
        await self._client.close()
