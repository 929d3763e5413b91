"""Chat completions over HTTP: a real llama.cpp engine (tiny GGUF) behind a real Jupyter server.

The "echo-key" provider is a loopback server that speaks OpenAI's documented error format
and, like a careless proxy, echoes the key back: the key must never reach the client or logs.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fakes.support import free_port, server_config, sse_events
from tornado import httpserver, web

from omnipanel_lab.engines.tiny_model import write_tiny_gguf

SECRET = "sk-test-0123456789abcdef-SECRET"


class RejectingOpenAI(web.RequestHandler):
    """OpenAI's 401 reply (error object with message/type/code), echoing the key."""

    def post(self) -> None:
        key = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.set_status(401)
        self.write(
            {
                "error": {
                    "message": f"Incorrect API key provided: {key}.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture
def fake_openai_port() -> int:
    return free_port()


@pytest.fixture
def jp_server_config(
    tiny_model: Path, fake_openai_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    monkeypatch.setenv("OMNIPANEL_TEST_KEY", SECRET)
    return server_config(
        db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}",
        builtin_model_path=str(tiny_model),
        models_dir=str(tiny_model.parent / "library"),
        builtin_model_prompt="chat",
        engine_threads=2,
        model_endpoints={
            "echo-key": {
                "base_url": f"http://127.0.0.1:{fake_openai_port}/v1",
                "api_key_env": "OMNIPANEL_TEST_KEY",
            }
        },
    )


async def chat(jp_fetch: Any, **payload: Any) -> Any:
    return await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "chat",
        "completions",
        method="POST",
        body=json.dumps(payload),
        raise_error=False,
    )


async def test_streams_a_reply_from_the_builtin_engine(jp_fetch: Any) -> None:
    response = await chat(
        jp_fetch,
        provider="builtin",
        messages=[{"role": "user", "content": "Hello"}],
        max_tokens=12,
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = sse_events(response.body)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "text" and kinds[-2:] == ["finish", "stats"]
    assert "".join(data["text"] for kind, data in events if kind == "text")
    assert events[-2][1] == {"reason": "length"}
    stats = events[-1][1]
    assert stats["ttft_ms"] > 0 and stats["duration_ms"] >= stats["ttft_ms"]


async def test_providers_list_the_builtin_model(jp_fetch: Any) -> None:
    response = await jp_fetch("omnipanel", "api", "v1", "models", "providers")
    providers = {item["id"]: item for item in json.loads(response.body)["items"]}
    assert [model["id"] for model in providers["builtin"]["models"]] == ["tiny"]
    assert providers["echo-key"]["available"] is False  # nothing listens there yet


HI = [{"role": "user", "content": "x"}]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"provider": "nope", "messages": HI}, 404, "Unknown provider"),
        ({"provider": "builtin", "messages": []}, 400, "non-empty list"),
        ({"provider": "builtin", "messages": [{"role": "robot", "content": "x"}]}, 400, "'role'"),
        ({"provider": "builtin", "messages": [{"role": "user", "content": " "}]}, 400, "non-empty"),
        ({"provider": "builtin", "messages": HI, "max_tokens": 0}, 400, "max_tokens"),
        ({"provider": "builtin", "messages": "hi", "api_key": "x"}, 400, "Unknown field"),
    ],
)
async def test_bad_requests_get_4xx(
    jp_fetch: Any, payload: dict[str, Any], status: int, message: str
) -> None:
    response = await chat(jp_fetch, **payload)
    assert response.code == status
    assert message in json.loads(response.body)["message"]


async def test_a_rejected_key_is_never_echoed(
    jp_fetch: Any, fake_openai_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    server = httpserver.HTTPServer(web.Application([(r"/v1/chat/completions", RejectingOpenAI)]))
    server.listen(fake_openai_port, "127.0.0.1")
    try:
        with caplog.at_level(logging.DEBUG):
            response = await chat(
                jp_fetch, provider="echo-key", messages=[{"role": "user", "content": "Hi"}]
            )
    finally:
        server.stop()
    assert response.code == 200  # the stream had started; the error is its last event
    kind, data = sse_events(response.body)[-1]
    assert kind == "error"
    assert data["reason"] == "Provider rejected the key"
    assert "Incorrect API key provided: ***" in data["message"]
    assert SECRET not in response.body.decode()
    assert SECRET not in caplog.text


async def test_a_gguf_dropped_into_the_models_folder_is_offered_used_and_removable(
    jp_fetch: Any, tiny_model: Path
) -> None:
    library = tiny_model.parent / "library"
    library.mkdir(exist_ok=True)
    write_tiny_gguf(library / "tiny-chat-2.gguf", seed=2)

    async def local_models() -> dict[str, Any]:
        listing = json.loads((await jp_fetch("omnipanel", "api", "v1", "models", "providers")).body)
        builtin = next(p for p in listing["items"] if p["id"] == "builtin")
        return {model["id"]: model for model in builtin["models"]}

    models = await local_models()
    assert list(models) == ["tiny", "tiny-chat-2"]
    assert models["tiny-chat-2"]["details"]["removable"] is True
    assert models["tiny-chat-2"]["details"]["size_bytes"] > 100_000

    response = await chat(
        jp_fetch,
        provider="builtin",
        model="tiny-chat-2",
        messages=[{"role": "user", "content": "Hello"}],
        max_tokens=6,
    )
    assert [kind for kind, _ in sse_events(response.body)][-2:] == ["finish", "stats"]
    engine = (await local_models())["tiny-chat-2"]["details"]["engine"]
    assert engine["state"] == "ready" and engine["model_path"].endswith("tiny-chat-2.gguf")

    forbidden = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "models",
        "local",
        "models",
        "tiny",
        method="DELETE",
        raise_error=False,
    )
    assert forbidden.code == 403
    removed = await jp_fetch(
        "omnipanel", "api", "v1", "models", "local", "models", "tiny-chat-2", method="DELETE"
    )
    assert removed.code == 204
    assert not (library / "tiny-chat-2.gguf").exists()
    assert list(await local_models()) == ["tiny"]
