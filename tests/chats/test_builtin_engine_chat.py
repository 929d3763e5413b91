"""Chats with the built-in llama.cpp engine (a tiny random GGUF made at test time), a real
child process: a reply is written by it, and killing it mid-reply keeps the text so far."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest

from .conftest import ChatClient

BUILTIN = {"provider": "builtin", "model": "tiny"}


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The engine, not the store, is under test here: SQLite is enough."""
    return f"sqlite:///{tmp_path / 'omnipanel.db'}"


async def engine_of(jp_serverapp: Any) -> Any:
    library = await jp_serverapp.web_app.settings["omnipanel_services"].models().adapter("builtin")
    return library._active[1].engine


async def test_killing_the_engine_mid_reply_keeps_the_text_and_the_next_reply_works(
    alice: ChatClient, jp_serverapp: Any
) -> None:
    chat = await alice.chat(await alice.project(), model=BUILTIN)
    sent = await alice.send(chat["id"], "Tell me everything", max_tokens=3000)
    reply_id = sent["reply"]["id"]
    for _ in range(1500):  # until some text has arrived (the engine starts first)
        live = (await alice.thread(chat["id"]))["messages"][-1]
        if live["content"] or live["status"] != "streaming":
            break
        await asyncio.sleep(0.02)
    assert live["status"] == "streaming", "the reply ended before the engine was killed"
    engine = await engine_of(jp_serverapp)
    assert engine.pid is not None
    os.kill(engine.pid, signal.SIGKILL)

    failed = await alice.finished(chat["id"], reply_id)
    assert failed["status"] == "failed"
    assert "text received so far is kept" in failed["stats"]["error"]
    assert len(failed["content"]) >= len(live["content"]) > 0
    assert failed["content"].startswith(live["content"])

    retry = await alice.ok("POST", "chats", chat["id"], "messages", reply_id, "regenerate")
    again = await alice.finished(chat["id"], retry["reply"]["id"])
    assert again["status"] == "complete" and again["content"]
    assert again["stats"]["provider"] == "builtin" and again["stats"]["model"] == "tiny"
    assert engine.restarts == 1


async def test_a_chat_longer_than_the_engines_window_still_gets_a_reply(
    alice: ChatClient,
) -> None:
    """100 messages of ~1,000 characters are ~25,000 tokens; the tiny engine holds 4,096.
    The newest messages that fit are sent, and the reply says how many were left out.
    (The tiny model's tokenizer reads bytes, but merges " the" into one token: the text is
    made of it so that it has a real model's ~4 characters per token.)"""
    project = await alice.project()
    messages, parent = [], None
    for index in range(100):
        role = "user" if index % 2 == 0 else "assistant"
        message_id = f"00000000-0000-4000-8000-{index:012d}"
        content = f"Message {index}." + " the" * 250
        messages.append(
            {
                "id": message_id,
                "parent_id": parent,
                "role": role,
                "content": content,
                "status": "complete",
                "context": [],
                "stats": {},
                "created_at": f"2026-01-01T00:{index // 60:02d}:{index % 60:02d}+00:00",
            }
        )
        parent = message_id
    export = {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": "Long"},
        "messages": messages,
    }
    chat = await alice.ok("POST", "chats", "import", body=export, params={"project_id": project})
    await alice.ok("PATCH", "chats", chat["id"], body={"model": BUILTIN})
    sent = await alice.send(chat["id"], "So, in short?", max_tokens=8)
    reply = await alice.finished(chat["id"], sent["reply"]["id"])
    assert reply["status"] == "complete", reply["stats"]["error"]
    [note] = reply["context"]
    assert note["kind"] == "history" and "left out to fit 4,096 tokens" in note["label"]
    left_out = int(note["label"].split()[0])
    assert 80 < left_out < 100
