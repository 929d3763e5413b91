"""REST handlers for a user's own model servers (Models panel): list, add, test, remove."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import API_PREFIX, OmniPanelHandler


class ConnectionsHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        items = await (await self.services.connections()).list(self.identity)
        self.write_json({"items": items})


class ConnectionHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def put(self, name: str) -> None:
        """Add or replace a connection; its key is stored encrypted and never returned."""
        service = await self.services.connections()
        self.write_json(await service.put(self.identity, name, self.json_body()))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await (await self.services.connections()).delete(self.identity, name)
        self.set_status(204)
        self.finish()


class ConnectionTestHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        """List a connection's models before it is saved."""
        service = await self.services.connections()
        self.write_json(await service.test(self.json_body()))


HANDLERS = [
    (rf"{API_PREFIX}/connections", ConnectionsHandler),
    (rf"{API_PREFIX}/connections/(?P<name>[^/]+)", ConnectionHandler),
    (rf"{API_PREFIX}/connection-tests", ConnectionTestHandler),
]
