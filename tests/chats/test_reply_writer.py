"""The reply writer's ordering and retry rules, against an in-memory table.

The table here stands in for the store only to make its failures happen on cue; the same
writer against the real stores is covered by tests/chats/test_chats_api.py (batches) and
tests/chats/test_store_outage.py (PostgreSQL going away mid-reply)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import Path

from omnipanel_lab.chats.reply_writer import ReplySave, ReplyWriter


@dataclass
class Reply:
    message_id: str
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Table:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str]] = {}
        self.writes: list[list[str]] = []
        self.down = False
        self.fail_next = 0  # writes to refuse, then the store is back
        self.gate: threading.Event | None = None  # holds writes in flight until set

    def save(self, saves: list[ReplySave]) -> set[str]:
        if self.gate is not None:
            self.gate.wait(5)
        if self.down or self.fail_next:
            self.fail_next = max(0, self.fail_next - 1)
            raise ConnectionError("store unreachable")
        self.writes.append([save.message_id for save in saves])
        for save in saves:
            self.rows[save.message_id] = (save.content, save.status)
        return set()  # every row written (rows left out: see test_reply_rows.py)


async def test_streaming_replies_share_one_write_per_interval() -> None:
    table = Table()
    writer = ReplyWriter(table.save, interval=0.05)
    replies = [Reply(f"r{n}") for n in range(50)]
    for step in range(10):
        for reply in replies:
            reply.parts.append(f"t{step} ")
            writer.changed(reply)
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.12)
    assert all(table.rows[r.message_id] == (r.text, "streaming") for r in replies)
    assert 1 < len(table.writes) <= 4  # 100 ms of tokens: a write per 50 ms, not per token
    assert len(table.writes[0]) == 50  # every reply in one transaction
    for reply in replies:
        assert await writer.finish(ReplySave(reply.message_id, reply.text, "complete"))
    await writer.close()


async def test_an_end_the_store_refuses_is_kept_and_written_when_it_is_back() -> None:
    table = Table()
    writer = ReplyWriter(table.save, interval=0.02)
    reply = Reply("r1", ["Hello "])
    writer.changed(reply)
    await asyncio.sleep(0.03)
    table.down = True
    reply.parts.append("world")
    writer.changed(reply)
    final = ReplySave("r1", reply.text, "complete", {"output_tokens": 2})
    assert not await writer.finish(final)
    assert writer.unsaved("r1") == final
    await asyncio.sleep(0.1)  # retries fail meanwhile; nothing older overwrites the end
    assert table.rows["r1"] == ("Hello ", "streaming")
    table.down = False
    for _ in range(100):
        if writer.unsaved("r1") is None:
            break
        await asyncio.sleep(0.02)
    assert table.rows["r1"] == ("Hello world", "complete")
    assert writer.unsaved("r1") is None
    await writer.close()


async def test_a_failed_batch_never_comes_after_the_end_of_its_reply() -> None:
    table = Table()
    writer = ReplyWriter(table.save, interval=0.02)
    reply = Reply("r1", ["partial"])
    gate = table.gate = threading.Event()
    table.fail_next = 1
    writer.changed(reply)  # this batch is in flight, and will fail
    await asyncio.sleep(0.02)
    reply.parts.append(" and the end")
    end = asyncio.ensure_future(writer.finish(ReplySave("r1", reply.text, "stopped")))
    await asyncio.sleep(0.02)
    assert not end.done()  # the end waits for the batch in flight
    gate.set()  # the batch fails and puts its reply back; the end must still win
    assert await end
    await asyncio.sleep(0.15)
    assert table.rows["r1"] == ("partial and the end", "stopped")
    assert writer.unsaved("r1") is None
    await writer.close()


async def test_ends_kept_in_the_spool_are_written_by_the_next_server(tmp_path: Path) -> None:
    """The spool is a real file: a server that stops during the outage leaves it, the next
    one reads it and writes what it holds once the store is back."""
    spool = tmp_path / "omnipanel" / "unsaved-replies.jsonl"
    table = Table()
    table.down = True
    first = ReplyWriter(table.save, interval=0.02, spool=spool)
    end = ReplySave("r1", "Kept across a restart", "complete", {"output_tokens": 4})
    assert not await first.finish(end)
    assert spool.stat().st_mode & 0o777 == 0o600
    await first.close()  # the server stops; the store is still down
    assert spool.exists()

    table.down = False
    second = ReplyWriter(table.save, interval=0.02, spool=spool)
    assert await second.recover() == 1
    assert second.unsaved("r1") == end  # shown meanwhile, not taken for abandoned
    for _ in range(100):
        if not spool.exists():
            break
        await asyncio.sleep(0.02)
    assert table.rows["r1"] == ("Kept across a restart", "complete")
    assert not spool.exists() and second.unsaved("r1") is None
    await second.close()


async def test_a_damaged_spool_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    spool = tmp_path / "unsaved-replies.jsonl"
    good = '{"message_id": "r2", "content": "ok", "status": "complete", "stats": {}}'
    spool.write_text("not json\n" + good + "\n")
    table = Table()
    writer = ReplyWriter(table.save, interval=0.02, spool=spool)
    assert await writer.recover() == 1
    await asyncio.sleep(0.1)
    assert table.rows["r2"] == ("ok", "complete")
    await writer.close()
