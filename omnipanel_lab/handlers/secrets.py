"""REST handlers for secrets (API keys): set and delete; listing shows only the last 4."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..errors import InvalidInputError
from .base import API_PREFIX, OmniPanelHandler


class SecretsHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        project_id = self.get_argument("project_id", None)
        items = await (await self.services.secrets()).list(self.identity, project_id)
        self.write_json({"items": items})


class SecretHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def put(self, name: str) -> None:
        body = self.json_body()
        if (
            not isinstance(body, dict)
            or not set(body) <= {"value", "project_id"}
            or not isinstance(body.get("project_id", ""), str)
        ):
            raise InvalidInputError('Send {"value": "...", "project_id": optional}.')
        service = await self.services.secrets()
        view = await service.set(self.identity, name, body.get("value"), body.get("project_id"))
        self.write_json(view)

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        project_id = self.get_argument("project_id", None)
        await (await self.services.secrets()).delete(self.identity, name, project_id)
        self.set_status(204)
        self.finish()


HANDLERS = [
    (rf"{API_PREFIX}/secrets", SecretsHandler),
    (rf"{API_PREFIX}/secrets/(?P<name>[^/]+)", SecretHandler),
]
