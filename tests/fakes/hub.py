"""A loopback JupyterHub API, as a user's server sees it (jupyterhub/apihandlers).

``GET /hub/api`` answers with the ``X-JupyterHub-Version`` header (the server checks it at
start), ``GET /hub/api/user`` with the user model of the token in ``Authorization: token
...`` (name, admin, groups, scopes), and activity reports are taken. Real
``jupyterhub-singleuser`` servers run against it, so the hub's own authentication code
(its extension, or the login handler of JupyterHub < 4) decides who a request is.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tornado import httpserver, web

HUB_VERSION = "6.1.1"


def user_model(name: str, *, admin: bool = False, scopes: list[str]) -> dict[str, Any]:
    """The model ``/hub/api/user`` gives for a user's token."""
    return {
        "kind": "user",
        "name": name,
        "admin": admin,
        "groups": [],
        "roles": ["admin"] if admin else ["user"],
        "scopes": scopes,
        "session_id": None,
        "token_id": f"a{len(name)}",
    }


class Root(web.RequestHandler):
    def get(self) -> None:
        self.set_header("X-JupyterHub-Version", HUB_VERSION)
        self.finish({"version": HUB_VERSION})


class CurrentUser(web.RequestHandler):
    def get(self) -> None:
        self.set_header("X-JupyterHub-Version", HUB_VERSION)
        token = self.request.headers.get("Authorization", "").removeprefix("token ")
        model = self.settings["tokens"].get(token)
        if model is None:
            self.set_status(403)
            self.finish({"status": 403, "message": "Invalid token"})
            return
        self.finish(json.dumps(model))


class Activity(web.RequestHandler):
    def post(self, _name: str) -> None:
        self.finish({})


def make_app(tokens: dict[str, dict[str, Any]]) -> web.Application:
    """A hub that knows ``tokens`` (token -> user model)."""
    return web.Application(
        [
            (r"/hub/api/?", Root),
            (r"/hub/api/user", CurrentUser),
            (r"/hub/api/users/([^/]+)/activity", Activity),
        ],
        tokens=tokens,
    )


@contextmanager
def running_hub(tokens: dict[str, dict[str, Any]], port: int) -> Iterator[None]:
    """Serve the hub on 127.0.0.1:``port`` from a thread of its own, so that a test can
    block on a server that asks the hub."""
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        server = httpserver.HTTPServer(make_app(tokens))
        server.listen(port, "127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
