"""The chat API on a real Jupyter server, on SQLite and on a real PostgreSQL server.

Replies come from "slow", a loopback server speaking OpenAI's documented streaming format
one word every 20 ms (so tests can close a tab or stop a reply mid-way), and from the
built-in llama.cpp engine with a tiny random GGUF made at test time.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI

from omnipanel_lab.chats.validation import MAX_IMAGE_BYTES
from omnipanel_lab.identity import Identity

from .conftest import ChatClient

pytestmark = pytest.mark.usefixtures("slow_model")


async def test_a_reply_streams_and_is_kept_with_its_stats(alice: ChatClient) -> None:
    chat = await alice.chat(await alice.project(), system_prompt="Be brief.")
    sent = await alice.send(chat["id"], "Hello there", max_tokens=5)
    assert sent["message"]["role"] == "user" and sent["reply"]["status"] == "streaming"

    events = await alice.follow(chat["id"], sent["reply"]["id"])
    streamed = events[0][1]["content"] + "".join(d["text"] for k, d in events if k == "text")
    assert streamed == "word1 word2 word3 word4 word5 "
    reply = events[-1][1]["message"]
    assert reply["content"] == streamed and reply["status"] == "complete"
    stats = reply["stats"]
    assert stats["provider"] == "slow" and stats["model"] == "slow"
    assert stats["finish_reason"] == "length" and stats["output_tokens"] == 5
    assert 0 < stats["ttft_ms"] <= stats["duration_ms"]

    thread = await alice.thread(chat["id"])
    assert thread["title"] == "Hello there"  # the first message names the chat
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]
    assert thread["active_leaf_id"] == reply["id"]


async def test_the_model_is_sent_the_system_prompt_project_context_and_branch(
    alice: ChatClient, slow_model: SlowOpenAI, jp_root_dir: Any
) -> None:
    project = await alice.project("Lighthouse")
    folder = (await alice.ok("GET", "projects", project))["folder"]
    (jp_root_dir / folder / "notes.md").write_text("Tide table: 6:40")
    pinned = {"description": "Keeper's logs.", "context_files": ["notes.md", "gone.txt"]}
    await alice.ok("PATCH", "projects", project, body=pinned)
    chat = await alice.chat(project, system_prompt="Answer in French.")
    first = await alice.send(chat["id"], "One")
    await alice.finished(chat["id"], first["reply"]["id"])
    context = [{"kind": "cell", "label": "analysis.ipynb [3]", "text": "df.describe()"}]
    second = await alice.send(chat["id"], "Two", context=context)
    await alice.finished(chat["id"], second["reply"]["id"])

    sent = slow_model.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "notes.md" in sent[0]["content"] and "Tide table: 6:40" in sent[0]["content"]
    assert "gone.txt\n(missing or not a text file)" in sent[0]["content"]
    assert sent[0]["content"].startswith("Answer in French.")
    assert "Lighthouse" in sent[0]["content"] and "Keeper's logs." in sent[0]["content"]
    assert sent[2]["content"].startswith("word1")
    assert "analysis.ipynb [3]" in sent[3]["content"] and "df.describe()" in sent[3]["content"]
    assert sent[3]["content"].endswith("Two")


async def test_edits_and_regenerations_branch_and_keep_every_version(alice: ChatClient) -> None:
    chat = await alice.chat(await alice.project())
    first = await alice.send(chat["id"], "Question A", max_tokens=2)
    old_reply = await alice.finished(chat["id"], first["reply"]["id"])

    # Regenerate: a second reply to the same question, shown now.
    regenerated = await alice.ok(
        "POST", "chats", chat["id"], "messages", old_reply["id"], "regenerate"
    )
    new_reply = await alice.finished(chat["id"], regenerated["reply"]["id"])
    thread = await alice.thread(chat["id"])
    assert [m["id"] for m in thread["messages"]] == [first["message"]["id"], new_reply["id"]]
    assert thread["messages"][1]["siblings"] == [old_reply["id"], new_reply["id"]]

    # Edit the question: a sibling root with its own reply.
    edited = await alice.send(chat["id"], "Question A, better", parent_id="root")
    await alice.finished(chat["id"], edited["reply"]["id"])
    thread = await alice.thread(chat["id"])
    assert thread["messages"][0]["content"] == "Question A, better"
    assert thread["messages"][0]["siblings"] == [first["message"]["id"], edited["message"]["id"]]

    # The old branch is still there, down to the newest reply under it.
    old = await alice.thread(chat["id"], leaf=first["message"]["id"])
    assert [m["id"] for m in old["messages"]] == [first["message"]["id"], new_reply["id"]]
    # A long chat opens with its last messages only; the branch's length says what waits.
    last = await alice.thread(chat["id"], leaf=first["message"]["id"], limit="1")
    assert [m["id"] for m in last["messages"]] == [new_reply["id"]]
    assert last["branch_length"] == 2
    # Choosing a branch is remembered for the next time the chat opens.
    await alice.ok("PATCH", "chats", chat["id"], body={"active_leaf_id": old_reply["id"]})
    assert (await alice.thread(chat["id"]))["messages"][1]["id"] == old_reply["id"]


async def test_a_reply_goes_on_when_the_tab_closes_and_a_reopened_chat_shows_it(
    alice: ChatClient, jp_serverapp: Any
) -> None:
    chat = await alice.chat(await alice.project())
    sent = await alice.send(chat["id"], "Write a lot", max_tokens=40)
    reply_id = sent["reply"]["id"]
    # A tab reads a few events and goes away (the request is abandoned mid-stream).
    follow = asyncio.ensure_future(alice.follow(chat["id"], reply_id))
    await asyncio.sleep(0.2)
    follow.cancel()

    await asyncio.sleep(0.1)
    reopened = await alice.thread(chat["id"])
    live = reopened["messages"][-1]
    assert live["status"] == "streaming" and live["content"].startswith("word1 ")

    # Text reaches the store in batches while it streams, not only at the end.
    service = await jp_serverapp.web_app.settings["omnipanel_services"].chats()
    stored = service.repository.message
    partial = await asyncio.to_thread(stored, Identity("alice"), chat["id"], uuid.UUID(reply_id))
    assert partial.status == "streaming" and partial.content.startswith("word1 ")

    # A reply is searchable once it is written, not batch by batch while it streams.
    assert (await alice.ok("GET", "chats", "search", params={"q": "word3"}))["items"] == []
    done = await alice.finished(chat["id"], reply_id)
    assert done["status"] == "complete" and done["content"].count("word") == 40
    hits = (await alice.ok("GET", "chats", "search", params={"q": "word3"}))["items"]
    assert [hit["message_id"] for hit in hits] == [reply_id]
    assert service.runner.writer.rows_written < 40 / 2  # batches, not a write per token


async def test_stop_from_another_tab_keeps_the_text_so_far(alice: ChatClient) -> None:
    chat = await alice.chat(await alice.project())
    sent = await alice.send(chat["id"], "Write a lot", max_tokens=200)
    follower = asyncio.ensure_future(alice.follow(chat["id"], sent["reply"]["id"]))
    await asyncio.sleep(0.3)
    stopped = await alice.ok("POST", "chats", chat["id"], "messages", sent["reply"]["id"], "stop")
    assert stopped["status"] == "stopped" and stopped["stats"]["finish_reason"] == "stopped"
    assert 0 < stopped["content"].count("word") < 200
    events = await follower  # the first tab sees the end too
    assert events[-1][1]["message"]["content"] == stopped["content"]
    # The next message leaves the stopped reply out of what the model reads.
    nxt = await alice.send(chat["id"], "Shorter please")
    assert (await alice.finished(chat["id"], nxt["reply"]["id"]))["status"] == "complete"


async def test_another_users_chats_are_never_visible(alice: ChatClient, bob: ChatClient) -> None:
    project = await alice.project()
    chat = await alice.chat(project, title="Private plans")
    sent = await alice.send(chat["id"], "secret zebra plans")
    await alice.finished(chat["id"], sent["reply"]["id"])
    for method, parts, body in [
        ("GET", ("chats", chat["id"]), None),
        ("PATCH", ("chats", chat["id"]), {"title": "mine"}),
        ("DELETE", ("chats", chat["id"]), None),
        ("POST", ("chats", chat["id"], "messages"), {"content": "hi"}),
        ("GET", ("chats", chat["id"], "export"), None),
        ("POST", ("chats", chat["id"], "messages", sent["reply"]["id"], "stop"), {}),
        ("POST", ("chats",), {"project_id": project}),  # not a member of her project
    ]:
        code, data = await bob.call(method, *parts, body=body)
        assert code == 404, (method, parts, code)
        assert "No " in data["message"]
    assert (await bob.ok("GET", "chats"))["items"] == []
    assert (await bob.ok("GET", "chats", "search", params={"q": "zebra"}))["items"] == []
    assert len((await alice.ok("GET", "chats", "search", params={"q": "zebra"}))["items"]) == 1


MESSAGES = ("chats", "{chat}", "messages")


@pytest.mark.parametrize(
    ("parts", "body", "status", "message"),
    [
        (("chats",), {"title": "x"}, 400, "project_id"),
        (("chats",), {"project_id": "nope"}, 404, "No project"),
        (MESSAGES, {"content": "  "}, 400, "empty"),
        (MESSAGES, {"content": "x" * 100_001}, 413, "longer"),
        (MESSAGES, {"content": "x", "parent_id": "f" * 32}, 404, "No message"),
        (MESSAGES, {"content": "x", "model": {"provider": "nope"}}, 404, "Unknown provider"),
        (MESSAGES, {"content": "x", "context": [{"kind": "?"}]}, 400, "Context item 0"),
        (MESSAGES, {"content": "x", "colour": 1}, 400, "Unknown field"),
        (("chats", "not-a-uuid", "messages"), {"content": "x"}, 404, "No chat"),
    ],
)  # fmt: skip
async def test_bad_input_gets_a_clear_4xx_and_writes_nothing(
    alice: ChatClient, parts: tuple[str, ...], body: Any, status: int, message: str
) -> None:
    chat = await alice.chat(await alice.project())
    parts = tuple(part.format(chat=chat["id"]) for part in parts)
    code, data = await alice.call("POST", *parts, body=body)
    assert code == status and message in data["message"], (code, data)
    assert (await alice.thread(chat["id"]))["messages"] == []


async def test_malformed_json_is_a_400(alice: ChatClient) -> None:
    response = await alice.fetch("chats", method="POST", body="{nope")
    assert response.code == 400
    assert "not valid JSON" in json.loads(response.body)["message"]


async def test_the_chat_list_puts_pinned_first_and_filters_by_project_and_tag(
    alice: ChatClient,
) -> None:
    one, two = await alice.project("One"), await alice.project("Two")
    first = await alice.chat(one, title="first", tags=["Draft"])
    await alice.chat(one, title="second")
    await alice.chat(two, title="elsewhere")
    await alice.ok("PATCH", "chats", first["id"], body={"pinned": True})
    listing = await alice.ok("GET", "chats", params={"project_id": one})
    assert [c["title"] for c in listing["items"]] == ["first", "second"]
    assert listing["total"] == 2 and listing["items"][0]["tags"] == ["draft"]
    tagged = await alice.ok("GET", "chats", params={"tag": "draft"})
    assert [c["title"] for c in tagged["items"]] == ["first"]
    await alice.ok("DELETE", "chats", first["id"])
    assert (await alice.ok("GET", "chats", params={"project_id": one}))["total"] == 1


PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


async def test_an_image_of_the_project_reaches_the_model_as_an_image_part(
    alice: ChatClient, slow_model: SlowOpenAI, jp_root_dir: Any
) -> None:
    project = await alice.project("Pictures")
    folder = (await alice.ok("GET", "projects", project))["folder"]
    (jp_root_dir / folder / "attachments").mkdir()
    (jp_root_dir / folder / "attachments" / "pixel.png").write_bytes(PIXEL)
    chat = await alice.chat(project)
    image = {"kind": "image", "path": f"{folder}/attachments/pixel.png", "media_type": "image/png"}
    sent = await alice.send(chat["id"], "What colour is it?", attachments=[image])
    await alice.finished(chat["id"], sent["reply"]["id"])
    assert sent["message"]["attachments"] == [image]  # kept by reference, not copied

    parts = slow_model.requests[-1]["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "What colour is it?"}
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == PIXEL

    elsewhere = await alice.project("Elsewhere")
    other_chat = await alice.chat(elsewhere)
    for bad, status, message in [
        ({**image, "media_type": "application/pdf"}, 400, "media type"),
        ({**image, "path": "../etc/passwd"}, 400, "not a file path"),
        ({**image, "path": f"{folder}/attachments/none.png"}, 404, "does not exist"),
    ]:
        code, data = await alice.call(
            "POST", "chats", chat["id"], "messages", body={"content": "x", "attachments": [bad]}
        )
        assert code == status and message in data["message"], data
    code, data = await alice.call(
        "POST", "chats", other_chat["id"], "messages", body={"content": "x", "attachments": [image]}
    )
    assert code == 404 and "not in the project folder" in data["message"]

    # Too big to send to any model: refused before it is read, and nothing is stored.
    big = jp_root_dir / folder / "attachments" / "big.png"
    with big.open("wb") as file:
        file.truncate(MAX_IMAGE_BYTES + 1)
    before = await alice.ok("GET", "chats", chat["id"])
    code, data = await alice.call(
        "POST",
        "chats",
        chat["id"],
        "messages",
        body={"content": "x", "attachments": [{**image, "path": f"{folder}/attachments/big.png"}]},
    )
    assert code == 413 and "at most 20 MB" in data["message"], data
    assert (await alice.ok("GET", "chats", chat["id"]))["messages"] == before["messages"]


async def test_the_chat_list_filters_by_a_piece_of_the_title_in_any_case(
    alice: ChatClient, bob: ChatClient
) -> None:
    one, two = await alice.project("One"), await alice.project("Two")
    await alice.chat(one, title="Lighthouse logs")
    await alice.chat(two, title="The LIGHTHOUSE keeper")
    await alice.chat(one, title="100% sure_thing")
    await bob.chat(await bob.project("Bob's"), title="lighthouse of Bob")
    found = await alice.ok("GET", "chats", params={"q": "lightHouse"})
    assert sorted(c["title"] for c in found["items"]) == [
        "Lighthouse logs",
        "The LIGHTHOUSE keeper",
    ]
    assert found["total"] == 2
    in_one = await alice.ok("GET", "chats", params={"q": "lighthouse", "project_id": one})
    assert [c["title"] for c in in_one["items"]] == ["Lighthouse logs"]
    # LIKE's wildcards are plain characters here.
    assert [c["title"] for c in (await alice.ok("GET", "chats", params={"q": "0%"}))["items"]] == [
        "100% sure_thing"
    ]
    assert (await alice.ok("GET", "chats", params={"q": "e_l"}))["total"] == 0
    assert (await alice.ok("GET", "chats", params={"q": "  "}))["total"] == 3
    code, error = await alice.call("GET", "chats", params={"q": " " * 201}, raise_error=False)
    assert code == 400 and "'q'" in error["message"]


async def test_the_chat_list_tells_which_of_some_chats_still_exist(
    alice: ChatClient, bob: ChatClient
) -> None:
    """What a reloaded page asks before reopening chats it remembers: a 200 that leaves
    out the gone ones (deleted, or of another user), never a 404 per chat."""
    project = await alice.project()
    kept, gone = await alice.chat(project, title="kept"), await alice.chat(project, title="gone")
    others = await bob.chat(await bob.project(), title="Bob's")
    await alice.ok("DELETE", "chats", gone["id"])
    ids = [kept["id"], gone["id"], others["id"]]
    found = await alice.ok("GET", "chats", params=[("id", chat_id) for chat_id in ids])
    assert [c["id"] for c in found["items"]] == [kept["id"]] and found["total"] == 1
    for bad in (["nope"], [kept["id"]] * 201):
        query = [("id", chat_id) for chat_id in bad]
        code, error = await alice.call("GET", "chats", params=query, raise_error=False)
        assert code == 400 and "'id'" in error["message"]


async def test_renaming_tagging_or_pinning_keeps_a_chats_date(alice: ChatClient) -> None:
    """The list dates a chat by its last message: a rename does not make it 'today'."""
    project = await alice.project()
    chat = await alice.chat(project, title="old")
    for change in ({"title": "new"}, {"tags": ["x"]}, {"pinned": True}, {"model": None}):
        changed = await alice.ok("PATCH", "chats", chat["id"], body=change)
        assert changed["updated_at"] == chat["updated_at"], change
    await alice.send(chat["id"], "Hello")
    assert (await alice.ok("GET", "chats", chat["id"]))["updated_at"] > chat["updated_at"]
