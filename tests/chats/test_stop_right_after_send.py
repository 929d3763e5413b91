"""A Stop (or a chat delete, which stops its replies) that comes before the reply's task has
run at all: schemathesis found a DELETE /chats/{id} sent right after a message hang for
good, and the server with it at shutdown, because a task cancelled before its first step never
runs the code that ends the reply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, TextDelta
from omnipanel_lab.chats.generation import GenerationRunner
from omnipanel_lab.chats.reply_writer import ReplySave


async def test_a_stop_before_the_reply_ran_ends_it_as_stopped() -> None:
    saved: list[ReplySave] = []

    def save_replies(batch: list[ReplySave]) -> list[str]:
        saved.extend(batch)
        return []

    class Models:
        def stream(
            self, provider: str, request: ChatRequest, api_key: str | None, own: Any = None
        ) -> Any:
            async def words() -> AsyncIterator[TextDelta]:
                while True:
                    await asyncio.sleep(0.01)
                    yield TextDelta("word ")

            return words()

    runner = GenerationRunner(Models(), save_replies)  # type: ignore[arg-type]
    request = ChatRequest("m", (ChatMessage("user", "hi"),), max_tokens=8)
    generation = runner.start("reply-1", "chat-1", "scripted", request, None)
    # No await between the send and the Stop: the reply's task has not taken a step yet.
    async with asyncio.timeout(5):  # in this task: wait_for would give the loop a turn first
        assert await runner.stop("reply-1") is True
    assert generation.status == "stopped"
    assert runner.running("reply-1") is None
    assert [(s.message_id, s.status) for s in saved][-1] == ("reply-1", "stopped")
    await runner.close()
