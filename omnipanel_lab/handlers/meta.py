"""Handlers that describe the extension itself: its status and its OpenAPI document."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import __version__
from .base import API_PREFIX, OmniPanelHandler


@lru_cache(maxsize=1)
def openapi_yaml() -> str:
    """The OpenAPI document: packaged in the wheel, or read from the source tree."""
    packaged = files("omnipanel_lab") / "_schema" / "openapi.yaml"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source = Path(__file__).resolve().parents[2] / "schema" / "openapi.yaml"
    return source.read_text(encoding="utf-8")


class StatusHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        store = await self.services.store_status()
        lag = self.settings["omnipanel_loop_lag"].snapshot()
        self.write_json(
            {
                "version": __version__,
                "store": store,
                "user": self.identity.username,
                "can_manage_models": self.may_manage_models,
                "event_loop_lag_ms": lag,
                "warnings": self.settings["omnipanel_warnings"],
            }
        )


class OpenAPIHandler(OmniPanelHandler):
    @web.authenticated
    @authorized
    async def get(self, extension: str) -> None:
        document = openapi_yaml()
        if extension == "json":
            import yaml

            self.finish(json.dumps(yaml.safe_load(document)))
            return
        self.finish(document, set_content_type="application/yaml; charset=utf-8")


HANDLERS = [
    (rf"{API_PREFIX}/status", StatusHandler),
    (rf"{API_PREFIX}/openapi\.(?P<extension>yaml|json)", OpenAPIHandler),
]
