"""REST and streaming handlers for models: providers, chat completions and Ollama pulls.

Streams are server-sent events; closing the connection cancels the work behind it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.iostream import StreamClosedError

from ..adapters.errors import ModelError
from ..adapters.types import StreamEvent, TextDelta
from ..errors import InvalidInputError, PermissionDeniedError
from ..models.service import StreamStats
from ..models.validation import (
    parse_chat_request,
    parse_local_model_name,
    parse_ollama_model_name,
)
from .base import API_PREFIX, EventStreamHandler, OmniPanelHandler


def check_model_management(handler: OmniPanelHandler) -> None:
    """A 403 for a user who may not pull or delete models here."""
    if not handler.may_manage_models:
        raise PermissionDeniedError(
            "Only administrators may pull or delete models on this server "
            "(c.OmniPanelApp.model_management = 'admins')."
        )


class ProvidersHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        project_id = self.get_argument("project_id", None)
        service = self.services.models()
        keys = await self.services.api_keys(self.identity, project_id)
        connections = await self.services.connections()
        own, refused = await connections.for_user_and_refused(self.identity)
        plain_keys = {name: key.value for name, key in keys.items()}
        providers = [*await service.providers(plain_keys, own), *refused]
        for provider in providers:
            if provider["id"] in service.keyed and "connection" not in provider:
                key = keys.get(provider["id"])
                provider["key"] = key.status() if key else {"set": False}
        provider, model = await self.services.default_model(self.identity, project_id)
        self.write_json({"items": providers, "default": {"provider": provider, "model": model}})


def event_data(event: StreamEvent | StreamStats) -> dict[str, Any]:
    """An event's fields as sent (a text delta is only its text)."""
    if isinstance(event, TextDelta):
        return {"text": event.text}
    # Flat frozen dataclasses: a shallow copy of their fields is what ``asdict`` gives.
    return {name: value for name, value in vars(event).items() if name != "type"}


class ChatCompletionsHandler(EventStreamHandler):
    """``POST`` a chat; the reply streams back as events ``text`` {text}, ``tool_call``,
    ``usage``, ``finish`` {reason}, ``stats`` {ttft_ms, ...}, or ``error`` {message,
    reason, partial_text}."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        provider, request, project_id = parse_chat_request(self.json_body())
        if provider is None:
            provider, model = await self.services.default_model(self.identity, project_id)
            request = replace(request, model=request.model or model)
        service = self.services.models()
        own = await self.own_providers(provider)
        await service.adapter(provider, own)  # unknown providers fail here, as a plain 404
        api_key = None
        if provider not in own:
            keys = await self.services.api_keys(self.identity, project_id, only=provider)
            api_key = keys[provider].value if provider in keys else None
        self.start_event_stream()
        events = service.stream(provider, request, api_key, own)
        try:
            async for event in events:
                self.queue_event(event.type, event_data(event))
                await self.sent()
        except ModelError as error:
            await self.send_error_event(error)
        except StreamClosedError:
            self.log.info("OmniPanel chat stream closed by the client; generation cancelled")
            return
        finally:
            await events.aclose()
        self.end_event_stream()


class OllamaPullHandler(EventStreamHandler):
    """``POST {"model"}``: download an Ollama model; events ``progress`` {status,
    completed, total}, then ``done`` or ``error``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        check_model_management(self)
        body = self.json_body()
        if not isinstance(body, dict) or "model" not in body:
            raise InvalidInputError('Send {"model": "name[:tag]"}, e.g. {"model": "llama3.2"}.')
        model = parse_ollama_model_name(body["model"])
        adapter = await self.services.models().adapter("ollama", await self.own_providers("ollama"))
        self.start_event_stream()
        progress = adapter.pull(model)  # type: ignore[attr-defined]
        try:
            async for step in progress:
                await self.send_event("progress", step)
            await self.send_event("done", {"model": model})
        except ModelError as error:
            await self.send_error_event(error)
        except StreamClosedError:
            self.log.info("Ollama pull cancelled by the client")
            return
        finally:
            await progress.aclose()
        self.end_event_stream()


class OllamaModelHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        check_model_management(self)
        model = parse_ollama_model_name(name)
        adapter = await self.services.models().adapter("ollama", await self.own_providers("ollama"))
        await adapter.delete(model)  # type: ignore[attr-defined]
        self.set_status(204)
        self.finish()


class LocalModelHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        """Remove a GGUF from the models folder (not the shipped or configured model)."""
        check_model_management(self)
        model = parse_local_model_name(name)
        library = await self.services.models().adapter("builtin")
        await library.remove(model)  # type: ignore[attr-defined]
        self.set_status(204)
        self.finish()


HANDLERS = [
    (rf"{API_PREFIX}/models/providers", ProvidersHandler),
    (rf"{API_PREFIX}/chat/completions", ChatCompletionsHandler),
    (rf"{API_PREFIX}/models/ollama/pull", OllamaPullHandler),
    (rf"{API_PREFIX}/models/ollama/models/(?P<name>[^/]+)", OllamaModelHandler),
    (rf"{API_PREFIX}/models/local/models/(?P<name>[^/]+)", LocalModelHandler),
]
