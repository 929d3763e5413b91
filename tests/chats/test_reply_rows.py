"""Replies that can never be saved, on the real stores (SQLite file and PostgreSQL server).

A row the store refuses for a reason of its own (its chat deleted, a NUL byte, a value
too long for its column, a count out of range) is repaired or left out on its own; every
other reply goes on being saved, by the same batch and by the reply writer's later ones,
and nothing of the bad row stays in the spool."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from omnipanel_lab.chats.reply_writer import ReplySave, ReplyWriter, write_spool
from omnipanel_lab.chats.repository import ChatRepository
from omnipanel_lab.chats.validation import parse_chat_fields
from omnipanel_lab.identity import Identity
from omnipanel_lab.projects.repository import ProjectRepository
from omnipanel_lab.projects.validation import parse_project_fields
from omnipanel_lab.store.database import Database

ALICE = Identity("alice")


class Store:
    def __init__(self, db_url: str) -> None:
        self.database = Database(db_url)
        self.database.open()
        self.projects = ProjectRepository(self.database)
        self.chats = ChatRepository(self.database, self.projects)
        fields = parse_project_fields({"name": "Research"}, creating=True)
        self.project_id = self.projects.create(ALICE, fields, "research").id

    def new_chat(self) -> str:
        fields = parse_chat_fields({"project_id": self.project_id}, creating=True)
        return self.chats.create(ALICE, fields).id

    def new_reply(self, chat_id: str) -> str:
        question = self.chats.add_message(
            ALICE, chat_id, role="user", content="Hello?", parent_id=None
        )
        reply = self.chats.add_message(
            ALICE,
            chat_id,
            role="assistant",
            content="",
            parent_id=uuid.UUID(question.id),
            status="streaming",
        )
        return reply.id

    def row(self, chat_id: str, message_id: str) -> tuple[str, str, dict]:
        message = self.chats.message(ALICE, chat_id, uuid.UUID(message_id))
        return message.content, message.status, message.stats


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    yield store
    store.database.close()


def test_one_batch_saves_every_row_it_can_and_repairs_or_leaves_out_the_rest(
    store: Store,
) -> None:
    chat, doomed = store.new_chat(), store.new_chat()
    good, nul, long_model, huge, gone = (store.new_reply(c) for c in [chat] * 4 + [doomed])
    store.chats.delete(ALICE, doomed)  # its replies' rows go with it
    left_out = store.chats.save_replies(
        [
            ReplySave(good, "All fine", "complete", {"output_tokens": 2}),
            ReplySave(nul, "before\x00after", "complete"),
            ReplySave(long_model, "text", "complete", {"model": "m" * 300, "error": "e\x00"}),
            ReplySave(huge, "text", "complete", {"output_tokens": 2**40, "ttft_ms": "x"}),
            ReplySave(gone, "Nobody will read this", "complete"),
            ReplySave("not-a-uuid", "from a damaged spool", "complete"),
        ]
    )
    assert set(left_out) == {gone, "not-a-uuid"}
    assert store.row(chat, good)[:2] == ("All fine", "complete")
    assert store.row(chat, good)[2]["output_tokens"] == 2
    assert store.row(chat, nul)[:2] == ("before\ufffdafter", "complete")
    content, status, stats = store.row(chat, long_model)
    assert (content, status, stats["model"], stats["error"]) == (
        "text",
        "complete",
        "m" * 255,
        "e\ufffd",
    )
    assert store.row(chat, huge)[2]["output_tokens"] is None


async def test_the_writer_lets_a_deleted_reply_go_and_keeps_saving_the_others(
    store: Store, tmp_path: Path
) -> None:
    """The reply whose chat is deleted mid-stream neither holds up the other reply's
    batches nor stays in the spool."""
    chat, doomed = store.new_chat(), store.new_chat()
    alive, gone = store.new_reply(chat), store.new_reply(doomed)
    spool = tmp_path / "unsaved-replies.jsonl"
    writer = ReplyWriter(store.chats.save_replies, interval=0.02, spool=spool)

    class Streaming:
        def __init__(self, message_id: str) -> None:
            self.message_id, self.text = message_id, ""

    replies = Streaming(alive), Streaming(gone)
    store.chats.delete(ALICE, doomed)
    for step in range(5):
        for reply in replies:
            reply.text += f"word{step} "
            writer.changed(reply)
        await asyncio.sleep(0.03)
    await asyncio.sleep(0.1)
    assert store.row(chat, alive)[:2] == (replies[0].text, "streaming")  # batches go on
    assert await writer.finish(ReplySave(gone, replies[1].text, "complete"))
    assert writer.unsaved(gone) is None and not spool.exists()
    assert await writer.finish(ReplySave(alive, replies[0].text, "complete"))
    assert store.row(chat, alive)[:2] == (replies[0].text, "complete")
    await writer.close()


async def test_a_spooled_reply_that_can_never_be_saved_leaves_the_spool(
    store: Store, tmp_path: Path
) -> None:
    chat, doomed = store.new_chat(), store.new_chat()
    kept, gone = store.new_reply(chat), store.new_reply(doomed)
    store.chats.delete(ALICE, doomed)
    spool = tmp_path / "unsaved-replies.jsonl"
    lines = [ReplySave(gone, "lost chat", "complete"), ReplySave(kept, "kept", "complete")]
    write_spool(spool, lines)
    writer = ReplyWriter(store.chats.save_replies, interval=0.02, spool=spool)
    assert await writer.recover() == 2
    for _ in range(100):
        if not spool.exists():
            break
        await asyncio.sleep(0.02)
    assert not spool.exists()
    assert writer.unsaved(gone) is None and writer.unsaved(kept) is None
    assert store.row(chat, kept)[:2] == ("kept", "complete")
    await writer.close()
