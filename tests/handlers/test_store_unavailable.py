"""A store that cannot be reached: clear 503 answers, a status that says why, no traceback."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/omnipanel?connect_timeout=2"
    return {
        "ServerApp": {
            "jpserver_extensions": {"omnipanel_lab": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
        },
        "OmniPanelApp": {"db_url": url},
    }


async def test_requests_get_503_with_a_message(jp_fetch: Any) -> None:
    for method, body in [("GET", None), ("POST", json.dumps({"name": "Kept?"}))]:
        response = await jp_fetch(
            "omnipanel", "api", "v1", "projects", method=method, body=body, raise_error=False
        )
        assert response.code == 503
        reply = json.loads(response.body)
        assert "Cannot open the OmniPanel store (postgresql)" in reply["message"]
        assert "Traceback" not in response.body.decode()


async def test_status_answers_and_says_why(jp_fetch: Any) -> None:
    status = json.loads((await jp_fetch("omnipanel", "api", "v1", "status")).body)
    assert status["store"]["backend"] == "postgresql"
    assert status["store"]["ready"] is False
    assert "Cannot open the OmniPanel store" in status["store"]["error"]
