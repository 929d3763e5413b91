"""A store that cannot be reached: clear 503 answers, a status that says why, no traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakes.support import free_port, server_config


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/omnipanel?connect_timeout=2"
    return server_config(db_url=url)


CHAT = "0b7f7a52-7c2a-4c36-9b7e-1f2d3c4b5a69"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "projects", None),
        ("POST", "projects", {"name": "Kept?"}),
        ("GET", "chats", None),
        ("GET", "chats/search?q=anything", None),
        ("POST", f"chats/{CHAT}/messages", {"content": "Typed with care"}),
    ],
)
async def test_requests_get_503_with_a_message(
    jp_fetch: Any, method: str, path: str, body: Any
) -> None:
    """The chat panel shows this message and keeps what was typed in its input."""
    parts, _, query = path.partition("?")
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        *parts.split("/"),
        method=method,
        body=None if body is None else json.dumps(body),
        params=dict([query.split("=")]) if query else None,
        raise_error=False,
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
