"""The PostgreSQL store goes away while a reply streams: nothing of the reply is lost.

A real PostgreSQL server refuses the test database's connections (and drops the open ones)
mid-reply; the reply goes on from the model, its end is kept by the server and written
once the database takes connections again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI
from sqlalchemy import text
from sqlalchemy.engine import make_url

from .conftest import ChatClient


@pytest.fixture
def db_url(postgres_url: str) -> str:
    return postgres_url


def set_reachable(admin: Any, url: str, reachable: bool) -> None:
    name = make_url(url).database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {reachable}'))
        if not reachable:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                {"d": name},
            )


async def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_reply_that_ends_while_the_store_is_down_is_written_when_it_is_back(
    alice: ChatClient,
    slow_model: SlowOpenAI,
    jp_serverapp: Any,
    pg_admin_engine: Any,
    postgres_url: str,
) -> None:
    chat = await alice.chat(await alice.project())
    sent = await alice.send(chat["id"], "Write a lot", max_tokens=30)
    reply_id = sent["reply"]["id"]
    service = await jp_serverapp.web_app.settings["omnipanel_services"].chats()
    await wait_for(lambda: "word3 " in (service.runner.live_text(reply_id) or ""))

    set_reachable(pg_admin_engine, postgres_url, False)
    try:
        await wait_for(lambda: service.runner.writer.unsaved(reply_id) is not None)
        spool = service.runner.writer.spool
        assert reply_id in spool.read_text()  # kept on disk too, for a restart
        # The store is down: the API says so, with a message, and the reply is kept.
        code, error = await alice.call("GET", "chats", chat["id"])
        assert code == 503 and "store" in error["message"]
        assert service.runner.live_text(reply_id).count("word") == 30
    finally:
        set_reachable(pg_admin_engine, postgres_url, True)

    await wait_for(lambda: service.runner.writer.unsaved(reply_id) is None)
    assert not spool.exists()
    reply = (await alice.thread(chat["id"]))["messages"][-1]
    assert reply["id"] == reply_id and reply["status"] == "complete"
    assert reply["content"].count("word") == 30 and reply["stats"]["output_tokens"] == 30
