"""Writes streaming replies to the store: every reply's batch in one write.

Fifty replies streaming at once would otherwise be fifty worker-thread hops and
transactions every batch interval; here one transaction per interval carries all of them.
A reply's final state is written at once (the end of a reply is read back straight
away); if the store refuses it, it is kept, in memory and in a spool file (0600), and tried
again, with a growing pause, until the store is back, so a reply that ends while the
database is down is not lost, even if the server stops meanwhile: the next server writes
what the spool holds.

A row that can never be written (its chat or project deleted, a value its column cannot
hold) is another matter: the store answers, leaving that row out (see ``reply_rows``), and
the writer lets it go, so that it neither holds up the other replies nor stays in the
spool; a streaming reply whose row is gone is not sent again until its end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
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


# Writes the rows; returns the ids of those that can never be written and were left out.
# Raises when the store cannot be reached (the caller keeps every row to try again).
SaveReplies = Callable[[list[ReplySave]], Collection[str]]


class ReplyWriter:
    def __init__(
        self, save_replies: SaveReplies, interval: float, spool: Path | None = None
    ) -> None:
        self.save_replies = save_replies
        self.interval = interval
        self.spool = spool
        self.rows_written = 0
        self._dirty: dict[str, Reply] = {}  # streaming replies with text not yet written
        self._unsaved: dict[str, ReplySave] = {}  # final states the store refused
        self._left_out: set[str] = set()  # streaming replies whose row cannot be written
        self._lock = asyncio.Lock()  # one write at a time: a batch never undoes an end
        self._loop_task: asyncio.Task[None] | None = None
        self._failures = 0

    def changed(self, reply: Reply) -> None:
        """The reply has new text; it goes out with the next batch."""
        if reply.message_id in self._left_out:
            return
        self._dirty[reply.message_id] = reply
        self._ensure_batches()

    async def finish(self, save: ReplySave) -> bool:
        """Write a reply's final state now; False when it is kept to be written later."""
        async with self._lock:
            self._dirty.pop(save.message_id, None)  # inside the lock: a failed batch puts back
            self._left_out.discard(save.message_id)  # its end is tried, once
            if await self._write([save]):
                return True
            self._unsaved[save.message_id] = save
            await self._keep_unsaved()
        self._ensure_batches()
        return False

    async def recover(self) -> int:
        """Take up the ends a previous server could not write (from the spool)."""
        if self.spool is None or not self.spool.exists():
            return 0
        saves = await asyncio.to_thread(read_spool, self.spool)
        for save in saves:
            self._unsaved.setdefault(save.message_id, save)
        if saves:
            log.info("OmniPanel writes %d replies kept while the store was down", len(saves))
            self._ensure_batches()
        return len(saves)

    def unsaved(self, message_id: str) -> ReplySave | None:
        return self._unsaved.get(message_id)

    async def close(self) -> None:
        """One last try for whatever is still unwritten (at server stop)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
        async with self._lock:
            pending = self._snapshot()
            if pending and not await self._write(pending) and self._unsaved:
                log.warning(
                    "OmniPanel keeps %d replies in %s until the store is back",
                    len(self._unsaved),
                    self.spool,
                )

    def _ensure_batches(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.ensure_future(self._write_batches())

    async def _write_batches(self) -> None:
        while self._dirty or self._unsaved:
            async with self._lock:
                batch, dirty = self._snapshot(), self._dirty
                self._dirty = {}
                if await self._write(batch):  # written, or left out for good
                    settled = [s for s in batch if self._unsaved.get(s.message_id) is s]
                    for save in settled:
                        del self._unsaved[save.message_id]
                    if settled:
                        await self._keep_unsaved()
                else:  # the replies still hold their text: the next batch carries it
                    self._dirty = {**dirty, **self._dirty}
            pause = self.interval * 2 ** min(self._failures, 5)
            await asyncio.sleep(min(pause, MAX_RETRY_PAUSE_S))

    def _snapshot(self) -> list[ReplySave]:
        streaming = [ReplySave(r.message_id, r.text, "streaming") for r in self._dirty.values()]
        return streaming + list(self._unsaved.values())

    async def _keep_unsaved(self) -> None:
        """The spool holds exactly the ends not written yet (no file when none)."""
        if self.spool is None:
            return
        try:
            await asyncio.to_thread(write_spool, self.spool, list(self._unsaved.values()))
        except OSError:
            log.warning("OmniPanel cannot write its reply spool %s", self.spool, exc_info=True)

    async def _write(self, batch: list[ReplySave]) -> bool:
        """True when the store answered: every row written, or left out for good."""
        try:
            left_out = await asyncio.to_thread(self.save_replies, batch)
        except Exception:
            if not self._failures:
                log.warning("OmniPanel could not save replies yet; trying again", exc_info=True)
            self._failures += 1
            return False
        if self._failures:
            log.info("OmniPanel saved the replies it had kept while the store was unreachable")
        self._failures = 0
        self.rows_written += len(batch) - len(left_out)
        for save in batch:
            if save.message_id in left_out and save.status == "streaming":
                self._left_out.add(save.message_id)
                self._dirty.pop(save.message_id, None)
        return True


def write_spool(path: Path, saves: list[ReplySave]) -> None:
    if not saves:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.writelines(json.dumps(asdict(save)) + "\n" for save in saves)
    os.replace(partial, path)  # never half a file


def read_spool(path: Path) -> list[ReplySave]:
    saves = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            saves.append(ReplySave(**json.loads(line)))
        except (ValueError, TypeError):
            log.warning("OmniPanel skips line %d of its reply spool %s", number, path)
    return saves
