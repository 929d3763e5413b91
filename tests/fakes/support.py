"""Helpers shared by the test modules: ports, Jupyter server config, SSE parsing."""

from __future__ import annotations

import json
import socket
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_config(**omnipanel: Any) -> dict[str, Any]:
    """pytest-jupyter config: OmniPanel enabled, auth required, ``c.OmniPanelApp`` values.

    Terminals are left out: their websocket handler trips jupyter_server's auth warning.
    """
    return {
        "ServerApp": {
            "jpserver_extensions": {"omnipanel_lab": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
        },
        "OmniPanelApp": omnipanel,
    }


def sse_events(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Server-sent events as (event, data) pairs."""
    events = []
    for block in body.decode().strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events
