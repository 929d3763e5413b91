"""Connections a user adds from the Models panel, through the REST API, on both stores.

The model servers are loopback stand-ins in their documented wire formats
(tests/fakes/slow_openai.py for OpenAI's, tests/fakes/ollama.py for Ollama's). The server
may reach 127.0.0.1 only (``allowed_connection_hosts``), as a deployment would pin it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI
from fakes.support import free_port, sse_events
from sqlalchemy import create_engine, text

KEY = "sk-my-own-server-key-0123-WXYZ"


@pytest.fixture
def fake_openai() -> Iterator[SlowOpenAI]:
    server = SlowOpenAI(free_port(), delay=0).start()
    yield server
    server.stop()


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], fake_openai: SlowOpenAI) -> dict[str, Any]:
    endpoint = {"base_url": f"http://127.0.0.1:{fake_openai.port}/v1"}
    jp_server_config["OmniPanelApp"].update(
        allowed_connection_hosts=["127.0.0.1"],
        model_endpoints={"configured": endpoint},
        cloud_providers=["openai"],
        ollama_url="",
    )
    return jp_server_config


def put(fetch: Any, name: str, **body: Any) -> Any:
    return fetch("connections", name, method="PUT", body=json.dumps(body))


async def providers(fetch: Any) -> dict[str, dict[str, Any]]:
    listed = json.loads((await fetch("models", "providers")).body)["items"]
    return {item["id"]: item for item in listed}


async def test_a_connection_is_added_used_in_a_chat_and_removed(
    as_user: Any, fake_openai: SlowOpenAI, db_url: str
) -> None:
    alice = as_user("alice")
    url = f"http://127.0.0.1:{fake_openai.port}/v1/"
    response = await put(alice, "my-server", base_url=url, api_key=KEY)
    assert response.code == 200
    view = json.loads(response.body)
    assert (view["name"], view["kind"], view["base_url"]) == ("my-server", "openai", url[:-1])
    assert view["key"] == {"set": True, "last4": "WXYZ"}

    # Listed among the providers at once (no restart), with its models, as the server's are.
    listed = await providers(alice)
    assert listed["my-server"]["available"] is True
    assert [m["id"] for m in listed["my-server"]["models"]] == ["slow"]
    assert listed["my-server"]["connection"]["base_url"] == url[:-1]
    assert "key" not in listed["my-server"]  # not a keyed cloud provider
    assert KEY in fake_openai.keys  # the stored key is what the server is sent
    for body in ((await alice("connections")).body, (await alice("models", "providers")).body):
        assert KEY not in body.decode() and "0123" not in body.decode()
    engine = create_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT ciphertext FROM connections")).scalar_one()
    engine.dispose()
    assert KEY.encode() not in bytes(stored)

    # A chat uses it like a configured provider.
    project = json.loads(
        (await alice("projects", method="POST", body=json.dumps({"name": "P"}))).body
    )
    chat = json.loads(
        (await alice("chats", method="POST", body=json.dumps({"project_id": project["id"]}))).body
    )
    model = {"provider": "my-server", "model": "slow"}
    message = {"content": "Hi", "model": model, "max_tokens": 3}
    sent = await alice("chats", chat["id"], "messages", method="POST", body=json.dumps(message))
    assert sent.code == 201, sent.body
    reply_id = json.loads(sent.body)["reply"]["id"]
    events = await alice("chats", chat["id"], "messages", reply_id, "events")
    done = sse_events(events.body)[-1]
    assert done[0] == "done"
    assert done[1]["message"]["content"] == "word1 word2 word3 "
    assert done[1]["message"]["status"] == "complete"

    assert (await alice("connections", "my-server", method="DELETE")).code == 204
    assert "my-server" not in await providers(alice)
    again = {
        "provider": "my-server",
        "model": "slow",
        "messages": [{"role": "user", "content": "x"}],
    }
    gone = await alice("chat", "completions", method="POST", body=json.dumps(again))
    assert gone.code == 404
    assert "Unknown provider 'my-server'" in json.loads(gone.body)["message"]


async def test_each_user_has_their_own_connections(as_user: Any, fake_openai: SlowOpenAI) -> None:
    alice, bob = as_user("alice"), as_user("bob")
    url = f"http://127.0.0.1:{fake_openai.port}/v1"
    assert (await put(alice, "mine", base_url=url)).code == 200
    assert json.loads((await bob("connections")).body)["items"] == []
    assert "mine" not in await providers(bob)
    body = {"provider": "mine", "model": "slow", "messages": [{"role": "user", "content": "x"}]}
    assert (await bob("chat", "completions", method="POST", body=json.dumps(body))).code == 404
    assert (await bob("connections", "mine", method="DELETE")).code == 404

    # Alice's streams through the completions API, unkeyed: no key is sent.
    streamed = await alice("chat", "completions", method="POST", body=json.dumps(body))
    texts = [data["text"] for event, data in sse_events(streamed.body) if event == "text"]
    assert "".join(texts).startswith("word1")
    assert fake_openai.keys[-1] == ""


async def test_replacing_a_connection_takes_effect_at_once(
    as_user: Any, fake_openai: SlowOpenAI
) -> None:
    alice = as_user("alice")
    closed = f"http://127.0.0.1:{free_port()}/v1"
    assert (await put(alice, "moving", base_url=closed)).code == 200
    listed = await providers(alice)
    assert listed["moving"]["available"] is False
    assert "Cannot reach moving" in listed["moving"]["error"]
    url = f"http://127.0.0.1:{fake_openai.port}/v1"
    assert (await put(alice, "moving", base_url=url, api_key="short")).code == 200
    assert (await providers(alice))["moving"]["available"] is True
    assert "short" in fake_openai.keys
    listed_key = json.loads((await alice("connections")).body)["items"][0]["key"]
    assert listed_key == {"set": True, "last4": ""}  # a short key shows nothing of itself


async def test_an_ollama_url_per_user(as_user: Any, fake_ollama_url: str) -> None:
    alice = as_user("alice")
    assert "ollama" not in await providers(alice)  # the server offers none here
    response = await put(alice, "ollama", kind="ollama", base_url=fake_ollama_url)
    assert response.code == 200
    ollama = (await providers(alice))["ollama"]
    assert ollama["available"] is True
    assert "llama3.2:latest" in [m["id"] for m in ollama["models"]]
    assert ollama["connection"]["kind"] == "ollama"
    assert "ollama" not in await providers(as_user("bob"))


async def test_a_connection_is_tested_before_it_is_saved(
    as_user: Any, fake_openai: SlowOpenAI
) -> None:
    alice = as_user("alice")
    url = f"http://127.0.0.1:{fake_openai.port}/v1"
    tested = await alice("connection-tests", method="POST", body=json.dumps({"base_url": url}))
    assert tested.code == 200
    assert json.loads(tested.body) == {"ok": True, "models": ["slow"]}
    closed = {"base_url": f"http://127.0.0.1:{free_port()}/v1"}
    failed = json.loads(
        (await alice("connection-tests", method="POST", body=json.dumps(closed))).body
    )
    assert failed["ok"] is False
    assert "Cannot reach" in failed["message"]
    assert json.loads((await alice("connections")).body)["items"] == []  # nothing saved


async def test_a_server_that_never_answers_does_not_hold_up_the_list(
    as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host that accepts the connection and then says nothing."""
    monkeypatch.setattr("omnipanel_lab.models.service.LIST_SECONDS", 0.5)
    monkeypatch.setattr("omnipanel_lab.connections.service.LIST_SECONDS", 0.5)
    silent = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    alice = as_user("alice")
    url = f"http://127.0.0.1:{port}/v1"
    try:
        assert (await put(alice, "silent", base_url=url)).code == 200
        listed = (await providers(alice))["silent"]
        assert listed["available"] is False
        assert "did not answer" in listed["error"]
        body = json.dumps({"base_url": url})
        tested = json.loads((await alice("connection-tests", method="POST", body=body)).body)
        assert tested["ok"] is False and "did not answer" in tested["message"]
    finally:
        silent.close()


async def test_a_host_the_server_may_not_reach_is_refused(as_user: Any) -> None:
    alice = as_user("alice")
    for url in ("http://10.1.2.3:8000/v1", "https://api.example.com/v1"):
        for response in (
            await put(alice, "elsewhere", base_url=url),
            await alice("connection-tests", method="POST", body=json.dumps({"base_url": url})),
        ):
            assert response.code == 403, url
            reply = json.loads(response.body)
            assert "may not connect to" in reply["message"]
            assert "allowed_connection_hosts" in reply["message"]
    assert json.loads((await alice("connections")).body)["items"] == []


@pytest.mark.parametrize(
    ("name", "body", "status", "says"),
    [
        ("my-server", {"base_url": "ftp://127.0.0.1/v1"}, 400, "not a base URL"),
        ("my-server", {"base_url": "not a url"}, 400, "not a base URL"),
        ("my-server", {"base_url": "http://"}, 400, "not a base URL"),
        ("my-server", {"base_url": " http://127.0.0.1/v1"}, 400, "not a base URL"),
        ("my-server", {"base_url": "http://127.0.0.1:99999/v1"}, 400, "not a base URL"),
        ("my-server", {"base_url": "http://127.0.0.1/v1?x=1"}, 400, "no query"),
        ("my-server", {"base_url": "http://a..b/v1"}, 400, "not a base URL"),
        ("my-server", {"base_url": f"https://{'a' * 64}.example.com/v1"}, 400, "not a base"),
        ("my-server", {"base_url": 5}, 400, "not a base URL"),
        ("my-server", {}, 400, "not a base URL"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "kind": "grpc"}, 400, "'kind'"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "owner": "bob"}, 400, "Unknown field"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "api_key": "a b"}, 400, "printable"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "api_key": " sk-x"}, 400, "printable"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "api_key": 7}, 400, "'api_key'"),
        ("my-server", {"base_url": "http://127.0.0.1/v1", "api_key": None}, 400, "'api_key'"),
        ("My Server", {"base_url": "http://127.0.0.1/v1"}, 400, "lower-case"),
        ("configured", {"base_url": "http://127.0.0.1/v1"}, 409, "provider of this server"),
        ("openai", {"base_url": "http://127.0.0.1/v1"}, 409, "provider of this server"),
        ("ollama", {"base_url": "http://127.0.0.1/v1"}, 409, "Ollama"),
    ],
)
async def test_bad_connections_get_a_json_4xx(
    as_user: Any, name: str, body: dict[str, Any], status: int, says: str
) -> None:
    response = await put(as_user("alice"), name, **body)
    assert response.code == status, response.body
    assert says in json.loads(response.body)["message"]


async def test_other_bad_requests_get_a_json_4xx(as_user: Any) -> None:
    alice = as_user("alice")
    for response, status in (
        (await alice("connections", "nope", method="DELETE"), 404),
        (await alice("connections", "No", method="DELETE"), 400),
        (await alice("connections", "x", method="PUT", body="{not json"), 400),
        (await alice("connections", "x", method="PUT", body="[]"), 400),
        (await alice("connection-tests", method="POST", body='{"base_url": "x"}'), 400),
    ):
        assert response.code == status
        assert json.loads(response.body)["message"]
