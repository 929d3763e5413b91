"""Ollama, through its official client, against a loopback server.

No Ollama server can be installed here, so a loopback tornado app (tests/fakes/ollama.py)
speaks Ollama's documented API: `GET /api/tags`, NDJSON streams from `POST /api/chat` and
`POST /api/pull`, `DELETE /api/delete`, and `{"error": ...}` bodies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import ollama as fake_ollama
from fakes.support import free_port, server_config
from tornado import httpserver

from omnipanel_lab.adapters.errors import (
    ProviderUnreachableError,
    StreamInterruptedError,
    UnknownModelError,
)
from omnipanel_lab.adapters.ollama import OllamaAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, Finish, TextDelta, Usage


@pytest.fixture
def ollama_port() -> Iterator[int]:
    port = free_port()
    server = httpserver.HTTPServer(fake_ollama.make_app())
    server.listen(port, "127.0.0.1")
    yield port
    server.stop()


def ask(text: str, model: str = "llama3.2") -> ChatRequest:
    return ChatRequest(model, (ChatMessage("user", text),), max_tokens=16)


async def test_lists_and_streams(ollama_port: int) -> None:
    adapter = OllamaAdapter(f"http://127.0.0.1:{ollama_port}")
    models = await adapter.list_models()
    assert [m.id for m in models] == ["llama3.2:latest"]
    assert models[0].details["quantization"] == "Q4_K_M"
    events = [event async for event in adapter.stream_chat(ask("Capital of France?"))]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Paris is the capital."
    assert Usage(26, 5) in events and events[-1] == Finish("stop")
    await adapter.aclose()


async def test_pull_reports_progress_then_delete(ollama_port: int) -> None:
    adapter = OllamaAdapter(f"http://127.0.0.1:{ollama_port}")
    steps = [step async for step in adapter.pull("qwen2.5")]
    assert steps[0]["status"] == "pulling manifest" and steps[-1]["status"] == "success"
    assert [s["completed"] for s in steps if s["total"]] == [0, 400, 1000]
    assert "qwen2.5:latest" in [m.id for m in await adapter.list_models()]
    await adapter.delete("qwen2.5")
    assert "qwen2.5:latest" not in [m.id for m in await adapter.list_models()]
    with pytest.raises(UnknownModelError):
        await adapter.delete("qwen2.5")
    await adapter.aclose()


async def test_faults_are_typed_and_keep_partial_text(ollama_port: int) -> None:
    adapter = OllamaAdapter(f"http://127.0.0.1:{ollama_port}")
    with pytest.raises(UnknownModelError, match="pull the model first"):
        [event async for event in adapter.stream_chat(ask("hi", model="mistral"))]
    with pytest.raises(StreamInterruptedError) as interrupted:
        [event async for event in adapter.stream_chat(ask("break"))]
    assert interrupted.value.partial_text == "Paris is"
    await adapter.aclose()

    gone = OllamaAdapter(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnreachableError, match="ollama serve"):
        await gone.list_models()
    with pytest.raises(ProviderUnreachableError):
        [event async for event in gone.stream_chat(ask("hi"))]
    assert not await gone.health()
    await gone.aclose()
    await asyncio.sleep(0)


@pytest.fixture
def jp_server_config(ollama_port: int, tmp_path: Any) -> dict[str, Any]:
    return server_config(
        db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}",
        ollama_url=f"http://127.0.0.1:{ollama_port}",
        cloud_providers=[],
    )


async def test_pull_and_delete_over_the_api(jp_fetch: Any) -> None:
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "models",
        "ollama",
        "pull",
        method="POST",
        body=json.dumps({"model": "phi3"}),
    )
    assert response.headers["Content-Type"].startswith("text/event-stream")
    blocks = [block.splitlines() for block in response.body.decode().strip().split("\n\n")]
    kinds = [lines[0].removeprefix("event: ") for lines in blocks]
    assert kinds[0] == "progress" and kinds[-1] == "done"
    progress = [json.loads(lines[1].removeprefix("data: ")) for lines in blocks[:-1]]
    assert [p["completed"] for p in progress if p["total"]] == [0, 400, 1000]

    listing = json.loads((await jp_fetch("omnipanel", "api", "v1", "models", "providers")).body)
    ollama = next(p for p in listing["items"] if p["id"] == "ollama")
    assert "phi3:latest" in [m["id"] for m in ollama["models"]]

    response = await jp_fetch(
        "omnipanel", "api", "v1", "models", "ollama", "models", "phi3", method="DELETE"
    )
    assert response.code == 204
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "models",
        "ollama",
        "models",
        "phi3",
        method="DELETE",
        raise_error=False,
    )
    assert response.code == 404 and "not found" in json.loads(response.body)["message"]
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "models",
        "ollama",
        "pull",
        method="POST",
        body="{}",
        raise_error=False,
    )
    assert response.code == 400
