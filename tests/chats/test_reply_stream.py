"""The reply protocol (chats/reply_stream.py): followers get every delta, in order, with
what arrived together joined; the done marker comes after the last text.

The API test follows a reply from a loopback OpenAI-format server that sends its words in
bursts (tests/fakes/slow_openai.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI

from omnipanel_lab.chats.reply_stream import Generation
from omnipanel_lab.handlers.base import EventStreamHandler

from .conftest import ChatClient


async def test_a_follower_gets_what_arrived_in_one_tick_as_one_and_then_the_end() -> None:
    generation = Generation("reply", "chat")
    generation.add_text("Once ")
    with generation.follow() as follower:
        assert follower.snapshot == "Once "  # the text so far, then only what is new
        for piece in ("upon ", "a ", "time"):
            generation.add_text(piece)
        assert await follower.next() == ("upon a time", None)
        generation.add_text(".")
        generation.end("complete")
        assert await follower.next() == (".", "complete")  # the text before the end
    assert not generation.followers
    with generation.follow() as late:  # a follower of an ended reply sees the end at once
        assert late.snapshot == "Once upon a time."
        assert await late.next() == ("", "complete")


async def test_a_followed_reply_arrives_whole_in_order_and_coalesced(
    alice: ChatClient, slow_model: SlowOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_model.burst, slow_model.delay = 64, 0.05
    flushes: list[str] = []
    original = EventStreamHandler.flush

    def counting(self: EventStreamHandler, *args: Any, **kwargs: Any) -> Any:
        flushes.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EventStreamHandler, "flush", counting)
    chat = await alice.chat(await alice.project())
    sent = await alice.send(chat["id"], "Count", max_tokens=256)
    events = await alice.follow(chat["id"], sent["reply"]["id"])
    streamed = events[0][1]["content"] + "".join(d["text"] for k, d in events if k == "text")
    expected = "".join(f"word{n} " for n in range(1, 257))
    assert streamed == expected
    reply = events[-1][1]["message"]
    assert reply["content"] == expected and reply["stats"]["output_tokens"] == 256
    assert sum(1 for kind, _ in events if kind == "text") <= 2 * 4
    assert flushes.count("MessageEventsHandler") <= 2 * 4 + 3  # + snapshot, done, end
