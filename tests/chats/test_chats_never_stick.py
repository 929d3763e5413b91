"""Replies never jam and chats never stick, through the API of a real Jupyter server on
SQLite and PostgreSQL ("slow" is a loopback server speaking OpenAI's streaming format).

- deleting a project stops its replies before its rows go, and the other replies go on
  being saved;
- the user's message and its reply's row are written together: a failure in between
  leaves the chat as it was, taking the next message;
- a chat import is checked as a sent message is: a bad one is a 400 that writes nothing,
  never a chat that answers 500 to every later message.
"""

from __future__ import annotations

import asyncio
import copy
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from omnipanel_lab.identity import Identity

from .conftest import ChatClient

pytestmark = pytest.mark.usefixtures("slow_model")


async def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def chat_service(jp_serverapp: Any) -> Any:
    return await jp_serverapp.web_app.settings["omnipanel_services"].chats()


async def test_deleting_a_project_stops_its_replies_first_and_the_others_are_saved(
    alice: ChatClient, jp_serverapp: Any
) -> None:
    doomed = await alice.chat(await alice.project("Doomed"))
    kept = await alice.chat(await alice.project("Kept"))
    lost = (await alice.send(doomed["id"], "Write a lot", max_tokens=400))["reply"]["id"]
    going = (await alice.send(kept["id"], "Write a lot", max_tokens=60))["reply"]["id"]
    service = await chat_service(jp_serverapp)
    await wait_for(lambda: "word3 " in (service.runner.live_text(lost) or ""))

    code, _ = await alice.call("DELETE", "projects", doomed["project_id"])
    assert code == 204
    assert service.runner.running(lost) is None  # stopped before its rows went

    # The other reply's text reaches the store while it streams, batch after batch.
    deadline = time.monotonic() + 20
    while service.runner.running(going) is not None and time.monotonic() < deadline:
        row = service.repository.message(Identity("alice"), kept["id"], uuid.UUID(going))
        if row.content.count("word") >= 10:
            break
        await asyncio.sleep(0.05)
    assert row.content.count("word") >= 10
    reply = await alice.finished(kept["id"], going)
    assert reply["status"] == "complete" and reply["content"].count("word") == 60
    assert service.runner.writer.unsaved(lost) is None
    assert not service.runner.writer.spool.exists()
    assert (await alice.call("GET", "chats", doomed["id"]))[0] == 404


@pytest.fixture
def refuse_replies(db_url: str) -> Iterator[Any]:
    """A trigger that makes the store refuse a reply's row, as a failure between the
    user's message and its reply would: ``install()`` once the store is made, ``lift()``."""
    engine = create_engine(db_url)
    sqlite = make_url(db_url).get_backend_name() == "sqlite"

    def install() -> None:
        with engine.begin() as connection:
            if sqlite:
                connection.execute(
                    text(
                        "CREATE TRIGGER refuse_replies BEFORE INSERT ON chat_messages "
                        "WHEN NEW.role = 'assistant' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    )
                )
            else:
                connection.execute(
                    text(
                        "CREATE FUNCTION refuse_replies() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                    )
                )
                connection.execute(
                    text(
                        "CREATE TRIGGER refuse_replies BEFORE INSERT ON chat_messages "
                        "FOR EACH ROW WHEN (NEW.role = 'assistant') "
                        "EXECUTE FUNCTION refuse_replies()"
                    )
                )

    def lift() -> None:
        with engine.begin() as connection:
            connection.execute(
                text("DROP TRIGGER refuse_replies" + ("" if sqlite else " ON chat_messages"))
            )

    yield install, lift
    engine.dispose()


async def test_a_failure_between_the_question_and_its_reply_leaves_the_chat_usable(
    alice: ChatClient, refuse_replies: Any
) -> None:
    install, lift = refuse_replies
    chat = await alice.chat(await alice.project())
    install()
    code, _ = await alice.call(
        "POST", "chats", chat["id"], "messages", body={"content": "Lost?", "max_tokens": 4}
    )
    assert code >= 500  # the store refused the reply's row
    lift()
    thread = await alice.thread(chat["id"])
    assert thread["messages"] == [] and thread["active_leaf_id"] is None  # nothing half-written
    sent = await alice.send(chat["id"], "Again", max_tokens=4)
    reply = await alice.finished(chat["id"], sent["reply"]["id"])
    assert reply["status"] == "complete"
    assert (await alice.thread(chat["id"]))["messages"][0]["content"] == "Again"


async def test_a_chat_left_with_an_unanswered_question_takes_the_next_message(
    alice: ChatClient, jp_serverapp: Any
) -> None:
    """A chat an older version left ending with a question (no reply row) is not stuck:
    the next message is a new version of that question."""
    chat = await alice.chat(await alice.project())
    service = await chat_service(jp_serverapp)
    await asyncio.to_thread(
        lambda: service.repository.add_message(
            Identity("alice"), chat["id"], role="user", content="Orphan", parent_id=None
        )
    )
    sent = await alice.send(chat["id"], "Next", max_tokens=4)
    assert sent["message"]["parent_id"] is None  # a sibling of the orphan
    assert (await alice.finished(chat["id"], sent["reply"]["id"]))["status"] == "complete"
    thread = await alice.thread(chat["id"])
    assert thread["messages"][0]["content"] == "Next"
    assert len(thread["messages"][0]["siblings"]) == 2


def an_export() -> dict[str, Any]:
    return {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": "Imported", "tags": ["x"], "system_prompt": "Be brief."},
        "messages": [
            {
                "id": "q1",
                "parent_id": None,
                "role": "user",
                "content": "Question",
                "status": "complete",
                "context": [{"kind": "file", "label": "a.py", "text": "print(1)"}],
                "stats": {},
                "created_at": "2026-01-01T10:00:00Z",
            },
            {
                "id": "a1",
                "parent_id": "q1",
                "role": "assistant",
                "content": "Answer",
                "status": "complete",
                "context": [{"kind": "history", "label": "2 left out", "text": ""}],
                "stats": {"provider": "slow", "model": "slow", "output_tokens": 3},
                "created_at": "2026-01-01T10:00:01Z",
            },
        ],
    }


def broken(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(an_export())
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


BAD_IMPORTS = {
    "context not items": broken(("messages", 0, "context"), [1, 2]),
    "context kind unknown": broken(("messages", 0, "context"), [{"kind": "x", "text": "t"}]),
    "context text not text": broken(("messages", 0, "context", 0, "text"), {"a": 1}),
    "context too many": broken(("messages", 0, "context"), [{"kind": "text", "text": ""}] * 21),
    "context NUL": broken(("messages", 0, "context", 0, "text"), "a\x00b"),
    "content NUL": broken(("messages", 1, "content"), "a\x00b"),
    "model too long": broken(("messages", 1, "stats", "model"), "m" * 256),
    "provider too long": broken(("messages", 1, "stats", "provider"), "p" * 65),
    "chat model too long": broken(("chat", "model"), {"provider": "p" * 65, "model": "m"}),
    "title NUL": broken(("chat", "title"), "a\x00b"),
    "reply to nothing": broken(("messages", 1, "parent_id"), None),
    "question under a question": broken(("messages", 1, "role"), "user"),
    "repeated id": broken(("messages", 1, "id"), "q1"),
    "system role": broken(("messages", 0, "role"), "system"),
    "chat not an object": broken(("chat",), ["x"]),
}


@pytest.mark.parametrize("case", sorted(BAD_IMPORTS))
async def test_a_bad_chat_import_is_a_400_that_writes_nothing(alice: ChatClient, case: str) -> None:
    project = await alice.project()
    code, error = await alice.call(
        "POST", "chats", "import", body=BAD_IMPORTS[case], params={"project_id": project}
    )
    assert code == 400, (code, error)
    assert error["message"]
    assert (await alice.ok("GET", "chats"))["total"] == 0


async def test_an_imported_message_longer_than_a_reply_can_be_is_a_413(alice: ChatClient) -> None:
    project = await alice.project()
    body = broken(("messages", 1, "content"), "word " * 70_000)
    code, error = await alice.call(
        "POST", "chats", "import", body=body, params={"project_id": project}
    )
    assert code == 413 and "longer than" in error["message"]
    assert (await alice.ok("GET", "chats"))["total"] == 0


async def test_an_imported_chat_keeps_its_context_and_takes_new_messages(
    alice: ChatClient,
) -> None:
    project = await alice.project()
    chat = await alice.ok(
        "POST", "chats", "import", body=an_export(), params={"project_id": project}
    )
    messages = (await alice.thread(chat["id"]))["messages"]
    assert [m["content"] for m in messages] == ["Question", "Answer"]
    assert messages[0]["context"][0]["label"] == "a.py"
    sent = await alice.send(chat["id"], "And then?", max_tokens=4)
    assert (await alice.finished(chat["id"], sent["reply"]["id"]))["status"] == "complete"
