"""A server under JupyterHub: whose data it serves, and what it warns about.

JupyterHub starts each user's server with ``JUPYTERHUB_USER`` and ``JUPYTERHUB_API_TOKEN``
in its environment; here the test identity provider (``Authorization: token user-<name>``,
tests/conftest.py) stands in for a deployment's own provider under the hub. The hub's own
providers are in test_jupyterhub.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token")


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], hub_env: None) -> dict[str, Any]:
    return jp_server_config


async def test_a_shared_postgres_url_under_the_hub_is_flagged(db_url: str, as_user: Any) -> None:
    status = json.loads((await as_user("alice")("status")).body)
    if db_url.startswith("postgresql"):
        assert [w["id"] for w in status["warnings"]] == ["shared-postgres-under-jupyterhub"]
        assert "every user's kernel can read it" in status["warnings"][0]["message"]
    else:
        assert status["warnings"] == []


def test_the_server_says_so_when_it_starts(
    db_url: str, jp_configurable_serverapp: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    jp_configurable_serverapp()  # started here, so that its log is this test's
    start_log = capfd.readouterr().err  # the extension logs to stderr
    warned = "every user's kernel can read it" in start_log
    assert warned == db_url.startswith("postgresql")


async def test_a_provider_that_knows_users_serves_only_the_hub_user(
    db_url: str, as_user: Any
) -> None:
    status = await as_user("alice")("status")
    assert json.loads(status.body)["user"] == "alice"
    refused = await as_user("bob")("projects")
    assert refused.code == 403
    assert "belongs to the JupyterHub user 'alice'" in json.loads(refused.body)["message"]
