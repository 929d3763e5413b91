"""PostgreSQL search ranks a one-word query from its "strong" matches only (see
omnipanel_lab/chats/search.py): the scores it returns must be those of ranking every match
with ts_rank_cd, for words and prefixes of every length, with few and many strong matches,
and with filters. Real PostgreSQL; the chat goes in through the chat import API."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from .conftest import ChatClient

WORDS = [
    "condition", "conduct", "cond", "condor", "cursor", "curse", "cart", "carton", "data",
    "delta", "dell", "alpha", "alpine", "lamp", "lamppost", "harbour", "keeper", "night",
]  # fmt: skip


@pytest.fixture
def db_url(postgres_url: str) -> str:
    return postgres_url


def corpus(count: int, seed: int) -> dict[str, Any]:
    """Messages of 3-12 words from a small vocabulary full of shared prefixes, some words
    repeated, so that scores of 0.1, 0.2, 0.3 ... all occur."""
    rng = random.Random(seed)
    messages, parent = [], None
    # Words sharing a prefix, each once: 0.8 for "z", 0.7 for "ze", yet no lexeme repeated;
    # many other messages hold one z-word (0.1), so only the bound's prefixes find it.
    crafted = "zebra zebu zenith zephyr zero zest zeal zed"
    for index in range(count):
        words = rng.choices(WORDS, k=rng.randint(3, 12))
        if index == count // 2:
            words = [crafted]
        elif index % 3 == 0:
            words.append(rng.choice(crafted.split()))
        message_id = str(uuid.uuid4())
        messages.append(
            {
                "id": message_id,
                "parent_id": parent,
                "role": "user" if index % 2 == 0 else "assistant",
                "content": " ".join(words),
                "status": "complete",
                "context": [],
                "stats": {},
                "created_at": f"2026-0{1 + index % 9}-01T00:00:00+00:00",
            }
        )
        parent = message_id
    return {"format": "omnipanel-chat", "version": 1, "chat": {"title": "c"}, "messages": messages}


def every_match_ranked(url: str, query: str, project_id: str | None) -> list[float]:
    """All of the user's matches, ranked by ts_rank_cd, without the bound."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    where = "AND s.project_id = :project" if project_id else ""
    with engine.connect() as connection:
        scores = connection.execute(
            text(
                "SELECT ts_rank_cd(s.search_vector, to_tsquery('english', :q)) AS score "
                f"FROM chat_message_search s WHERE s.search_vector @@ to_tsquery('english', :q) "
                f"{where} ORDER BY score DESC"
            ),
            {"q": query, "project": project_id},
        ).scalars()
        result = [round(float(score), 4) for score in scores]
    engine.dispose()
    return result


async def test_one_word_search_returns_the_same_scores_as_ranking_every_match(
    alice: ChatClient, postgres_url: str
) -> None:
    first, second = await alice.project("One"), await alice.project("Two")
    for project, seed in ((first, 1), (second, 2)):
        await alice.ok(
            "POST", "chats", "import", body=corpus(300, seed), params={"project_id": project}
        )
    vocabulary = [*WORDS, "zebra", "zenith", "zest"]
    prefixes = {word[:length] for word in vocabulary for length in range(1, len(word) + 1)}
    checked = 0
    for term in sorted(prefixes):
        for limit, project in ((20, None), (5, None), (20, second)):
            params = {"q": term, "limit": str(limit)}
            if project:
                params["project_id"] = project
            hits = (await alice.ok("GET", "chats", "search", params=params))["items"]
            expected = every_match_ranked(postgres_url, f"{term}:*", project)[:limit]
            assert [hit["score"] for hit in hits] == expected, (term, limit, project)
            checked += bool(expected)
    assert checked > 100  # most terms match something
