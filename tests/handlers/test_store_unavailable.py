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
