"""Chats benchmark: search and list at scale, 50 replies streaming at once, a long chat.

For each backend (SQLite, then PostgreSQL) a fresh store is migrated by `Database.open()`
and bulk-loaded: 2 users x 10,000 chats x 50 messages (1,000,000 messages of seeded
English-ish text, Zipf-distributed over a fixed vocabulary so that words have realistic
selectivity) plus one chat of 5,000 messages on one branch. SQLite rows go through the
normal table in big transactions, so its triggers number them and fill the FTS5 index;
PostgreSQL rows go in by COPY and get their search row by trigger (GIN indexes in place);
every row is complete, so the index must then hold all of them (checked), and each query's
match count through the index is compared with a plain substring scan. Then, in-process and
interleaved:

* `ChatSearch.search` p50/p95 per query kind (rare word, medium word, two words, prefix,
  project filter), with each query's number of matches;
* `ChatRepository.list` p50/p95 at 10,000 chats of one user in one project (first page and
  a deep page).

Then through a real `jupyter server` child process on that store:

* `GET /omnipanel/api/v1/chats/{id}` of the 5,000-message chat, with `?limit=60` (what the
  browser asks for) and without (the whole branch): p50/p95, response size;
* 50 chats replying at once (200 tokens each from a loopback OpenAI-format server, a
  separate process, one token every 20 ms), followed over SSE until `done`: wall time,
  the server's event-loop lag (`/omnipanel/api/v1/status`), and the store writes per
  second, counted outside the server (PostgreSQL: `pg_stat_user_tables.n_tup_upd` of
  chat_messages; SQLite: a counting trigger the bench adds on updates of `status`, which
  every reply save sets). The same 50 streams read straight from the model server give
  the ratio OmniPanel wall time / direct wall time.

Last, in the browser: a `jupyter lab` child process on a fresh SQLite store holding a
project with a 5,000-message chat and a 60-message one (made through the API as the
server's user, then filled in bulk in the store), and Debian's Chromium driven by
Playwright: from the click on a chat in the chat panel's list until its last message is in
the DOM and a frame has been painted (two animation frames later), p50/p95 over 10 runs of
each, interleaved, and the ratio long / short.

Run: .venv/bin/python bench/chat.py [--quick] [--part stores|browser]   (PostgreSQL:
OMNIPANEL_BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/). --quick
loads 25,000 messages. Writes bench/results/chat.json and the "Chats" section of
docs/benchmarks.md (a single part is only printed).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from foundation import (
    ROOT,
    Server,
    cpu_seconds,
    free_port,
    percentile,
    postgres_database,
    start_model_server,
    write_section,
)

sys.path.insert(0, str(ROOT / "tests"))
from fakes.lab import lab_command, launch_chromium, quiet_lab_settings

RESULTS = ROOT / "bench" / "results" / "chat.json"
SEED = 20261124
USER_MAIN = getpass.getuser()  # the single-user server's owner, so HTTP sees the same data
USER_OTHER = "bench-other"
LONG_CHAT_MESSAGES = 5_000
STREAMS = 50
STREAM_TOKENS = 512
STREAM_ROUNDS = 2  # direct and OmniPanel alternate, this many times each
TOKEN_DELAY_S = 0.02
FLUSH_INTERVAL_S = 0.25  # GenerationRunner's default
FIRST_PAGE = 60  # messages the browser asks for when it opens a chat (session.ts)
BROWSER_RUNS = 10

# Ranks 0-30 are stop words, then ~260 common content words; the tail is pronounceable
# made-up words. Queries pick words by rank, so their selectivity is known in advance.
COMMON_WORDS = (
    "the of and to a in is it you that for on with as this be are was have not but at or "
    "by from can we an if my your"
)
CONTENT_WORDS = (
    "data model file code function error table value python training notebook column "
    "question answer result output input plot chart query server memory test example "
    "project time number list string type class method library version install import "
    "feature loss accuracy batch layer network image text word token prompt context user "
    "system image dataset frame index array matrix vector tensor gradient learning rate "
    "epoch validation metric score report summary analysis sample random seed cluster "
    "kernel thread process request response cache queue worker job task schedule config "
    "setting option parameter argument variable loop condition branch merge commit review "
    "document page section chapter paragraph sentence letter email message chat reply "
    "search filter sort group count average median variance deviation regression "
    "classification prediction label category weight bias optimizer scheduler checkpoint "
    "storage database schema migration record field key lookup join partition shard "
    "replica backup restore deploy release build package module script command terminal "
    "shell path folder directory permission account password login session browser "
    "window panel button menu dialog widget layout style color font icon theme editor "
    "cursor selection history undo redo copy paste export import format markdown latex "
    "equation formula proof theorem lemma derivative integral probability distribution "
    "sampling estimate hypothesis experiment observation measurement sensor signal noise "
    "frequency spectrum filter wave energy power voltage current circuit battery engine "
    "speed distance weather forecast temperature pressure ocean river mountain forest city "
    "market price budget invoice customer order product revenue growth quarter strategy"
)
SYLLABLE_TEXT = (
    "ka ri to ven mal sor lin dra pel quo tas bri fen gor hul jas kel mor nid pax rul sev "
    "tor vin wex yar zol bem cas dup fiv gam hok jun lor mev nas olk pim rax sul tev"
)


def vocabulary(size: int = 20_000) -> list[str]:
    rng = np.random.default_rng(SEED)
    words = list(dict.fromkeys(COMMON_WORDS.split() + CONTENT_WORDS.split()))
    seen, syllables = set(words), SYLLABLE_TEXT.split()
    while len(words) < size:
        word = "".join(rng.choice(syllables, size=int(rng.integers(2, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def queries(words: list[str]) -> dict[str, tuple[str, str]]:
    """Query text and which user asks it (the project filter is added for the last)."""
    return {
        "rare_word": (USER_MAIN, words[15_000]),
        "medium_word": (USER_MAIN, words[200]),
        "two_words": (USER_MAIN, f"{words[60]} {words[250]}"),
        "prefix": (USER_MAIN, words[120][:4]),
        "medium_word_in_project": (USER_OTHER, words[200]),
    }


class TextSource:
    """Seeded message texts: Zipf-distributed words, user turns short, replies longer."""

    def __init__(self, words: list[str]) -> None:
        self.words = np.array(words, dtype=object)
        ranks = np.arange(1, len(words) + 1, dtype=np.float64)
        self.p = (1 / ranks) / (1 / ranks).sum()
        self.rng = np.random.default_rng(SEED + 1)

    def texts(self, count: int) -> list[str]:
        lengths = np.where(
            np.arange(count) % 2 == 0,
            self.rng.integers(5, 30, size=count),  # user
            self.rng.integers(15, 90, size=count),  # assistant
        )
        drawn = self.words[self.rng.choice(len(self.words), size=int(lengths.sum()), p=self.p)]
        out, start = [], 0
        for length in lengths.tolist():
            piece = drawn[start : start + length]
            start += length
            out.append(" ".join(piece).capitalize() + ".")
        return out


# -- loading -------------------------------------------------------------------------------


def sqlite_moment(moment: datetime) -> str:
    """How SQLAlchemy's DateTime stores a value on SQLite (no zone; values are UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class Loader:
    """Bulk rows for one store; messages through the dialect's fast path."""

    def __init__(self, database: Any, texts: TextSource) -> None:
        self.database = database
        self.texts = texts
        self.sqlite = database.backend == "sqlite"
        self.messages = 0

    def uid(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value

    def moment(self, value: datetime) -> Any:
        return sqlite_moment(value) if self.sqlite else value

    def user(self, username: str) -> uuid.UUID:
        from omnipanel_lab.identity import Identity
        from omnipanel_lab.projects.repository import ProjectRepository

        return ProjectRepository(self.database).user_id(Identity(username))

    def projects(self, user_id: uuid.UUID, names: list[str]) -> list[uuid.UUID]:
        from sqlalchemy import insert

        from omnipanel_lab.store.models import Project, ProjectMember, Role, utcnow

        ids, now = [uuid.uuid4() for _ in names], utcnow()
        with self.database.session() as session:
            session.execute(
                insert(Project),
                [
                    {
                        "id": pid,
                        "name": name,
                        "description": f"benchmark project {name}",
                        "folder": f"projects/{pid.hex[:8]}",
                        "model_settings": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                    for pid, name in zip(ids, names, strict=True)
                ],
            )
            session.execute(
                insert(ProjectMember),
                [{"project_id": pid, "user_id": user_id, "role": Role.owner} for pid in ids],
            )
        return ids

    def chats(
        self, user_id: uuid.UUID, project_ids: list[uuid.UUID], count: int, per_chat: int
    ) -> None:
        """``count`` chats spread over the projects, ``per_chat`` messages each (one
        branch), loaded in chunks of 1,000 chats per transaction."""
        rng = np.random.default_rng(SEED + len(project_ids) + count)
        now = datetime.now(UTC)
        for first in range(0, count, 1_000):
            size = min(1_000, count - first)
            starts = [
                now - timedelta(days=365) + timedelta(seconds=float(s))
                for s in rng.uniform(0, 360 * 86400, size=size)
            ]
            chats = [
                (uuid.uuid4(), project_ids[(first + i) % len(project_ids)], starts[i])
                for i in range(size)
            ]
            self._insert_chats(user_id, chats, per_chat, rng)

    def long_chat(self, user_id: uuid.UUID, project_id: uuid.UUID, messages: int) -> uuid.UUID:
        chat_id = uuid.uuid4()
        started = datetime.now(UTC) - timedelta(days=30)
        self._insert_chats(user_id, [(chat_id, project_id, started)], messages, None)
        return chat_id

    def _insert_chats(
        self,
        user_id: uuid.UUID,
        chats: list[tuple[uuid.UUID, uuid.UUID, datetime]],
        per_chat: int,
        rng: Any,
    ) -> None:
        from sqlalchemy import insert

        from omnipanel_lab.store.models import Chat, ChatTag

        texts = self.texts.texts(len(chats) * per_chat)
        chat_rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        messages: list[tuple[Any, ...]] = []
        for index, (chat_id, project_id, started) in enumerate(chats):
            parent = self._branch(
                messages, chat_id, started, texts[index * per_chat : (index + 1) * per_chat]
            )
            chat_rows.append(
                {
                    "id": chat_id,
                    "project_id": project_id,
                    "user_id": user_id,
                    "title": " ".join(texts[index * per_chat].split()[:6])[:60],
                    "pinned": bool(rng is not None and rng.random() < 0.01),
                    "system_prompt": "",
                    "active_leaf_id": parent,
                    "created_at": started,
                    "updated_at": started + timedelta(seconds=30 * (per_chat - 1)),
                }
            )
            if rng is not None and rng.random() < 0.1:
                tag_rows.append({"chat_id": chat_id, "tag": "work"})
        with self.database.session() as session:
            session.execute(insert(Chat), chat_rows)
            if tag_rows:
                session.execute(insert(ChatTag), tag_rows)
        self._insert_messages(messages)
        self.messages += len(messages)

    def fill_chat(self, chat_id: uuid.UUID, count: int) -> uuid.UUID:
        """``count`` messages on one branch added to an existing empty chat, which then
        shows the last one; returns its id."""
        from sqlalchemy import update

        from omnipanel_lab.store.models import Chat

        rows: list[tuple[Any, ...]] = []
        started = datetime.now(UTC) - timedelta(days=3)
        leaf = self._branch(rows, chat_id, started, self.texts.texts(count))
        self._insert_messages(rows)
        self.messages += len(rows)
        with self.database.session() as session:
            session.execute(update(Chat).where(Chat.id == chat_id).values(active_leaf_id=leaf))
        return leaf

    @staticmethod
    def _branch(
        out: list[tuple[Any, ...]], chat_id: uuid.UUID, started: datetime, texts: list[str]
    ) -> uuid.UUID | None:
        """Message rows of one branch (user and assistant turns, 30 s apart) appended to
        ``out``; returns the last one's id."""
        parent = None
        for turn, text in enumerate(texts):
            message_id = uuid.uuid4()
            role = "user" if turn % 2 == 0 else "assistant"
            model = "slow" if role == "assistant" else None
            moment = started + timedelta(seconds=30 * turn)
            out.append((message_id, chat_id, parent, role, text, model, model, moment))
            parent = message_id
        return parent

    def _insert_messages(self, rows: list[tuple[Any, ...]]) -> None:
        columns = (
            "id, chat_id, parent_id, role, content, status, context, attachments, provider, "
            "model, created_at, updated_at"
        )
        engine = self.database.engine
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if self.sqlite:
                cursor.execute("PRAGMA cache_size=-262144")  # 256 MB, this connection only
                cursor.executemany(
                    f"INSERT INTO chat_messages ({columns}) "
                    "VALUES (?, ?, ?, ?, ?, 'complete', '[]', '[]', ?, ?, ?, ?)",
                    (
                        (
                            mid.hex,
                            cid.hex,
                            pid.hex if pid else None,
                            role,
                            text,
                            provider,
                            model,
                            sqlite_moment(moment),
                            sqlite_moment(moment),
                        )
                        for mid, cid, pid, role, text, provider, model, moment in rows
                    ),
                )
            else:
                with cursor.copy(f"COPY chat_messages ({columns}) FROM STDIN") as copy:
                    for mid, cid, pid, role, text, provider, model, moment in rows:
                        copy.write_row(
                            (
                                mid,
                                cid,
                                pid,
                                role,
                                text,
                                "complete",
                                "[]",
                                "[]",
                                provider,
                                model,
                                moment,
                                moment,
                            )
                        )
            connection.commit()
        finally:
            connection.close()


def build_store(db_url: str, chats_per_user: int, per_chat: int) -> dict[str, Any]:
    """Load the data set; returns ids and timings."""
    from omnipanel_lab.store.database import Database

    started = time.perf_counter()
    database = Database(db_url)
    database.open()
    migrated = time.perf_counter() - started
    loader = Loader(database, TextSource(vocabulary()))
    main_user, other_user = loader.user(USER_MAIN), loader.user(USER_OTHER)
    (big,) = loader.projects(main_user, ["Research"])
    (long_project,) = loader.projects(main_user, ["Long chat"])
    others = loader.projects(other_user, [f"Area {i}" for i in range(10)])
    started = time.perf_counter()
    loader.chats(main_user, [big], chats_per_user, per_chat)
    loader.chats(other_user, others, chats_per_user, per_chat)
    long_chat = loader.long_chat(main_user, long_project, LONG_CHAT_MESSAGES)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    assert database.engine is not None
    if database.backend == "sqlite":
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    else:  # what autovacuum would have done to a store that grew to this size
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    analyzed = time.perf_counter() - started
    indexed = indexed_messages(database)
    database.close()
    # The index must hold every loaded message (replies are indexed once not 'streaming').
    assert indexed == loader.messages, f"{indexed} of {loader.messages} messages indexed"
    return {
        "messages": loader.messages,
        "messages_indexed": indexed,
        "chats": 2 * chats_per_user + 1,
        "migrate_s": round(migrated, 2),
        "load_s": round(loaded, 1),
        "analyze_s": round(analyzed, 1),
        "messages_per_s": round(loader.messages / loaded),
        "big_project": str(big),
        "filter_project": str(others[0]),
        "long_chat": str(long_chat),
        "size_mb": store_size_mb(db_url),
    }


def store_size_mb(db_url: str) -> float:
    from sqlalchemy import create_engine

    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        return round(sum(f.stat().st_size for f in files if f.exists()) / 2**20, 1)
    engine = create_engine(db_url)
    with engine.connect() as connection:
        size = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    engine.dispose()
    return round(int(size or 0) / 2**20, 1)


# -- in-process: search and list -----------------------------------------------------------


def indexed_messages(database: Any) -> int:
    """Rows in the search index: FTS5's per-document table, or PostgreSQL's search table."""
    query = (
        "SELECT count(*) FROM chat_messages_fts_docsize"
        if database.backend == "sqlite"
        else "SELECT count(*) FROM chat_message_search"
    )
    with database.engine.connect() as connection:
        return int(connection.exec_driver_sql(query).scalar() or 0)


def scan_matches(database: Any, user_id: uuid.UUID, text: str, project: str | None) -> int:
    """The same count without the index: every term as a case-insensitive substring of
    the text (the vocabulary is such that this equals a word or prefix match)."""
    from sqlalchemy import text as sql

    from omnipanel_lab.chats.validation import search_terms

    sqlite = database.backend == "sqlite"
    params: dict[str, Any] = {"user_id": user_id.hex if sqlite else user_id}
    conditions = []
    for index, term in enumerate(search_terms(text)):
        params[f"t{index}"] = f"%{term}%"
        conditions.append(f"AND m.content {'LIKE' if sqlite else 'ILIKE'} :t{index}")
    if project:
        conditions.append("AND c.project_id = :project_id")
        params["project_id"] = uuid.UUID(project).hex if sqlite else uuid.UUID(project)
    query = (
        "SELECT count(*) FROM chat_messages m JOIN chats c ON c.id = m.chat_id "
        f"WHERE c.user_id = :user_id {' '.join(conditions)}"
    )
    with database.session() as session:
        return int(session.execute(sql(query), params).scalar() or 0)


def count_matches(database: Any, user_id: uuid.UUID, text: str, project: str | None) -> int:
    """How many messages the search query matches (before its LIMIT)."""
    from sqlalchemy import text as sql

    from omnipanel_lab.chats.validation import search_terms

    terms = search_terms(text)
    sqlite = database.backend == "sqlite"
    params: dict[str, Any] = {"user_id": user_id.hex if sqlite else user_id}
    extra = ""
    if project:
        extra = "AND c.project_id = :project_id"
        params["project_id"] = uuid.UUID(project).hex if sqlite else uuid.UUID(project)
    if sqlite:
        params["match"] = " ".join(f'"{term}"' for term in terms) + "*"
        query = (
            "SELECT count(*) FROM chat_messages_fts JOIN chat_messages m "
            "ON m.seq = chat_messages_fts.rowid JOIN chats c ON c.id = m.chat_id "
            f"WHERE chat_messages_fts MATCH :match AND c.user_id = :user_id {extra}"
        )
    else:
        params["match"] = " & ".join(terms) + ":*"
        query = (
            "SELECT count(*) FROM chat_message_search s JOIN chats c ON c.id = s.chat_id "
            "WHERE s.search_vector @@ to_tsquery('english', :match) "
            f"AND c.user_id = :user_id {extra}"
        )
    with database.session() as session:
        return int(session.execute(sql(query), params).scalar() or 0)


def bench_search_and_list(
    db_url: str, store: dict[str, Any], reps: int, budget_s: float
) -> dict[str, Any]:
    from omnipanel_lab.chats.repository import ChatRepository
    from omnipanel_lab.chats.search import ChatSearch
    from omnipanel_lab.chats.validation import SearchQuery
    from omnipanel_lab.identity import Identity
    from omnipanel_lab.projects.repository import ProjectRepository
    from omnipanel_lab.store.database import Database

    database = Database(db_url)
    database.open()
    projects = ProjectRepository(database)
    search = ChatSearch(database, projects)
    chats = ChatRepository(database, projects)
    cases = {}
    for kind, (username, text) in queries(vocabulary()).items():
        project = store["filter_project"] if kind.endswith("_in_project") else None
        identity = Identity(username)
        cases[kind] = (identity, SearchQuery(text=text, project_id=project, limit=20))
    results: dict[str, Any] = {"search": {}, "list": {}}
    timings: dict[str, list[float]] = {kind: [] for kind in cases}
    spent = dict.fromkeys(cases, 0.0)
    hits = {}
    for kind, (identity, query) in cases.items():  # warm: caches, prepared plans
        hits[kind] = len(search.search(identity, query))
    for _ in range(reps):  # interleaved, so drift hits every query alike
        for kind, (identity, query) in cases.items():
            if spent[kind] > budget_s and len(timings[kind]) >= 10:
                continue
            started = time.perf_counter()
            search.search(identity, query)
            elapsed = time.perf_counter() - started
            spent[kind] += elapsed
            timings[kind].append(elapsed * 1000)
    for kind, (identity, query) in cases.items():
        user_id = projects.user_id(identity)
        matches = count_matches(database, user_id, query.text, query.project_id)
        scanned = scan_matches(database, user_id, query.text, query.project_id)
        if matches != scanned or hits[kind] != min(matches, query.limit):
            print(
                f"WARNING {kind}: {matches} matches by index, {scanned} by scan, "
                f"{hits[kind]} hits returned",
                flush=True,
            )
        results["search"][kind] = {
            "query": query.text,
            "user": "main" if identity.username == USER_MAIN else "other",
            "project_filter": query.project_id is not None,
            "matches": matches,
            "matches_by_scan": scanned,
            "hits_returned": hits[kind],
            "runs": len(timings[kind]),
            "p50_ms": round(percentile(timings[kind], 50), 2),
            "p95_ms": round(percentile(timings[kind], 95), 2),
        }
    identity = Identity(USER_MAIN)
    deep = min(5_000, store["chats"] // 2 - 50)
    pages = {"first_page": 0, f"deep_page_offset_{deep}": deep}
    list_timings: dict[str, list[float]] = {name: [] for name in pages}
    for offset in pages.values():
        chats.list(identity, store["big_project"], limit=50, offset=offset)  # warm
    for _ in range(reps * 4):
        for name, offset in pages.items():
            started = time.perf_counter()
            items, total = chats.list(identity, store["big_project"], limit=50, offset=offset)
            list_timings[name].append((time.perf_counter() - started) * 1000)
            assert len(items) == 50 and total == store["chats"] // 2, (len(items), total)
    for name, values in list_timings.items():
        results["list"][name] = {
            "chats_in_project": total,
            "limit": 50,
            "runs": len(values),
            "p50_ms": round(percentile(values, 50), 2),
            "p95_ms": round(percentile(values, 95), 2),
        }
    database.close()
    return results


# -- through a server: the long chat and 50 streams ----------------------------------------


def configure(server: Server, model_port: int) -> None:
    config_file = server.home / "config" / "jupyter_server_config.json"
    config = json.loads(config_file.read_text())
    config["OmniPanelApp"] = {
        **config.get("OmniPanelApp", {}),
        "model_endpoints": {"slow": {"base_url": f"http://127.0.0.1:{model_port}/v1"}},
        "default_model": "slow/slow",
    }
    config_file.write_text(json.dumps(config))


def bench_long_chat(server: Server, chat_id: str, reps: int) -> dict[str, dict[str, Any]]:
    """`GET chats/{id}` of the long chat: the whole branch, and the last page only (what
    the browser asks for), interleaved."""
    paths = {
        "open_long_chat": f"omnipanel/api/v1/chats/{chat_id}",
        f"open_long_chat_limit_{FIRST_PAGE}": (
            f"omnipanel/api/v1/chats/{chat_id}?limit={FIRST_PAGE}"
        ),
    }
    bodies = {name: json.loads(server.get(path)) for name, path in paths.items()}  # warm
    sizes = {name: len(server.get(path)) for name, path in paths.items()}
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(reps):
        for name, path in paths.items():
            started = time.perf_counter()
            server.get(path)
            timings[name].append((time.perf_counter() - started) * 1000)
    out = {}
    for name, body in bodies.items():
        assert body["branch_length"] == LONG_CHAT_MESSAGES, body["branch_length"]
        out[name] = {
            "limit": FIRST_PAGE if "limit" in name else None,
            "messages_on_branch": body["branch_length"],
            "messages_returned": len(body["messages"]),
            "runs": reps,
            "p50_ms": round(percentile(timings[name], 50), 1),
            "p95_ms": round(percentile(timings[name], 95), 1),
            "response_kb": round(sizes[name] / 1024, 1),
        }
    return out


async def sse(response: httpx.Response) -> Any:
    event = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, json.loads(line[6:])


class Api:
    def __init__(self, client: httpx.AsyncClient, server: Server) -> None:
        self.client = client
        self.base = f"http://127.0.0.1:{server.port}/omnipanel/api/v1"
        self.headers = {"Authorization": f"token {server.token}"}

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.client.request(
            method, f"{self.base}/{path}", json=body, headers=self.headers
        )
        response.raise_for_status()
        return response.json()

    async def reply(self, chat_id: str, content: str) -> tuple[float, int]:
        """Send a message and follow the reply to `done`: (seconds, words received)."""
        started = time.perf_counter()
        sent = await self.call(
            "POST",
            f"chats/{chat_id}/messages",
            {"content": content, "max_tokens": STREAM_TOKENS},
        )
        url = f"{self.base}/chats/{chat_id}/messages/{sent['reply']['id']}/events"
        async with self.client.stream("GET", url, headers=self.headers) as response:
            async for event, data in sse(response):
                if event == "done":
                    message = data["message"]
                    assert message["status"] == "complete", message
                    return time.perf_counter() - started, len(message["content"].split())
        raise RuntimeError("the events stream ended before 'done'")


async def direct_stream(client: httpx.AsyncClient, model_port: int) -> tuple[float, int]:
    body = {
        "model": "slow",
        "messages": [{"role": "user", "content": "Tell me a story."}],
        "max_tokens": STREAM_TOKENS,
        "stream": True,
    }
    started, words = time.perf_counter(), 0
    async with client.stream(
        "POST", f"http://127.0.0.1:{model_port}/v1/chat/completions", json=body
    ) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: ") and line[6:] != "[DONE]":
                delta = json.loads(line[6:])["choices"][0]["delta"].get("content")
                words += len(delta.split()) if delta else 0
    return time.perf_counter() - started, words


class WriteCounter:
    """Reply saves, counted outside the server process."""

    def __init__(self, db_url: str) -> None:
        from sqlalchemy import create_engine

        self.sqlite = db_url.startswith("sqlite")
        self.engine = create_engine(db_url)
        if self.sqlite:  # every save_reply sets status; the seq trigger sets only seq
            with self.engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE bench_reply_saves (n INTEGER)")
                connection.exec_driver_sql("INSERT INTO bench_reply_saves VALUES (0)")
                connection.exec_driver_sql(
                    "CREATE TRIGGER bench_count_reply_saves AFTER UPDATE OF status "
                    "ON chat_messages BEGIN UPDATE bench_reply_saves SET n = n + 1; END"
                )

    def read(self) -> int:
        query = (
            "SELECT n FROM bench_reply_saves"
            if self.sqlite
            else "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'chat_messages'"
        )
        with self.engine.connect() as connection:
            return int(connection.exec_driver_sql(query).scalar() or 0)

    def settled(self, quiet_s: float) -> int:
        """PostgreSQL backends report their counts when idle (within 10 s): wait."""
        if self.sqlite:
            return self.read()
        time.sleep(quiet_s)
        value = self.read()
        while True:
            time.sleep(1)
            again = self.read()
            if again == value:
                return value
            value = again

    def close(self) -> None:
        if self.sqlite:
            with self.engine.begin() as connection:
                connection.exec_driver_sql("DROP TRIGGER bench_count_reply_saves")
                connection.exec_driver_sql("DROP TABLE bench_reply_saves")
        self.engine.dispose()


class CpuMeter:
    """CPU seconds of the model server, the Jupyter server and this process (the client)
    over one phase: on a machine with no core to spare, the wall time follows them."""

    def __init__(self, model_pid: int, server: Server) -> None:
        self.pids = {"model": model_pid, "server": server.process.pid if server.process else 0}
        self.totals: dict[str, dict[str, float]] = {}
        self._start: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        now = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return {**now, "client": time.process_time()}

    def start(self) -> None:
        self._start = self._now()

    def stop(self, phase: str) -> None:
        totals = self.totals.setdefault(phase, {})
        for name, value in self._now().items():
            totals[name] = totals.get(name, 0.0) + value - self._start[name]


async def bench_streams(
    server: Server, model_port: int, counter: WriteCounter, cpu: CpuMeter
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=4 * STREAMS, max_keepalive_connections=4 * STREAMS)
    async with httpx.AsyncClient(timeout=300, limits=limits) as client:
        api = Api(client, server)
        project = await api.call("POST", "projects", {"name": f"Streams {uuid.uuid4().hex[:6]}"})
        chats = [
            (await api.call("POST", "chats", {"project_id": project["id"]}))["id"]
            for _ in range(STREAMS)
        ]
        warm = (await api.call("POST", "chats", {"project_id": project["id"]}))["id"]
        await api.reply(warm, "Warm up the model path, please.")
        await asyncio.gather(*(direct_stream(client, model_port) for _ in range(5)))
        # (PostgreSQL counts of the warm-up must reach pg_stat before the baseline.)
        before = await asyncio.to_thread(counter.settled, 11.0)

        snapshots: list[dict[str, Any]] = []
        running = True

        async def poll_lag() -> None:
            while running:
                await asyncio.sleep(1.0)
                snapshots.append((await api.call("GET", "status"))["event_loop_lag_ms"])

        # Interleaved rounds: the machine's load drifts, so each path gets its share of it.
        direct_walls: list[float] = []
        walls: list[float] = []
        replies: list[tuple[float, int]] = []
        direct: list[tuple[float, int]] = []
        poller = asyncio.ensure_future(poll_lag())
        for round_ in range(STREAM_ROUNDS):
            cpu.start()
            started = time.perf_counter()
            direct = await asyncio.gather(
                *(direct_stream(client, model_port) for _ in range(STREAMS))
            )
            direct_walls.append(time.perf_counter() - started)
            cpu.stop("direct")
            cpu.start()
            started = time.perf_counter()
            replies = await asyncio.gather(
                *(
                    api.reply(chat_id, f"Question {i}.{round_}: tell me a story.")
                    for i, chat_id in enumerate(chats)
                )
            )
            walls.append(time.perf_counter() - started)
            cpu.stop("omnipanel")
        running = False
        await poller
        final = (await api.call("GET", "status"))["event_loop_lag_ms"]
    return {
        "streams": STREAMS,
        "rounds": STREAM_ROUNDS,
        "max_tokens": STREAM_TOKENS,
        "model_token_delay_ms": TOKEN_DELAY_S * 1000,
        "wall_s": round(statistics.median(walls), 2),
        "wall_s_rounds": [round(w, 2) for w in walls],
        "tokens_delivered": sum(words for _, words in replies),
        "reply_s_median": round(statistics.median(s for s, _ in replies), 2),
        "reply_s_max": round(max(s for s, _ in replies), 2),
        "direct_wall_s": round(statistics.median(direct_walls), 2),
        "direct_wall_s_rounds": [round(w, 2) for w in direct_walls],
        "direct_tokens": sum(words for _, words in direct),
        "wall_ratio_omnipanel_over_direct": round(sum(walls) / sum(direct_walls), 3),
        **cpu_figures(cpu, STREAMS * STREAM_TOKENS * STREAM_ROUNDS),
        "lag_final": final,
        "lag_windows": snapshots,
        "store_writes_before": before,
    }


def cpu_figures(cpu: CpuMeter, tokens: int) -> dict[str, Any]:
    """CPU per token of each process on each path, and the ratio of the paths' totals: the
    wall ratio to expect when the machine has no core to spare (with spare cores, both
    paths take the model's own time)."""
    per_token = {
        phase: {name: round(seconds / tokens * 1e6, 1) for name, seconds in totals.items()}
        for phase, totals in cpu.totals.items()
    }
    direct, relayed = (sum(cpu.totals[phase].values()) for phase in ("direct", "omnipanel"))
    return {
        "cpu_us_per_token": per_token,
        "server_cpu_us_per_token": per_token["omnipanel"]["server"],
        "cpu_ratio_omnipanel_over_direct": round(relayed / direct, 3) if direct else None,
    }


def bench_server(
    db_url: str, store: dict[str, Any] | None, model_port: int, reps: int, model_pid: int
) -> dict[str, Any]:
    """The long chat (on a loaded store) and the 50 streams, through a real server."""
    counter = WriteCounter(db_url)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), omnipanel=True, db_url=db_url)
        configure(server, model_port)
        server.start()
        server.wait_for("omnipanel/api/v1/status", time.perf_counter())
        try:
            long_chat = bench_long_chat(server, store["long_chat"], reps) if store else {}
            cpu = CpuMeter(model_pid, server)
            streams = asyncio.run(bench_streams(server, model_port, counter, cpu))
        finally:
            server.stop()  # PostgreSQL backends report their last counts as they exit
        after = counter.settled(1.0)
    counter.close()
    writes = after - streams.pop("store_writes_before")
    windows = streams.pop("lag_windows")
    final = streams.pop("lag_final")
    worst = max([*windows, final], key=lambda w: w.get("p99", 0))
    expected_per_reply = STREAM_TOKENS * TOKEN_DELAY_S / FLUSH_INTERVAL_S + 1
    streams.update(
        {
            "event_loop_lag_ms_p50": final.get("p50"),
            "event_loop_lag_ms_p99": final.get("p99"),
            "event_loop_lag_ms_max": final.get("max"),
            "event_loop_lag_window_s": 5,
            "event_loop_lag_worst_window_p99_ms": worst.get("p99"),
            "event_loop_lag_worst_window_max_ms": max(w.get("max", 0) for w in [*windows, final]),
            "store_writes_counted": writes,
            "store_writes_per_s": round(writes / sum(streams["wall_s_rounds"]), 1),
            "store_writes_per_reply": round(writes / (STREAMS * STREAM_ROUNDS), 1),
            "store_writes_per_reply_expected_at_most": round(expected_per_reply, 1),
            "store_writes_counted_by": (
                "a bench trigger on UPDATE OF status (every save sets it)"
                if db_url.startswith("sqlite")
                else "pg_stat_user_tables.n_tup_upd of chat_messages"
            ),
        }
    )
    return {**long_chat, "concurrent_streams": streams}


# -- in the browser: opening the long chat until first paint --------------------------------

BROWSER_PROJECT = "Long chats"
SHORT_CHAT_MESSAGES = 60

# Installed just before the click: times from the click (captured on the document) until
# the selector's element is in the DOM, then until two animation frames later (the first
# has been painted), then the same once its text is rendered (markdown renders async).
PAINT_WATCH = """selector => {
  window.__benchPaint = new Promise(resolve => {
    const times = {};
    let clicked = null;
    document.addEventListener('click', () => { clicked = performance.now(); },
                              {capture: true, once: true});
    const painted = (key, done) => requestAnimationFrame(() => requestAnimationFrame(() => {
      times[key] = performance.now() - clicked;
      if (done) { resolve(times); }
    }));
    const filled = node => {
      const md = node.querySelector('.jp-OmniPanel-markdown');
      return !md || md.childElementCount > 0;
    };
    const check = () => {
      const node = document.querySelector(selector);
      if (!node) { return; }
      if (times.dom_ms === undefined) {
        times.dom_ms = performance.now() - clicked;
        painted('paint_ms', false);
      }
      if (filled(node)) {
        observer.disconnect();
        times.text_ms = performance.now() - clicked;
        painted('text_paint_ms', true);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {childList: true, subtree: true});
  });
}"""


class LabServer(Server):
    """`jupyter lab` (the built front end) instead of `jupyter server`."""

    def __init__(self, home: Path, db_url: str) -> None:
        super().__init__(home, omnipanel=True, db_url=db_url)
        quiet_lab_settings(home / "settings")
        self.env.update(
            {
                "HOME": str(home),
                "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            }
        )

    def start(self) -> float:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            lab_command(self.port, self.token, self.home / "root"),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self.wait_for("omnipanel/api/v1/status", started)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(
            method,
            f"http://127.0.0.1:{self.port}/omnipanel/api/v1/{path}",
            json=body,
            headers={"Authorization": f"token {self.token}"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def seed_browser_chats(lab: LabServer, db_url: str) -> dict[str, tuple[str, str, int]]:
    """A project with a long and a short chat, made through the API as the server's user,
    then filled in bulk in the store: {name: (title, id of the last message, count)}."""
    from omnipanel_lab.store.database import Database

    project = lab.api("POST", "projects", {"name": BROWSER_PROJECT})
    database = Database(db_url)
    database.open()
    loader = Loader(database, TextSource(vocabulary()))
    chats, ids = {}, {}
    for name, count in (("long", LONG_CHAT_MESSAGES), ("short", SHORT_CHAT_MESSAGES)):
        title = f"{name.capitalize()} chat ({count:,} messages)"
        chat = lab.api("POST", "chats", {"project_id": project["id"], "title": title})
        leaf = loader.fill_chat(uuid.UUID(chat["id"]), count)
        chats[name], ids[name] = (title, str(leaf), count), chat["id"]
    database.close()
    for name, (_, leaf, count) in chats.items():  # as the server will show them
        body = lab.api("GET", f"chats/{ids[name]}?limit={FIRST_PAGE}")
        assert body["branch_length"] == count and body["active_leaf_id"] == leaf, body
        assert body["messages"][-1]["id"] == leaf
    return chats


def bench_browser(runs: int) -> dict[str, Any]:
    """Click a chat in the panel's list until its last message is painted, the long chat
    and the short one interleaved (which goes first alternates), after one warm-up each."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/lab.db"
        lab = LabServer(Path(tmp), db_url)
        lab.start()
        try:
            chats = seed_browser_chats(lab, db_url)
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                    page.set_default_timeout(60_000)
                    page.goto(f"http://127.0.0.1:{lab.port}/lab?token={lab.token}")
                    page.wait_for_selector("#jp-main-dock-panel", state="visible", timeout=120_000)
                    page.keyboard.press("Alt+Shift+C")
                    panel = page.locator("#omnipanel-chat")
                    panel.wait_for(state="visible")
                    panel.get_by_label("Project").select_option(label=BROWSER_PROJECT)
                    samples = open_chats(page, panel, chats, runs)
                finally:
                    browser.close()
        finally:
            lab.stop()
    out: dict[str, Any] = {"runs": runs, "viewport": "1280x800", "first_page": FIRST_PAGE}
    for name, (_, _, count) in chats.items():
        rows = samples[name]
        out[f"{name}_chat"] = {
            "messages_on_branch": count,
            "messages_rendered": rows[0]["rendered"],
            **{
                f"{key}_{q}": round(percentile([r[key] for r in rows], int(q[1:])), 1)
                for key in ("paint_ms", "text_paint_ms")
                for q in ("p50", "p95")
            },
            "dom_ms_p50": round(percentile([r["dom_ms"] for r in rows], 50), 1),
        }
    long, short = out["long_chat"], out["short_chat"]
    out["paint_ratio_long_over_short_p50"] = round(long["paint_ms_p50"] / short["paint_ms_p50"], 2)
    return out


def open_chats(
    page: Any, panel: Any, chats: dict[str, tuple[str, str, int]], runs: int
) -> dict[str, list[dict[str, Any]]]:
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in chats}
    for run in range(runs + 1):  # run 0 warms up
        order = list(chats) if run % 2 == 0 else list(reversed(chats))
        for name in order:
            title, leaf, _ = chats[name]
            button = panel.locator(".jp-OmniPanel-chatOpen", has_text=title)
            button.wait_for()
            page.evaluate(PAINT_WATCH, f'#omnipanel-chat [data-message-id="{leaf}"]')
            button.click()
            times = page.evaluate("window.__benchPaint")
            times["rendered"] = panel.locator(".jp-OmniPanel-message").count()
            if run:
                samples[name].append(times)
            panel.get_by_role("button", name="Back to chats").click()
    return samples


# -- report --------------------------------------------------------------------------------


def write_docs(result: dict[str, Any]) -> None:
    from omnipanel_lab.chats.search import CANDIDATES_PER_HIT

    lines = [
        "## Chats (`bench/chat.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']}. Each store is migrated "
        "by `Database.open()` and bulk-loaded: 2 users x "
        f"{result['chats_per_user']:,} chats x {result['messages_per_chat']} messages of "
        "seeded Zipf-distributed words (user turns 5-29 words, replies 15-89), plus one "
        f"chat of {LONG_CHAT_MESSAGES:,} messages on one branch. SQLite rows go through "
        "the table (its triggers number them and fill FTS5), 1,000 chats per transaction; "
        "PostgreSQL rows by COPY (search rows by trigger, GIN indexes in place), then "
        "`VACUUM ANALYZE` (SQLite: `ANALYZE`). Indexed = rows in the search index after "
        "the load (FTS5's docsize table; PostgreSQL: rows of chat_message_search), which "
        "must be all.",
        "",
        "| backend | messages | indexed | load | messages/s | store size |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["backends"]:
        store = run["store"]
        lines.append(
            f"| {run['backend']} | {store['messages']:,} | {store['messages_indexed']:,} "
            f"| {store['load_s']} s "
            f"(+ analyze {store['analyze_s']} s) | {store['messages_per_s']:,} "
            f"| {store['size_mb']} MB |"
        )
    lines += [
        "",
        "`ChatSearch.search` in-process (limit 20), queries interleaved; matches = messages "
        "the query matches for that user before the limit, counted through the index "
        "(by scan = the same count by substring scan of the texts, no index). The main user "
        "has half the messages; the project filter is one of the other user's 10 projects. "
        f"SQLite ranks the best {20 * CANDIDATES_PER_HIT} matches inside FTS5 first, then "
        "joins them to their chats (all matches if that leaves too few hits). PostgreSQL "
        "reads only the user's matches (GIN on user, project and tsvector in the narrow "
        "table chat_message_search); a one-word query ranks only its matches that hold the "
        "word (or two words of the prefix) at two positions or more, which are exactly the "
        "top hits when there are enough of them (every other match scores the minimum); "
        "queries of several words rank all of the user's matches.",
        "",
        "| backend | query | text | matches | by scan | p50 | p95 | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["backends"]:
        for kind, row in run["search"].items():
            lines.append(
                f"| {run['backend']} | {kind} | `{row['query']}` | {row['matches']:,} "
                f"| {row['matches_by_scan']:,} | {row['p50_ms']} ms | {row['p95_ms']} ms "
                "| p95 < 50 ms |"
            )
    lines += [
        "",
        "`ChatRepository.list(identity, project_id, limit=50)` in-process, one user's "
        f"{result['chats_per_user']:,} chats in one project:",
        "",
        "| backend | page | p50 | p95 | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in result["backends"]:
        for name, row in run["list"].items():
            lines.append(
                f"| {run['backend']} | {name} | {row['p50_ms']} ms | {row['p95_ms']} ms "
                "| p95 < 20 ms |"
            )
    lines += [
        "",
        (
            f"Measured again {result['streams_measured_at']} (`--part streams`), on fresh "
            "stores: through a `jupyter server`,"
            if "streams_measured_at" in result
            else "Through a `jupyter server` on the same store:"
        )
        + f" {STREAMS} chats replying at once "
        f"({STREAM_TOKENS} tokens each from a loopback OpenAI-format server in its own "
        f"process, one token every {TOKEN_DELAY_S * 1000:.0f} ms), each followed over SSE "
        "until `done`; event-loop lag from `/omnipanel/api/v1/status` right after the run "
        "(its window is the last 100 samples, 50 ms apart, about 5 s; p99 is nearest-rank, "
        "so the second-largest sample; worst = the worst window polled every second); "
        "store writes = reply saves counted outside the server (PostgreSQL: "
        "`n_tup_upd` of chat_messages; SQLite: a counting trigger the bench adds), "
        f"expected at most {STREAM_TOKENS * TOKEN_DELAY_S / FLUSH_INTERVAL_S + 1:.0f} per "
        f"reply at the runner's {FLUSH_INTERVAL_S} s flush interval (rows: the reply writer "
        "puts every streaming reply's batch in one transaction per interval). Direct = the same "
        f"{STREAMS} streams read straight from the model server in the same run, alternating "
        f"with OmniPanel ({STREAM_ROUNDS} rounds each; wall = median round, ratio = total "
        "OmniPanel time / total direct time)."
        + (
            " Machine load average (1, 5, 15 min), shared with other work: "
            + " at the start, ".join(
                ", ".join(f"{value:.2f}" for value in result["streams_load_average"][key])
                for key in ("start", "end")
            )
            + " at the end."
            if "streams_load_average" in result
            else ""
        ),
        "",
        "| backend | wall | direct wall | ratio (target < 1.05) | CPU ratio | server CPU "
        "per token (target < 100 µs) | lag p50 | lag p99 | lag max | worst window p99 "
        "| store writes/s | writes per reply | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["backends"]:
        row = run["concurrent_streams"]
        lines.append(
            f"| {run['backend']} | {row['wall_s']} s | {row['direct_wall_s']} s "
            f"| {row['wall_ratio_omnipanel_over_direct']} "
            f"| {row.get('cpu_ratio_omnipanel_over_direct', 'not measured')} "
            f"| {row.get('server_cpu_us_per_token', 'not measured')} µs "
            f"| {row['event_loop_lag_ms_p50']} ms "
            f"| {row['event_loop_lag_ms_p99']} ms | {row['event_loop_lag_ms_max']} ms "
            f"| {row['event_loop_lag_worst_window_p99_ms']} ms | {row['store_writes_per_s']} "
            f"| {row['store_writes_per_reply']} | lag p99 < 50 ms |"
        )
    lines += [
        "",
        "CPU ratio = CPU time of the model server, the Jupyter server and the bench client "
        "while OmniPanel relayed, over the same while the client read the model directly: the "
        "wall ratio to expect on a machine with no core to spare, as here under other work "
        "(with cores to spare both paths should take about the model's own time: not measured, "
        "the machine was never quiet). CPU per token by "
        "process (µs): "
        + "; ".join(
            f"{run['backend']} {phase} "
            + ", ".join(f"{name} {value}" for name, value in figures.items())
            for run in result["backends"]
            for phase, figures in run["concurrent_streams"].get("cpu_us_per_token", {}).items()
        )
        + ".",
        "",
        f"Opening a chat of {LONG_CHAT_MESSAGES:,} messages on one branch, server side "
        "(`GET /omnipanel/api/v1/chats/{id}` over HTTP, interleaved): with "
        f"`?limit={FIRST_PAGE}`, the last {FIRST_PAGE} messages and `branch_length` (what the "
        "browser asks for when it opens a chat), and without a limit (the whole branch).",
        "",
        "| backend | request | messages returned | p50 | p95 | response size |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["backends"]:
        for key in (f"open_long_chat_limit_{FIRST_PAGE}", "open_long_chat"):
            row = run[key]
            request = f"`?limit={row['limit']}`" if row["limit"] else "no limit"
            lines.append(
                f"| {run['backend']} | {request} | {row['messages_returned']:,} of "
                f"{row['messages_on_branch']:,} | {row['p50_ms']} ms | {row['p95_ms']} ms "
                f"| {row['response_kb']} KB |"
            )
    browser = result.get("browser_open_long_chat")
    if browser:
        lines += [
            "",
            f"In the browser: `jupyter lab` (SQLite store) and Debian's Chromium (headless, "
            f"Playwright, {browser['viewport']}); from the click on a chat in the chat panel's "
            "list until its last message is in the DOM and a frame has been painted (two "
            "animation frames later); text painted = once that message's markdown is "
            f"rendered too. {browser['runs']} runs of each chat, interleaved, after a warm-up; "
            f"the panel shows the last {browser['first_page']} messages (older ones load on "
            "demand). The 60-message chat, opened the same way, is the baseline.",
            "",
            "| chat | messages shown | first paint p50 | p95 | text painted p50 | p95 "
            "| in DOM p50 | target |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name in ("long", "short"):
            row = browser[f"{name}_chat"]
            lines.append(
                f"| {row['messages_on_branch']:,} messages | {row['messages_rendered']} "
                f"| {row['paint_ms_p50']} ms | {row['paint_ms_p95']} ms "
                f"| {row['text_paint_ms_p50']} ms | {row['text_paint_ms_p95']} ms "
                f"| {row['dom_ms_p50']} ms | {'< 500 ms' if name == 'long' else 'baseline'} |"
            )
        lines += [
            "",
            f"First paint, long / short (p50): {browser['paint_ratio_long_over_short_p50']}.",
        ]
    write_section("\n".join(lines) + "\n")


def rerun_streams() -> None:
    """Measure the 50 streams again (e.g. after a change to the relay) on fresh stores and
    put them in the last full results: a store's size does not change a reply's path."""
    from omnipanel_lab.store.database import Database

    result = json.loads(RESULTS.read_text())
    load_before = os.getloadavg()
    model_port = free_port()
    model_server = start_model_server(model_port, TOKEN_DELAY_S)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend, url, drop in backends(tmp):
                try:
                    database = Database(url)
                    database.open()  # migrated, so the write counter finds its table
                    database.close()
                    streams = bench_server(url, None, model_port, 0, model_server.pid)[
                        "concurrent_streams"
                    ]
                    print(f"[{backend}] {json.dumps(streams)}", flush=True)
                    run = next(r for r in result["backends"] if r["backend"] == backend)
                    run["concurrent_streams"] = streams
                finally:
                    if drop is not None:
                        drop()
    finally:
        model_server.terminate()
        model_server.wait(timeout=10)
    result["streams_measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # The machine is shared: its load (1, 5, 15 min) at the start and at the end.
    result["streams_load_average"] = {"start": load_before, "end": os.getloadavg()}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)


def backends(tmp: str) -> Iterator[tuple[str, str, Any]]:
    yield "sqlite", f"sqlite:///{tmp}/chat-bench.db", None
    url, drop = postgres_database()
    yield "postgresql", url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="25,000 messages, fewer runs")
    parser.add_argument("--chats-per-user", type=int, default=None)
    parser.add_argument(
        "--part",
        choices=("all", "stores", "browser", "streams"),
        default="all",
        help="run a part only (printed, not written to the results; streams: the 50 "
        "streams again on fresh stores, written into the results and docs)",
    )
    args = parser.parse_args()
    per_chat = 50
    chats_per_user = args.chats_per_user or (200 if args.quick else 10_000)
    reps, budget_s, open_reps = (10, 2.0, 5) if args.quick else (60, 12.0, 30)

    result: dict[str, Any] = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        "chats_per_user": chats_per_user,
        "messages_per_chat": per_chat,
        "backends": [],
    }
    if args.part == "browser":
        print(json.dumps(bench_browser(3 if args.quick else BROWSER_RUNS), indent=2))
        return
    if args.part == "streams":
        rerun_streams()
        return
    model_port = free_port()
    model_server = start_model_server(model_port, TOKEN_DELAY_S)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend, url, drop in backends(tmp):
                try:
                    print(f"[{backend}] loading ...", flush=True)
                    store = build_store(url, chats_per_user, per_chat)
                    print(f"[{backend}] {json.dumps(store)}", flush=True)
                    run = {"backend": backend, "store": store}
                    run.update(bench_search_and_list(url, store, reps, budget_s))
                    print(f"[{backend}] search/list done", flush=True)
                    run.update(bench_server(url, store, model_port, open_reps, model_server.pid))
                    print(f"[{backend}] server done", flush=True)
                    result["backends"].append(run)
                finally:
                    if drop is not None:
                        drop()
    finally:
        model_server.terminate()
        model_server.wait(timeout=10)
    if args.part == "stores":
        print(json.dumps(result, indent=2))
        return
    print("[browser] opening the long chat ...", flush=True)
    result["browser_open_long_chat"] = bench_browser(3 if args.quick else BROWSER_RUNS)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
