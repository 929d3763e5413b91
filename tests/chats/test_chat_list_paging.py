"""The chat list at 10,000 chats of one project (SQLite file and PostgreSQL server): walked
a page of 100 at a time, as the side panel loads it, every chat comes exactly once, pinned
first, then newest first; the title filter and the existence check work on it too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from omnipanel_lab.chats.repository import ChatRepository
from omnipanel_lab.identity import Identity
from omnipanel_lab.projects.repository import ProjectRepository
from omnipanel_lab.projects.validation import parse_project_fields
from omnipanel_lab.store.database import Database
from omnipanel_lab.store.models import Chat

ALICE = Identity("alice", "Alice")
CHATS = 10_000
PAGE = 100  # the side panel's page (labextension/src/chat/model.ts CHAT_PAGE)


@pytest.fixture
def repository(db_url: str) -> Iterator[ChatRepository]:
    database = Database(db_url)
    database.open()
    yield ChatRepository(database, ProjectRepository(database))
    database.close()


def test_ten_thousand_chats_page_through_in_order(repository: ChatRepository) -> None:
    project = repository.projects.create(
        ALICE, parse_project_fields({"name": "Busy"}, creating=True), "busy"
    )
    user_id = repository.projects.user_id(ALICE)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "project_id": uuid.UUID(project.id),
            "user_id": user_id,
            "title": f"Chat {n}" + (" about tides" if n % 500 == 0 else ""),
            "pinned": n % 1000 == 0,
            # Some share a time: the order must still be total (ties broken by id).
            "updated_at": start + timedelta(minutes=n // 2),
            "created_at": start,
        }
        for n in range(CHATS)
    ]
    with repository.database.session() as session:
        session.execute(insert(Chat), rows)

    seen = []
    for offset in range(0, CHATS, PAGE):
        page, total = repository.list(ALICE, project.id, limit=PAGE, offset=offset)
        assert total == CHATS and len(page) == PAGE
        seen.extend(page)
    assert len({chat.id for chat in seen}) == CHATS
    keys = [(not chat.pinned, chat.updated_at) for chat in seen]
    pinned = sum(1 for chat in seen if chat.pinned)
    assert pinned == 10 and all(chat.pinned for chat in seen[:pinned])
    assert keys[:pinned] == sorted(keys[:pinned], key=lambda k: k[1], reverse=True)
    assert keys[pinned:] == sorted(keys[pinned:], key=lambda k: k[1], reverse=True)

    tides, total = repository.list(ALICE, project.id, title="TIDES", limit=200)
    assert total == 20 and all(chat.title.endswith("about tides") for chat in tides)
    some = [seen[0].id, seen[-1].id, str(uuid.uuid4())]
    found, total = repository.list(ALICE, None, ids=some, limit=200)
    assert total == 2 and {chat.id for chat in found} == set(some[:2])
