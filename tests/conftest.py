"""Shared fixtures: real stores (SQLite file and PostgreSQL server) and a real Jupyter server.

PostgreSQL must be reachable at ``OMNIPANEL_TEST_PG_URL`` (the test command starts a throwaway
cluster and sets it; run by hand, the default is a local server on 127.0.0.1:5432): a missing
server fails the PostgreSQL half of the suite instead of skipping it.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytest_plugins = ("pytest_jupyter.jupyter_server",)

PG_ADMIN_URL = os.environ.get(
    "OMNIPANEL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_admin_engine() -> Iterator[Any]:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # a failure, never a skip: the suite promises PostgreSQL
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}", pytrace=False)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(pg_admin_engine: Any) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"omnipanel_test_{uuid.uuid4().hex[:12]}"
    with pg_admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with pg_admin_engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The URL of an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'omnipanel.db'}"
    return str(request.getfixturevalue("postgres_url"))


class HeaderIdentityProvider(IdentityProvider):
    """Test-only identity provider that knows users: ``Authorization: token user-<name>``.

    It stands in for JupyterHub's, so that tests can act as several real users.
    """

    def get_user(self, handler: Any) -> User | None:
        header = handler.request.headers.get("Authorization", "")
        if not header.startswith("token user-"):
            return None
        handler._token_authenticated = True  # API clients with a token skip XSRF, as usual
        return User(username=header.removeprefix("token user-"))


@pytest.fixture
def fake_ollama_url() -> Iterator[str]:
    """A loopback server in Ollama's wire format (tests/fakes/ollama.py)."""
    from fakes import ollama
    from fakes.support import free_port
    from tornado import httpserver

    port = free_port()
    server = httpserver.HTTPServer(ollama.make_app())
    server.listen(port, "127.0.0.1")
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def jp_server_config(db_url: str) -> dict[str, Any]:
    return {
        "ServerApp": {
            # Terminals are left out: their websocket handler trips the auth-warning check.
            "jpserver_extensions": {"omnipanel_lab": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
            "identity_provider_class": HeaderIdentityProvider,
        },
        "OmniPanelApp": {"db_url": db_url},
    }


@pytest.fixture
def as_user(jp_fetch: Any) -> Any:
    """``as_user("alice")`` gives a fetch function that acts as that user."""

    def for_user(username: str) -> Any:
        async def fetch(*parts: str, **kwargs: Any) -> Any:
            headers = {"Authorization": f"token user-{username}", **kwargs.pop("headers", {})}
            kwargs.setdefault("raise_error", False)
            return await jp_fetch("omnipanel", "api", "v1", *parts, headers=headers, **kwargs)

        return fetch

    return for_user


# Test helpers (tests/fakes) are imported as a top-level package.
sys.path.insert(0, str(Path(__file__).parent))
