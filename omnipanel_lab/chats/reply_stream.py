"""The reply protocol: how a reply's text travels from the model to its readers and the store.

A reply is written by one asyncio task (``chats.generation.GenerationRunner``), apart from
any browser connection. While it runs, its ``Generation`` is the only place where its
whole text lives:

1. **Text.** Each delta from the model is appended to ``Generation.parts``, handed to
   every ``Follower`` and marked changed for the reply writer (``chats.reply_writer``),
   which puts the whole text so far in the store every ``flush_interval`` seconds, all
   streaming replies in one transaction. The writer reads ``Generation.text`` when it
   writes, so it has every delta without a copy per token.
2. **Followers.** Any number of readers (a tab's events stream each) follow a reply. A
   follower is made with the text so far (its snapshot), at the same moment it starts to
   receive deltas, so nothing is missed or repeated. Deltas are not queued one by one:
   they join the follower's pending text, and it is woken once however many arrive
   before it runs. So what arrives within one loop tick leaves as one event, one write
   and one flush, and a slow reader gets larger events instead of a growing queue.
3. **Done marker.** When the reply ends (complete, stopped, failed), the runner first
   has its final state written (``ReplyWriter.finish``), then removes it from the running
   replies, then ends every follower with that status. A follower takes all pending text
   before it sees the end, and the final message it reads from the store afterwards is
   the final one, since the end was written first.
4. **Unsaved replies.** If the store refuses the final state (it is down), the writer
   keeps it (in memory and in its spool file) and tries again until the store is back.
   Meanwhile ``GenerationRunner.live_text`` answers from the writer's unsaved copy,
   so a reader that asks for the chat sees the reply's text and not the store's stale row.
5. **Stop.** Stopping cancels the task: the reply keeps the text that had arrived, is
   written as 'stopped', and its followers end at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class Follower:
    """One reader of a running reply: its pending text and, once ended, the final status."""

    def __init__(self, snapshot: str) -> None:
        self.snapshot = snapshot
        self._pending: list[str] = []
        self._status: str | None = None
        self._wake = asyncio.Event()

    def add(self, text: str) -> None:
        self._pending.append(text)
        self._wake.set()  # wakes the reader once, however many deltas join before it runs

    def end(self, status: str) -> None:
        self._status = status
        self._wake.set()

    async def next(self) -> tuple[str, str | None]:
        """All the text that arrived since the last call (waits for some), and the reply's
        final status once it has ended (None while it runs)."""
        await self._wake.wait()
        self._wake.clear()
        text = "".join(self._pending)
        self._pending.clear()
        return text, self._status


@dataclass
class Generation:
    """A reply being written: its text so far, timing, followers and task."""

    message_id: str
    chat_id: str
    parts: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    followers: set[Follower] = field(default_factory=set)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    # Set by the task's first step: a task cancelled before it would never run the code that
    # ends the reply (its status, its save, the done marker).
    started: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    status: str = "streaming"

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add_text(self, text: str) -> None:
        self.parts.append(text)
        for follower in self.followers:
            follower.add(text)

    def end(self, status: str) -> None:
        """The done marker: every follower ends (after its pending text)."""
        self.status = status
        for follower in self.followers:
            follower.end(status)
        self.finished.set()

    @contextmanager
    def follow(self) -> Iterator[Follower]:
        """A follower from the text so far on; it stops receiving when the block ends."""
        follower = Follower(self.text)
        if self.finished.is_set():
            follower.end(self.status)
        self.followers.add(follower)
        try:
            yield follower
        finally:
            self.followers.discard(follower)
