"""Who may pull and delete models, and which model names are accepted.

A server whose identity provider knows users (tests/conftest.py's stand-in) is a
multi-user deployment: only admins (``c.OmniPanelApp.admin_users`` here; JupyterHub's
admins in test_jupyterhub.py) manage the models everyone shares. Ollama is the loopback
stand-in of tests/fakes/ollama.py (its documented API).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fakes.support import sse_events

from omnipanel_lab.handlers.meta import openapi_yaml


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "old-model.gguf").write_bytes(b"GGUF")
    return folder


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], fake_ollama_url: str, models_dir: Path
) -> dict[str, Any]:
    jp_server_config["OmniPanelApp"].update(
        ollama_url=fake_ollama_url, models_dir=str(models_dir), admin_users=["alice"]
    )
    return jp_server_config


def pull(fetch: Any, body: Any) -> Any:
    return fetch("models", "ollama", "pull", method="POST", body=json.dumps(body))


async def test_only_admins_pull_and_delete_models(as_user: Any, models_dir: Path) -> None:
    bob, alice = as_user("bob"), as_user("alice")
    for response in (
        await pull(bob, {"model": "qwen3:0.6b"}),
        await bob("models", "ollama", "models", "llama3.2", method="DELETE"),
        await bob("models", "local", "models", "old-model", method="DELETE"),
    ):
        assert response.code == 403
        assert "Only administrators" in json.loads(response.body)["message"]
    assert (models_dir / "old-model.gguf").exists()

    pulled = await pull(alice, {"model": "qwen3:0.6b"})
    assert pulled.code == 200
    assert sse_events(pulled.body)[-1] == ("done", {"model": "qwen3:0.6b"})
    deleted = await alice("models", "ollama", "models", "qwen3:0.6b", method="DELETE")
    assert deleted.code == 204
    deleted = await alice("models", "local", "models", "old-model", method="DELETE")
    assert deleted.code == 204
    assert not (models_dir / "old-model.gguf").exists()


@pytest.mark.parametrize(
    "name", ["", " ", "../llama", "llama 3", "a/b/c/d", "llama:", ":tag", "x" * 300, 7, None]
)
async def test_a_bad_ollama_name_is_a_400(as_user: Any, name: Any) -> None:
    response = await pull(as_user("alice"), {"model": name})
    assert response.code == 400
    assert json.loads(response.body)["message"]


@pytest.mark.parametrize("name", ["hf.co/bartowski/Qwen3-0.6B-GGUF:Q4_K_M", "library/qwen3"])
async def test_namespaced_ollama_names_are_accepted(as_user: Any, name: str) -> None:
    response = await pull(as_user("alice"), {"model": name})
    assert response.code == 200
    assert sse_events(response.body)[-1] == ("done", {"model": name})


@pytest.mark.parametrize(
    "name", ["%2E%2E", "sub%2Fold-model", "%2E%2E%2Fold-model", "a%00b", "a%5Cb"]
)
async def test_a_local_model_name_with_a_path_is_a_400(
    jp_fetch: Any, jp_http_port: int, jp_base_url: str, name: str
) -> None:
    # Sent as it is (jp_fetch would escape the '%'): the server decodes "sub%2Fold-model".
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}omnipanel/api/v1/models/local/models/"
    async with httpx.AsyncClient() as client:
        response = await client.delete(url + name, headers={"Authorization": "token user-alice"})
    assert response.status_code == 400
    assert "local model name" in response.json()["message"]


def test_the_openapi_document_has_the_servers_name_patterns() -> None:
    from omnipanel_lab.models.validation import LOCAL_MODEL_NAME_PATTERN, OLLAMA_NAME_PATTERN

    schemas = yaml.safe_load(openapi_yaml())["components"]["schemas"]
    assert schemas["OllamaModelName"]["pattern"] == OLLAMA_NAME_PATTERN.pattern
    assert schemas["LocalModelName"]["pattern"] == LOCAL_MODEL_NAME_PATTERN.pattern
