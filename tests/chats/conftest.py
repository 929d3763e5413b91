"""Chat API fixtures: a real Jupyter server on SQLite and PostgreSQL, the built-in engine
with a tiny GGUF, and a slow OpenAI-format loopback endpoint ("slow") for timing control."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import HeaderIdentityProvider
from fakes.slow_openai import SlowOpenAI
from fakes.support import free_port, server_config, sse_events

from omnipanel_lab.engines.tiny_model import write_tiny_gguf


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture
def slow_port() -> int:
    return free_port()


@pytest.fixture
def slow_model(slow_port: int) -> Iterator[SlowOpenAI]:
    server = SlowOpenAI(slow_port).start()
    yield server
    server.stop()


@pytest.fixture
def jp_server_config(db_url: str, tiny_model: Path, slow_port: int) -> dict[str, Any]:
    config = server_config(
        db_url=db_url,
        builtin_model_path=str(tiny_model),
        models_dir=str(tiny_model.parent / "library"),
        builtin_model_prompt="chat",
        engine_threads=2,
        default_model="slow/slow",
        model_endpoints={"slow": {"base_url": f"http://127.0.0.1:{slow_port}/v1"}},
    )
    config["ServerApp"]["identity_provider_class"] = HeaderIdentityProvider
    return config


class ChatClient:
    """One user's view of the chat API."""

    def __init__(self, fetch: Any) -> None:
        self.fetch = fetch

    async def call(self, method: str, *parts: str, body: Any = None, **kwargs: Any) -> Any:
        if body is not None or method in ("POST", "PATCH"):
            kwargs["body"] = json.dumps(body) if body is not None else ""
        response = await self.fetch(*parts, method=method, **kwargs)
        return response.code, json.loads(response.body) if response.body else None

    async def ok(self, method: str, *parts: str, body: Any = None, **kwargs: Any) -> Any:
        code, data = await self.call(method, *parts, body=body, **kwargs)
        assert code in (200, 201, 204), (code, data)
        return data

    async def project(self, name: str = "Research") -> str:
        return str((await self.ok("POST", "projects", body={"name": name}))["id"])

    async def chat(self, project_id: str, **fields: Any) -> dict[str, Any]:
        data: dict[str, Any] = await self.ok(
            "POST", "chats", body={"project_id": project_id, **fields}
        )
        return data

    async def send(self, chat_id: str, content: str, **fields: Any) -> dict[str, Any]:
        body = {"content": content, "max_tokens": 8, **fields}
        data: dict[str, Any] = await self.ok("POST", "chats", chat_id, "messages", body=body)
        return data

    async def follow(self, chat_id: str, message_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The reply's events until it is done."""
        response = await self.fetch(
            "chats", chat_id, "messages", message_id, "events", request_timeout=120
        )
        assert response.code == 200
        return sse_events(response.body)

    async def finished(self, chat_id: str, message_id: str) -> dict[str, Any]:
        events = await self.follow(chat_id, message_id)
        assert events[-1][0] == "done"
        message: dict[str, Any] = events[-1][1]["message"]
        return message

    async def thread(self, chat_id: str, **query: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.ok("GET", "chats", chat_id, params=query)
        return data


@pytest.fixture
def alice(as_user: Any) -> ChatClient:
    return ChatClient(as_user("alice"))


@pytest.fixture
def bob(as_user: Any) -> ChatClient:
    return ChatClient(as_user("bob"))
