"""Services, adapters and the key file are built once, however many first requests come
at the same moment: on the real stores, with real threads, and through a fresh server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fakes.support import free_port, server_config

from omnipanel_lab.adapters.openai_compatible import OpenAICompatibleAdapter
from omnipanel_lab.errors import StoreUnavailableError
from omnipanel_lab.identity import Identity
from omnipanel_lab.models.service import ModelService
from omnipanel_lab.secrets.cipher import load_or_create_key
from omnipanel_lab.services import Services


def model_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "builtin_model_path": str(tmp_path / "none.gguf"),
        "builtin_model_prompt": "chat",
        "models_dir": str(tmp_path / "models"),
        "default_model": "builtin/",
        "engine_threads": 1,
        "engine_idle_timeout": 60.0,
        "model_endpoints": {},
        "cloud_providers": ["openai"],
        "ollama_url": "",
        "plugin_modules": [],
        "cloud_base_urls": {},
    }


async def test_concurrent_first_requests_get_one_chat_service_and_one_runner(
    db_url: str, tmp_path: Path
) -> None:
    services = Services(
        db_url=db_url,
        contents_manager=None,
        projects_root="projects",
        max_archive_bytes=1024,
        model_settings=model_settings(tmp_path),
        secret_key_file=tmp_path / "secret.key",
        reply_spool_file=tmp_path / "spool.jsonl",
    )
    try:
        chats = await asyncio.gather(*(services.chats() for _ in range(20)))
        assert len({id(service) for service in chats}) == 1
        keys = await asyncio.gather(*(services.provider_keys() for _ in range(20)))
        assert len({id(service) for service in keys}) == 1
    finally:
        await services.close()


async def test_an_adapter_is_built_once_under_concurrent_first_requests() -> None:
    built: list[OpenAICompatibleAdapter] = []

    def make() -> OpenAICompatibleAdapter:
        time.sleep(0.05)  # an HTTP client loading its certificates
        adapter = OpenAICompatibleAdapter("local", "http://127.0.0.1:9/v1")
        built.append(adapter)
        return adapter

    service = ModelService({"local": make})
    adapters = await asyncio.gather(*(service.adapter("local") for _ in range(20)))
    assert len(built) == 1  # no second HTTP client left open
    assert all(adapter is built[0] for adapter in adapters)
    await service.close()


@pytest.mark.parametrize("round_", range(5))
def test_threads_making_the_key_file_at_once_all_get_the_same_key(
    tmp_path: Path, round_: int
) -> None:
    path = tmp_path / "omnipanel" / "secret.key"
    start = threading.Barrier(16)
    keys: list[bytes] = []
    errors: list[BaseException] = []

    def first_use() -> None:
        start.wait()
        try:
            keys.append(load_or_create_key(path))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first_use) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(keys)) == 1 and path.read_bytes().strip() == keys[0]
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # nothing left aside


@pytest.fixture
def jp_server_config(db_url: str) -> dict[str, Any]:
    from conftest import HeaderIdentityProvider

    config = server_config(
        db_url=db_url,
        ollama_url="",
        cloud_providers=["openai"],
        cloud_base_urls={"openai": "http://127.0.0.1:9/v1"},  # refused at once: no network
    )
    config["ServerApp"]["identity_provider_class"] = HeaderIdentityProvider
    return config


async def test_many_concurrent_first_requests_to_a_fresh_server_all_succeed(
    as_user: Any, jp_serverapp: Any
) -> None:
    """The very first requests of a server, all at once: secrets (which make the key
    file), chats (which build the reply runner) and providers (which build adapters)."""
    users = [as_user(f"user{n}") for n in range(8)]
    requests = []
    for n, fetch in enumerate(users):
        body = json.dumps({"value": f"sk-test-{n:04d}-abcdefghijkl"})
        requests += [
            fetch("secrets", "openai", method="PUT", body=body),
            fetch("chats"),
            fetch("models", "providers"),
        ]
    responses = await asyncio.gather(*requests)
    assert [r.code for r in responses] == [200] * len(responses), [
        (r.code, r.body[:200]) for r in responses if r.code != 200
    ]
    services = jp_serverapp.web_app.settings["omnipanel_services"]
    first = await services.chats()
    assert all([await services.chats() is first for _ in range(3)])
    # Every user's key reads back with the one key file the server made.
    for fetch in users:
        providers = json.loads((await fetch("models", "providers")).body)
        openai = next(p for p in providers["items"] if p["id"] == "openai")
        assert openai["key"]["last4"] == "ijkl", openai


async def test_a_provider_without_keys_needs_no_store(tmp_path: Path) -> None:
    """The built-in model and configured endpoints take no user key: asking for their
    keys does not open the store (its being down is no reason to refuse them)."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/omnipanel?connect_timeout=2"
    services = Services(
        db_url=url,
        contents_manager=None,
        projects_root="projects",
        max_archive_bytes=1024,
        model_settings=model_settings(tmp_path),
        secret_key_file=tmp_path / "secret.key",
    )
    assert await services.api_keys(Identity("alice"), only="builtin") == {}
    with pytest.raises(StoreUnavailableError):
        await services.api_keys(Identity("alice"), only="openai")
    assert not (tmp_path / "secret.key").exists()
    await services.close()
