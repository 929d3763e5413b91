"""The extension's URL table: one module of handlers per resource."""

from __future__ import annotations

from typing import Any

from . import chats, connections, meta, models, projects, secrets


def handler_table() -> list[tuple[str, Any]]:
    return [
        *meta.HANDLERS,
        *projects.HANDLERS,
        *models.HANDLERS,
        *secrets.HANDLERS,
        *connections.HANDLERS,
        *chats.HANDLERS,
    ]
