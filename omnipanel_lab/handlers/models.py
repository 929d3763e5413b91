"""REST and streaming handlers for models: providers, and chat completions as SSE."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.iostream import StreamClosedError

from ..adapters.errors import ModelError
from ..models.validation import parse_chat_request
from .base import API_PREFIX, OmniPanelHandler


class ProvidersHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        project_id = self.get_argument("project_id", None)
        service = self.services.models()
        keys = {
            provider: await self.services.api_key(self.identity, provider, project_id)
            for provider in service.keyed
        }
        stored = {}
        if service.keyed:
            secrets = await (await self.services.secrets()).list(self.identity, project_id)
            # The project's own key wins over the user's, as when it is used.
            for secret in sorted(secrets, key=lambda item: item["scope"] == "project"):
                stored[secret["name"]] = secret
        providers = await service.providers(keys)
        for provider in providers:
            if provider["id"] in service.keyed:
                secret = stored.get(provider["id"])
                provider["key"] = (
                    {"set": True, "source": secret["scope"], "last4": secret["last4"]}
                    if secret
                    else {"set": bool(keys[provider["id"]]), "source": "environment"}
                    if keys[provider["id"]]
                    else {"set": False}
                )
        self.write_json({"items": providers})


class ChatCompletionsHandler(OmniPanelHandler):
    """``POST`` a chat; the reply streams back as server-sent events.

    Events: ``text`` {text}, ``tool_call``, ``usage``, ``stats`` {ttft_ms, ...},
    ``finish`` {reason}, or ``error`` {message, reason, partial_text}. Closing the
    connection cancels the generation.
    """

    @web.authenticated
    @authorized
    async def post(self) -> None:
        provider, request, project_id = parse_chat_request(self.json_body())
        service = self.services.models()
        await service.adapter(provider)  # unknown providers fail here, as a plain 404
        api_key = await self.services.api_key(self.identity, provider, project_id)
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        stream = getattr(self.request.connection, "stream", None)
        if stream is not None:
            stream.set_nodelay(True)  # send each small event at once (no Nagle delay)
        events = service.stream(provider, request, api_key)
        try:
            async for event in events:
                await self._send(event.type, asdict(event))
        except ModelError as error:
            await self._send(
                "error",
                {
                    "message": error.message,
                    "reason": error.reason,
                    "partial_text": error.partial_text,
                },
            )
        except StreamClosedError:
            self.log.info("OmniPanel chat stream closed by the client; generation cancelled")
            return
        finally:
            await events.aclose()
        self.finish(set_content_type="text/event-stream")

    async def _send(self, event: str, data: dict[str, Any]) -> None:
        data.pop("type", None)
        self.write(f"event: {event}\ndata: {json.dumps(data)}\n\n")
        await self.flush()


HANDLERS = [
    (rf"{API_PREFIX}/models/providers", ProvidersHandler),
    (rf"{API_PREFIX}/chat/completions", ChatCompletionsHandler),
]
