"""Cloud providers with the user's own key, against a loopback server.

No cloud API can be reached from here, so "openai" points (c.OmniPanelApp.cloud_base_urls)
at a loopback server that speaks OpenAI's documented wire format: `GET /v1/models`, and
`POST /v1/chat/completions` streaming `data: {chat.completion.chunk}` lines with a final
usage chunk and `data: [DONE]`. It only answers to the key the user stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.support import free_port, sse_events
from tornado import httpserver, web

USER_KEY = "sk-user-key-0000000000-LAST"
SERVER_KEY = "sk-server-env-key-111111-ENVK"


class FakeOpenAI(web.RequestHandler):
    accepted = (USER_KEY, SERVER_KEY)

    def authorized(self) -> bool:
        key = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
        if key in self.accepted:
            return True
        self.set_status(401)
        self.finish(
            {"error": {"message": "Incorrect API key provided.", "code": "invalid_api_key"}}
        )
        return False

    async def get(self) -> None:
        if self.authorized():
            self.finish({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})

    async def post(self) -> None:
        if not self.authorized():
            return
        body = json.loads(self.request.body)
        assert body["stream"] is True and body["max_tokens"] == 20
        self.set_header("Content-Type", "text/event-stream")
        words = ["Hello", " from", " the", " cloud", "."]
        for index, word in enumerate(words):
            chunk = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": word},
                        "finish_reason": "stop" if index == len(words) - 1 else None,
                    }
                ],
            }
            self.write(f"data: {json.dumps(chunk)}\n\n")
            await self.flush()
        usage = {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14}
        self.write(f"data: {json.dumps({'choices': [], 'usage': usage})}\n\ndata: [DONE]\n\n")


@pytest.fixture
def fake_openai() -> Iterator[int]:
    port = free_port()
    server = httpserver.HTTPServer(
        web.Application([(r"/v1/models", FakeOpenAI), (r"/v1/chat/completions", FakeOpenAI)])
    )
    server.listen(port, "127.0.0.1")
    yield port
    server.stop()


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], fake_openai: int) -> dict[str, Any]:
    jp_server_config["OmniPanelApp"]["cloud_providers"] = ["openai"]
    jp_server_config["OmniPanelApp"]["cloud_base_urls"] = {
        "openai": f"http://127.0.0.1:{fake_openai}/v1"
    }
    return jp_server_config


async def chat(fetch: Any) -> list[tuple[str, dict[str, Any]]]:
    response = await fetch(
        "chat",
        "completions",
        method="POST",
        body=json.dumps(
            {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 20,
            }
        ),
    )
    if response.code != 200:
        return [("http", json.loads(response.body))]
    return sse_events(response.body)


async def test_a_users_key_reaches_the_provider_and_nobody_else(
    as_user: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    alice, bob = as_user("alice"), as_user("bob")
    providers = json.loads((await alice("models", "providers")).body)["items"]
    openai = next(p for p in providers if p["id"] == "openai")
    assert (openai["available"], openai["key"]) == (False, {"set": False})

    without_key = await chat(alice)
    assert without_key[-1][0] in ("error", "http")
    assert "No API key" in without_key[-1][1]["message"]

    with caplog.at_level(logging.DEBUG):
        await alice("secrets", "openai", method="PUT", body=json.dumps({"value": USER_KEY}))
        replies = await chat(alice)
        providers = json.loads((await alice("models", "providers")).body)["items"]
    text = "".join(data["text"] for kind, data in replies if kind == "text")
    assert text == "Hello from the cloud."
    assert ("usage", {"input_tokens": 9, "output_tokens": 5}) in replies
    assert ("finish", {"reason": "stop"}) in replies
    openai = next(p for p in providers if p["id"] == "openai")
    assert openai["available"] and [m["id"] for m in openai["models"]] == ["gpt-4o-mini"]
    assert openai["key"] == {"set": True, "source": "user", "last4": "LAST"}
    assert USER_KEY not in caplog.text

    # Bob has no key of his own: Alice's is never used for him.
    assert "No API key" in (await chat(bob))[-1][1]["message"]


async def test_the_servers_environment_key_is_the_fallback(
    as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SERVER_KEY)
    replies = await chat(as_user("carol"))
    assert "".join(d["text"] for kind, d in replies if kind == "text") == "Hello from the cloud."
    providers = json.loads((await as_user("carol")("models", "providers")).body)["items"]
    assert next(p for p in providers if p["id"] == "openai")["key"] == {
        "set": True,
        "source": "environment",
    }


async def test_a_rejected_key_is_a_clear_error(as_user: Any) -> None:
    alice = as_user("alice")
    wrong = "sk-wrong-key-999999999-NOPE"
    await alice("secrets", "openai", method="PUT", body=json.dumps({"value": wrong}))
    kind, data = (await chat(alice))[-1]
    assert kind == "error" and data["reason"] == "Provider rejected the key"
    assert wrong not in json.dumps(data)
