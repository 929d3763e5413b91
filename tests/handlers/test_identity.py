"""Whose data a request sees, with jupyter_server's own token login (single-user servers)."""

from __future__ import annotations

import getpass
import json
import warnings
from typing import Any

import pytest
from fakes.support import server_config, sse_events
from jupyter_server.utils import JupyterServerAuthWarning


@pytest.fixture
def jp_server_config(tmp_path: Any, fake_ollama_url: str) -> dict[str, Any]:
    # jupyter_server's default identity provider: every token request is a new "Anonymous" user.
    return server_config(
        db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}", ollama_url=fake_ollama_url
    )


async def test_projects_belong_to_the_server_owner_across_sessions(jp_fetch: Any) -> None:
    created = await jp_fetch(
        "omnipanel", "api", "v1", "projects", method="POST", body=json.dumps({"name": "Mine"})
    )
    assert created.code == 201
    # A new request without the session cookie is a different anonymous user to Jupyter...
    listing = json.loads((await jp_fetch("omnipanel", "api", "v1", "projects")).body)
    # ...but the same owner to OmniPanel: the project is still there.
    assert [item["name"] for item in listing["items"]] == ["Mine"]
    status = json.loads((await jp_fetch("omnipanel", "api", "v1", "status")).body)
    assert status["user"] == getpass.getuser()
    assert status["warnings"] == []


async def test_the_owner_of_a_single_user_server_manages_its_models(jp_fetch: Any) -> None:
    pulled = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "models",
        "ollama",
        "pull",
        method="POST",
        body=json.dumps({"model": "qwen3:0.6b"}),
    )
    assert sse_events(pulled.body)[-1] == ("done", {"model": "qwen3:0.6b"})


def test_every_handler_is_authenticated(jp_configurable_serverapp: Any) -> None:
    """jupyter_server warns about handlers without @authenticated when auth is required."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jp_configurable_serverapp()
    auth_warnings = [w for w in caught if issubclass(w.category, JupyterServerAuthWarning)]
    assert [str(w.message) for w in auth_warnings] == []
