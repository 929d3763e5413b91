"""Search (ranking, filters, snippets, other users) and export → import, on SQLite FTS5 and
PostgreSQL tsvector; replies from the slow OpenAI-format loopback endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import ChatClient

pytestmark = pytest.mark.usefixtures("slow_model")


async def exchange(client: ChatClient, chat_id: str, text: str, **fields: Any) -> dict[str, Any]:
    sent = await client.send(chat_id, text, max_tokens=2, **fields)
    return await client.finished(chat_id, sent["reply"]["id"])


async def search(client: ChatClient, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.ok("GET", "chats", "search", params=params))[
        "items"
    ]
    return items


async def test_search_ranks_filters_highlights_and_never_crosses_users(
    alice: ChatClient, bob: ChatClient
) -> None:
    work, home = await alice.project("Work"), await alice.project("Home")
    ocean = await alice.chat(work, tags=["marine"])
    await exchange(alice, ocean["id"], "The lighthouse keeper watched the lighthouse lamp")
    await exchange(alice, ocean["id"], "Boats passed the harbour at night")
    garden = await alice.chat(home)
    await exchange(alice, garden["id"], "A lighthouse-shaped birdhouse for the garden roses")
    bobs = await bob.chat(await bob.project())
    await exchange(bob, bobs["id"], "my own lighthouse notes")

    hits = await search(alice, q="lighthouse")
    assert len(hits) == 2  # bob's message is never among them
    assert hits[0]["chat_id"] == ocean["id"]  # two mentions in a short message rank first
    assert hits[0]["score"] >= hits[1]["score"]
    marked = [part["text"].lower() for part in hits[0]["snippet"] if part["match"]]
    assert marked and all(text.startswith("lighthouse") for text in marked)
    assert "keeper" in "".join(part["text"] for part in hits[0]["snippet"])

    assert [h["chat_id"] for h in await search(alice, q="lighthouse", project_id=home)] == [
        garden["id"]
    ]
    assert [h["chat_id"] for h in await search(alice, q="lighthouse", tag="marine")] == [
        ocean["id"]
    ]
    assert await search(alice, q="lighthouse", model="another-model") == []
    assert len(await search(alice, q="lighthouse", model="slow")) == 2
    assert await search(alice, q="lighthouse", since="2999-01-01") == []
    assert len(await search(alice, q="lighthouse", until="2999-01-01T00:00:00Z")) == 2
    # Every word must match; the last one may be a prefix (search as you type).
    assert [h["chat_id"] for h in await search(alice, q="harbour nig")] == [ocean["id"]]
    assert await search(alice, q="harbour roses") == []
    # Query syntax is not passed through: quotes, operators and stars are just text.
    assert await search(alice, q='"*() :&|!') == []
    assert [h["chat_id"] for h in await search(alice, q='"lighthouse*" (KEEPER')] == [ocean["id"]]
    assert [h["chat_id"] for h in await search(bob, q="lighthouse")] == [bobs["id"]]


async def test_search_refuses_an_empty_query(alice: ChatClient) -> None:
    code, data = await alice.call("GET", "chats", "search", params={"q": " "})
    assert code == 400 and "search for" in data["message"]
    code, data = await alice.call("GET", "chats", "search", params={"q": "x", "since": "soon"})
    assert code == 400 and "ISO date" in data["message"]


async def test_export_as_json_imports_back_with_every_branch(alice: ChatClient) -> None:
    project = await alice.project()
    chat = await alice.chat(project, title="Round trip", tags=["keep"], system_prompt="Be kind.")
    first = await exchange(alice, chat["id"], "Plot the data")
    await alice.ok("POST", "chats", chat["id"], "messages", first["id"], "regenerate")
    original = await alice.thread(chat["id"])
    await alice.finished(chat["id"], original["messages"][-1]["id"])

    response = await alice.fetch("chats", chat["id"], "export", params={"format": "json"})
    assert "attachment" in response.headers["Content-Disposition"]
    exported = json.loads(response.body)
    assert len(exported["messages"]) == 3  # the question and both replies

    other = await alice.project("Elsewhere")
    imported = await alice.ok(
        "POST", "chats", "import", body=exported, params={"project_id": other}
    )
    assert imported["project_id"] == other and imported["id"] != chat["id"]
    assert (imported["title"], imported["tags"], imported["system_prompt"]) == (
        "Round trip",
        ["keep"],
        "Be kind.",
    )
    copy = await alice.thread(imported["id"])
    assert [m["content"] for m in copy["messages"]] == [
        m["content"] for m in (await alice.thread(chat["id"]))["messages"]
    ]
    assert len(copy["messages"][1]["siblings"]) == 2
    again = json.loads(
        (await alice.fetch("chats", imported["id"], "export", params={"format": "json"})).body
    )
    strip = [{k: m[k] for k in ("role", "content", "status")} for m in again["messages"]]
    assert strip == [{k: m[k] for k in ("role", "content", "status")} for m in exported["messages"]]


async def test_export_as_markdown_and_notebook(alice: ChatClient, slow_model: Any) -> None:
    chat = await alice.chat(await alice.project(), title="Notebook me")
    await exchange(alice, chat["id"], "Show code")
    markdown = (await alice.fetch("chats", chat["id"], "export")).body.decode()
    assert markdown.startswith("# Notebook me") and "**User:**" in markdown
    assert "**Assistant (slow/slow):**" in markdown and "word1" in markdown

    response = await alice.fetch("chats", chat["id"], "export", params={"format": "ipynb"})
    import nbformat

    notebook = nbformat.reads(response.body.decode(), as_version=4)
    nbformat.validate(notebook)
    assert [cell.cell_type for cell in notebook.cells][:2] == ["markdown", "markdown"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"format": "other"}, "not an OmniPanel chat export"),
        ({"format": "omnipanel-chat", "version": 9, "messages": []}, "version 9"),
        (
            {
                "format": "omnipanel-chat",
                "version": 1,
                "messages": [{"id": "b", "parent_id": "a", "role": "user", "content": "x"}],
            },
            "before its parent",
        ),
    ],
)
async def test_a_bad_import_is_refused_and_writes_nothing(
    alice: ChatClient, body: Any, message: str
) -> None:
    project = await alice.project()
    code, data = await alice.call(
        "POST", "chats", "import", body=body, params={"project_id": project}
    )
    assert code == 400 and message in data["message"]
    assert (await alice.ok("GET", "chats"))["total"] == 0


async def test_a_project_export_carries_its_chats_into_the_imported_project(
    alice: ChatClient, bob: ChatClient
) -> None:
    project = await alice.project("Travelling")
    chat = await alice.chat(project, title="Packing list", tags=["trip"])
    await exchange(alice, chat["id"], "What should I pack?")
    # Bob's chats in a shared project stay his: never in Alice's export.
    await alice.ok("PUT", "projects", project, "members", "bob", body={"role": "editor"})
    await bob.chat(project, title="Bob's own")

    archive = await alice.fetch("projects", project, "export")
    assert archive.code == 200
    response = await alice.fetch(
        "projects", "import", method="POST", body=archive.body, params={"folder": "copy"}
    )
    assert response.code == 201, response.body
    copy = json.loads(response.body)
    chats = (await alice.ok("GET", "chats", params={"project_id": copy["id"]}))["items"]
    assert [(c["title"], c["tags"]) for c in chats] == [("Packing list", ["trip"])]
    thread = await alice.thread(chats[0]["id"])
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]
    assert thread["messages"][0]["content"] == "What should I pack?"


async def test_a_project_archive_with_a_broken_chat_creates_nothing(alice: ChatClient) -> None:
    import io
    import zipfile

    project = await alice.project("Broken")
    archive = await alice.fetch("projects", project, "export")
    buffer = io.BytesIO(archive.body)
    with zipfile.ZipFile(buffer, "a") as zipped:
        zipped.writestr("chats/00000.json", json.dumps({"format": "something else"}))
    response = await alice.fetch("projects", "import", method="POST", body=buffer.getvalue())
    assert response.code == 400
    assert "not an OmniPanel chat export" in json.loads(response.body)["message"]
    assert (await alice.ok("GET", "projects"))["total"] == 1
