"""Ollama, through its official client, against a loopback server.

No Ollama server can be installed here, so a loopback tornado app speaks Ollama's
documented API (docs/api.md of ollama/ollama): `GET /api/tags`, NDJSON streams from
`POST /api/chat` and `POST /api/pull`, `DELETE /api/delete`, and `{"error": ...}` bodies.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from tornado import httpserver, web

from omnipanel_lab.adapters.errors import (
    ProviderUnreachableError,
    StreamInterruptedError,
    UnknownModelError,
)
from omnipanel_lab.adapters.ollama import OllamaAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, Finish, TextDelta, Usage

MODELS = {"llama3.2:latest"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Tags(web.RequestHandler):
    def get(self) -> None:
        self.finish(
            {
                "models": [
                    {
                        "name": name,
                        "model": name,
                        "modified_at": "2026-11-01T10:00:00Z",
                        "size": 2019393189,
                        "digest": "a80c4f17acd5",
                        "details": {
                            "format": "gguf",
                            "family": "llama",
                            "families": ["llama"],
                            "parameter_size": "3.2B",
                            "quantization_level": "Q4_K_M",
                        },
                    }
                    for name in sorted(MODELS)
                ]
            }
        )


class Chat(web.RequestHandler):
    async def post(self) -> None:
        body = json.loads(self.request.body)
        if body["model"] not in MODELS and f"{body['model']}:latest" not in MODELS:
            self.set_status(404)
            self.finish({"error": f'model "{body["model"]}" not found, try pulling it first'})
            return
        assert body["stream"] is True and body["options"]["num_predict"] == 16
        words = ["Paris", " is", " the", " capital", "."]
        if body["messages"][-1]["content"] == "break":
            words = words[:2]  # then the connection drops without a final "done" line
        for word in words:
            line = {
                "model": body["model"],
                "message": {"role": "assistant", "content": word},
                "done": False,
            }
            self.write(json.dumps(line) + "\n")
            await self.flush()
        if body["messages"][-1]["content"] == "break":
            self.request.connection.close()
            return
        self.finish(
            json.dumps(
                {
                    "model": body["model"],
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "prompt_eval_count": 26,
                    "eval_count": 5,
                }
            )
            + "\n"
        )


class Pull(web.RequestHandler):
    async def post(self) -> None:
        name = json.loads(self.request.body)["model"]
        steps: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        steps += [
            {
                "status": "pulling a80c4f17acd5",
                "digest": "a80c4f17acd5",
                "total": 1000,
                "completed": done,
            }
            for done in (0, 400, 1000)
        ]
        steps += [{"status": "verifying sha256 digest"}, {"status": "success"}]
        for step in steps:
            self.write(json.dumps(step) + "\n")
            await self.flush()
        MODELS.add(f"{name}:latest" if ":" not in name else name)


class Delete(web.RequestHandler):
    def delete(self) -> None:
        name = json.loads(self.request.body)["model"]
        full = name if ":" in name else f"{name}:latest"
        if full not in MODELS:
            self.set_status(404)
            self.finish({"error": f"model '{name}' not found"})
            return
        MODELS.discard(full)


@pytest.fixture
def ollama_port() -> Iterator[int]:
    port = free_port()
    server = httpserver.HTTPServer(
        web.Application(
            [
                (r"/api/tags", Tags),
                (r"/api/chat", Chat),
                (r"/api/pull", Pull),
                (r"/api/delete", Delete),
            ]
        )
    )
    server.listen(port, "127.0.0.1")
    yield port
    server.stop()
    MODELS.clear()
    MODELS.add("llama3.2:latest")


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
    return {
        "ServerApp": {
            "jpserver_extensions": {"omnipanel_lab": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
        },
        "OmniPanelApp": {
            "db_url": f"sqlite:///{tmp_path / 'omnipanel.db'}",
            "ollama_url": f"http://127.0.0.1:{ollama_port}",
            "cloud_providers": [],
        },
    }


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
