"""What every OmniPanel handler shares: identity, JSON in and out, and error replies."""

from __future__ import annotations

import asyncio
import json
from asyncio import Future
from functools import cached_property
from typing import TYPE_CHECKING, Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..adapters.errors import ModelError
from ..errors import InvalidInputError, OmniPanelError

if TYPE_CHECKING:
    from ..identity import Identity
    from ..models.service import Own
    from ..projects.service import ProjectService
    from ..services import Services

API_PREFIX = "/omnipanel/api/v1"


class OmniPanelHandler(APIHandler):
    """Base handler: subclasses decorate methods with ``@web.authenticated`` + ``@authorized``."""

    # The resource name that jupyter_server's Authorizer sees (e.g. for JupyterHub scopes).
    auth_resource = "omnipanel"

    @property
    def services(self) -> Services:
        return self.settings["omnipanel_services"]  # type: ignore[no-any-return]

    @cached_property
    def identity(self) -> Identity:
        return self.settings["omnipanel_identity"](self)  # type: ignore[no-any-return]

    @property
    def may_manage_models(self) -> bool:
        """Models are shared by the deployment: with ``model_management = "admins"`` only
        an admin pulls or deletes them."""
        return self.settings["omnipanel_model_management"] == "everyone" or self.identity.is_admin

    async def own_providers(self, provider: str) -> Own:
        """The user's connections, when ``provider`` may be one (the store is not asked
        for a provider only the server has, such as the built-in model)."""
        models = self.services.models()
        if provider in models.provider_ids and provider != "ollama":
            return {}
        return await self.services.own_providers(self.identity)

    async def projects(self) -> ProjectService:
        return await self.services.projects()

    def json_body(self) -> Any:
        """The request body as JSON; a 400 with a clear message if it is not."""
        if not self.request.body:
            raise InvalidInputError("The request needs a JSON body.")
        try:
            return json.loads(self.request.body)
        except ValueError as error:
            raise InvalidInputError(f"The body is not valid JSON: {error}.") from None

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Expected, user-caused errors are not server faults: no traceback in the log.
        if isinstance(value, OmniPanelError):
            self.log.info("%s %s: %s", self.request.method, self.request.path, value.message)
            return
        super().log_exception(typ, value, tb)

    def allowed_methods(self) -> list[str]:
        """The methods this resource answers (a 405 lists them, as RFC 9110 asks)."""
        return [
            method
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
            if getattr(type(self), method.lower())
            is not getattr(web.RequestHandler, method.lower())
        ]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, OmniPanelError):
            self.set_status(error.status, error.reason)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": error.message, "reason": error.reason}))
            return
        if status_code == 405:  # tornado's own 405 has an empty body and no Allow header
            self.set_header("Allow", ", ".join(self.allowed_methods()))
            self.set_header("Content-Type", "application/json")
            message = f"{self.request.method} is not allowed on {self.request.path}."
            self.finish(json.dumps({"message": message, "reason": "Method not allowed"}))
            return
        super().write_error(status_code, **kwargs)


def encode_event(event: str, data: dict[str, Any]) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


class EventStreamHandler(OmniPanelHandler):
    """A handler that answers with server-sent events.

    ``queue_event`` only adds an event to the response; the response is flushed once per
    event-loop tick, after every event queued in that tick, so a burst of model deltas
    leaves as one write and one flush instead of one of each per delta.
    """

    _flush_scheduled = False
    _flushing: Future[None] | None = None

    def start_event_stream(self) -> None:
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        stream = getattr(self.request.connection, "stream", None)
        if stream is not None:
            stream.set_nodelay(True)  # send each small event at once (no Nagle delay)

    def queue_event(self, event: str, data: dict[str, Any]) -> None:
        """Add an event; it is sent with the others of this tick (see ``sent``)."""
        self.write(encode_event(event, data))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush_queued)

    def _flush_queued(self) -> None:
        self._flush_scheduled = False
        if not self._finished:
            self._flushing = self.flush()

    async def sent(self) -> None:
        """Wait until the events flushed so far are written: a reader slower than the model
        holds the model stream back, and one who left raises ``StreamClosedError``."""
        if self._flushing is not None:
            await self._flushing

    async def send_event(self, event: str, data: dict[str, Any]) -> None:
        """Send one event now, with any queued before it."""
        self.write(encode_event(event, data))
        await self.flush()

    async def send_error_event(self, error: ModelError) -> None:
        failure = {"message": error.message, "reason": error.reason}
        await self.send_event("error", {**failure, "partial_text": error.partial_text})

    def end_event_stream(self) -> None:
        self.finish(set_content_type="text/event-stream")
