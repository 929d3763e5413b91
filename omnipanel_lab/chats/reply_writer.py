"""Writes streaming replies to the store: every reply's batch in one write.

Fifty replies streaming at once would otherwise be fifty worker-thread hops and
transactions every batch interval; here one transaction per interval carries all of them.
A reply's final state is written at once (the end of a reply is read back straight
away); if the store refuses it, it is kept in memory and tried again, with a growing pause,
until the store is back, so a reply that ends while the database is down is not lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

MAX_RETRY_PAUSE_S = 5.0


@dataclass(frozen=True)
class ReplySave:
    """One reply's row as it should be in the store."""

    message_id: str
    content: str
    status: str
    stats: dict[str, Any] = field(default_factory=dict)


class Reply(Protocol):
    message_id: str

    @property
    def text(self) -> str: ...


SaveReplies = Callable[[list[ReplySave]], None]


class ReplyWriter:
    def __init__(self, save_replies: SaveReplies, interval: float) -> None:
        self.save_replies = save_replies
        self.interval = interval
        self.rows_written = 0
        self._dirty: dict[str, Reply] = {}  # streaming replies with text not yet written
        self._unsaved: dict[str, ReplySave] = {}  # final states the store refused
        self._lock = asyncio.Lock()  # one write at a time: a batch never undoes an end
        self._loop_task: asyncio.Task[None] | None = None
        self._failures = 0

    def changed(self, reply: Reply) -> None:
        """The reply has new text; it goes out with the next batch."""
        self._dirty[reply.message_id] = reply
        self._ensure_batches()

    async def finish(self, save: ReplySave) -> bool:
        """Write a reply's final state now; False when it is kept to be written later."""
        async with self._lock:
            self._dirty.pop(save.message_id, None)  # inside the lock: a failed batch puts back
            if await self._write([save]):
                return True
            self._unsaved[save.message_id] = save
        self._ensure_batches()
        return False

    def unsaved(self, message_id: str) -> ReplySave | None:
        return self._unsaved.get(message_id)

    async def close(self) -> None:
        """One last try for whatever is still unwritten (at server stop)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
        async with self._lock:
            pending = self._snapshot()
            if pending and not await self._write(pending):
                lost = ", ".join(save.message_id for save in pending)
                log.error("OmniPanel could not save the replies %s: the store is unreachable", lost)

    def _ensure_batches(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.ensure_future(self._write_batches())

    async def _write_batches(self) -> None:
        while self._dirty or self._unsaved:
            async with self._lock:
                batch, dirty = self._snapshot(), self._dirty
                self._dirty = {}
                if await self._write(batch):
                    for save in batch:
                        if self._unsaved.get(save.message_id) is save:
                            del self._unsaved[save.message_id]
                else:  # the replies still hold their text: the next batch carries it
                    self._dirty = {**dirty, **self._dirty}
            pause = self.interval * 2 ** min(self._failures, 5)
            await asyncio.sleep(min(pause, MAX_RETRY_PAUSE_S))

    def _snapshot(self) -> list[ReplySave]:
        streaming = [ReplySave(r.message_id, r.text, "streaming") for r in self._dirty.values()]
        return streaming + list(self._unsaved.values())

    async def _write(self, batch: list[ReplySave]) -> bool:
        try:
            await asyncio.to_thread(self.save_replies, batch)
        except Exception:
            if not self._failures:
                log.warning("OmniPanel could not save replies yet; trying again", exc_info=True)
            self._failures += 1
            return False
        if self._failures:
            log.info("OmniPanel saved the replies it had kept while the store was unreachable")
        self._failures = 0
        self.rows_written += len(batch)
        return True
