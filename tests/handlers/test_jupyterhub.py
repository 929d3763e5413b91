"""Under JupyterHub the data is the hub user's, whichever identity provider the server has.

Real ``jupyterhub-singleuser`` servers run against a loopback hub API (tests/fakes/hub.py):
with JupyterHub's server extension (JupyterHub >= 4), and with the login handler that
JupyterHub < 4 patched into jupyter_server (``JUPYTERHUB_SINGLEUSER_EXTENSION=0``), for
which jupyter_server picks its Legacy identity provider.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fakes import hub as fake_hub
from fakes.support import free_port

import omnipanel_lab
from omnipanel_lab.identity import Identity
from omnipanel_lab.projects.repository import ProjectRepository
from omnipanel_lab.projects.validation import parse_project_fields
from omnipanel_lab.store.database import Database

OWNER = "alice"
ACCESS = [f"access:servers!server={OWNER}/", f"access:servers!user={OWNER}"]
TOKENS = {
    "alice-token": fake_hub.user_model(OWNER, scopes=[*ACCESS, f"read:users:name!user={OWNER}"]),
    # An admin with the hub's admin access to alice's server.
    "root-token": fake_hub.user_model("root", admin=True, scopes=["access:servers", "admin:users"]),
    # Another user the hub shared alice's server with.
    "bob-token": fake_hub.user_model("bob", scopes=[f"access:servers!server={OWNER}/"]),
    # A user the hub gave no access to this server.
    "carol-token": fake_hub.user_model("carol", scopes=["access:servers!server=carol/"]),
}
SINGLEUSER_MODES = {
    # JupyterHub >= 4: its own identity provider and authorizer, as a server extension.
    "hub-extension": {"JUPYTERHUB_SINGLEUSER_EXTENSION": "1"},
    # JupyterHub < 4: a subclassed ServerApp with the hub's login handler (Legacy provider).
    "hub-legacy-login-handler": {
        "JUPYTERHUB_SINGLEUSER_EXTENSION": "0",
        "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp",
    },
}


@pytest.fixture(scope="module", params=list(SINGLEUSER_MODES))
def alice_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of alice's server under the hub, with OmniPanel on a SQLite store."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    hub_port, port = free_port(), free_port()
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    config = {
        "ServerApp": {
            # Only OmniPanel (JupyterLab's own server parts are not needed, and slow to load).
            "jpserver_extensions": {
                "omnipanel_lab": True,
                "jupyter_server_terminals": False,
                "jupyterlab": False,
                "jupyter_lsp": False,
                "notebook_shim": False,
            },
            "root_dir": str(tmp_path),
            "allow_root": True,
        },
        "OmniPanelApp": {
            "db_url": f"sqlite:///{tmp_path / 'omnipanel.db'}",
            "ollama_url": "",
            "freeze_gc_after_start": False,
        },
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    # alice's data from an earlier session. (Token-only POSTs are not used: JupyterHub's
    # legacy login handler checks XSRF before it knows the request has a token.)
    database = Database(config["OmniPanelApp"]["db_url"])
    database.open()
    fields = parse_project_fields({"name": "Thesis"}, creating=True)
    ProjectRepository(database).create(Identity(OWNER), fields, "thesis")
    database.close()
    hub_api = f"http://127.0.0.1:{hub_port}/hub/api"
    prefix = f"/user/{OWNER}/"
    source_root = str(Path(omnipanel_lab.__file__).resolve().parents[1])
    env = {
        **os.environ,
        **SINGLEUSER_MODES[request.param],
        "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")]),
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERHUB_USER": OWNER,
        "JUPYTERHUB_SERVER_NAME": "",
        "JUPYTERHUB_API_TOKEN": "server-token",
        "JUPYTERHUB_API_URL": hub_api,
        "JUPYTERHUB_ACTIVITY_URL": f"{hub_api}/users/{OWNER}/activity",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_CLIENT_ID": f"jupyterhub-user-{OWNER}",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(ACCESS),
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}{prefix}",
    }
    base = f"http://127.0.0.1:{port}{prefix}omnipanel/api/v1"
    with (
        fake_hub.running_hub(TOKENS, hub_port),
        (tmp_path / "server.log").open("wb") as log,
        subprocess.Popen(
            # Not from the source tree: ``-m`` puts the working folder first on sys.path.
            [sys.executable, "-m", "jupyterhub.singleuser"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=log,
        ) as process,
    ):
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    httpx.get(f"{base}/status", headers=auth("alice-token"))
                    break
                except httpx.TransportError:
                    time.sleep(0.25)
            if process.poll() is not None:
                pytest.fail((tmp_path / "server.log").read_text()[-3000:])
            yield base
        finally:
            process.terminate()
            process.wait(30)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def test_every_request_the_hub_lets_in_acts_for_the_hub_user(alice_server: str) -> None:
    with httpx.Client() as client:
        # alice, the hub's admin and a user she shared her server with: all act on her data,
        # not as the OS user every docker-stacks server runs as (jovyan), nor anonymously.
        for token in ("alice-token", "root-token", "bob-token"):
            status = client.get(f"{alice_server}/status", headers=auth(token)).json()
            assert status["user"] == OWNER
            seen = client.get(f"{alice_server}/projects", headers=auth(token))
            assert [p["name"] for p in seen.json()["items"]] == ["Thesis"]
        # The hub refuses a user without access to this server.
        refused = client.get(f"{alice_server}/projects", headers=auth("carol-token"))
        assert refused.status_code == 403


def test_only_hub_admins_manage_models(alice_server: str, request: pytest.FixtureRequest) -> None:
    with httpx.Client() as client:
        for token, admin in (("alice-token", False), ("bob-token", False), ("root-token", True)):
            status = client.get(f"{alice_server}/status", headers=auth(token)).json()
            assert status["can_manage_models"] is admin
        if "legacy" in request.node.callspec.id:
            return  # its login handler refuses token-only DELETEs (XSRF) before we see them
        for token in ("alice-token", "bob-token"):
            refused = client.delete(
                f"{alice_server}/models/local/models/old-model", headers=auth(token)
            )
            assert refused.status_code == 403
            assert "administrators" in refused.json()["message"]
        # The hub's admin may: the model does not exist, so the answer is a 404.
        allowed = client.delete(
            f"{alice_server}/models/local/models/old-model", headers=auth("root-token")
        )
        assert allowed.status_code == 404
        assert "old-model" in allowed.json()["message"]
