"""What schemathesis found (tests/handlers/test_fuzz.py), each pinned as a plain request.

Bad input is a 4xx with a JSON message, never a 500; what the OpenAPI document allows is
accepted; a download says what it is. Pulls and chats go to a loopback Ollama that speaks
its documented API (tests/fakes/ollama.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakes.support import server_config, sse_events

NO_SUCH_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
EXPORT = {"format": "omnipanel-chat", "version": 1}


@pytest.fixture
def jp_server_config(db_url: str, fake_ollama_url: str) -> dict[str, Any]:
    return server_config(db_url=db_url, ollama_url=fake_ollama_url, cloud_providers=[])


@pytest.fixture
def api(jp_fetch: Any) -> Any:
    async def call(method: str, *parts: str, body: Any = None, **kwargs: Any) -> Any:
        return await jp_fetch(
            "omnipanel",
            "api",
            "v1",
            *parts,
            method=method,
            body=None if body is None else json.dumps(body),
            raise_error=False,
            **kwargs,
        )

    return call


async def test_malformed_values_are_400s_not_500s(api: Any) -> None:
    project = json.loads((await api("POST", "projects", body={"name": "P"})).body)
    cases = [
        ("POST", ("models", "ollama", "pull"), {"model": ""}),
        ("PUT", ("secrets", "openai"), {"value": "sk-1", "project_id": {}}),
        ("PATCH", ("projects", project["id"]), {"folder": None}),
        ("POST", ("chats", "import"), {**EXPORT, "messages": [{"id": "a", "role": {}}]}),
        ("POST", ("chats", "import"), {**EXPORT, "messages": [{"id": "a", "parent_id": {}}]}),
        ("POST", ("chats", "import"), {**EXPORT, "chat": [None], "messages": []}),
    ]
    for method, parts, body in cases:
        params = {"project_id": project["id"]} if parts == ("chats", "import") else None
        response = await api(method, *parts, body=body, params=params)
        assert response.code == 400, (method, parts, body, response.body)
        assert json.loads(response.body)["message"]


async def test_the_server_refuses_what_the_document_refuses(api: Any) -> None:
    chat = {"messages": [{"role": "user", "content": "Hi"}], "provider": "ollama"}
    stops = await api("POST", "chat", "completions", body={**chat, "stop": ["a"] * 5})
    assert stops.code == 400  # the document allows 4; the server used to drop the others
    assert (await api("GET", "chats", params={"project_id": "nope"})).code == 400
    assert (await api("GET", "chats", params={"tag": " "})).code == 400
    tags = await api("POST", "projects", body={"name": "P", "tags": ["a\u0085"]})
    assert "control characters" in json.loads(tags.body)["message"]


async def test_the_server_accepts_what_the_document_allows(api: Any) -> None:
    # JSON Schema counts 5.0 as an integer.
    listing = await api(
        "POST",
        "chat",
        "completions",
        body={"messages": [{"role": "user", "content": "Hi"}], "provider": "ollama"}
        | {"model": "llama3.2", "max_tokens": 16.0},
    )
    assert listing.code == 200, listing.body
    assert [kind for kind, _ in sse_events(listing.body)][-1] == "stats"


async def test_an_ollama_chat_without_a_model_is_an_error_event(api: Any) -> None:
    response = await api(
        "POST",
        "chat",
        "completions",
        body={"messages": [{"role": "user", "content": "Hi"}], "provider": "ollama"},
    )
    assert response.code == 200
    kind, data = sse_events(response.body)[-1]
    assert kind == "error" and "Choose an Ollama model" in data["message"]


async def test_regenerating_a_question_is_a_conflict_and_a_markdown_export_says_so(
    api: Any,
) -> None:
    project = json.loads((await api("POST", "projects", body={"name": "P"})).body)
    chat = json.loads(
        (
            await api(
                "POST",
                "chats",
                body={"project_id": project["id"], "model": {"provider": "ollama"}},
            )
        ).body
    )
    sent = await api("POST", "chats", chat["id"], "messages", body={"content": "Hi"})
    question = json.loads(sent.body)["message"]
    again = await api(
        "POST", "chats", chat["id"], "messages", question["id"], "regenerate", body={}
    )
    assert again.code == 409
    markdown = await api("GET", "chats", chat["id"], "export")
    assert markdown.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert (await api("GET", "chats", chat["id"], params={"leaf": ""})).code == 404
    assert (await api("GET", "chats", chat["id"], "messages")).code == 405
