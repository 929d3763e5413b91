"""Full-text search over one user's messages: SQLite FTS5 or PostgreSQL tsvector + GIN.

Both answer the same query: every word must appear (the last one may be a prefix, for
search as you type), ranked by relevance (BM25 / ts_rank_cd), limited to the user's own
chats, with a highlighted snippet. Only ``\\w+`` words reach the engine, so no query
syntax can be injected.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, text

from ..identity import Identity
from ..projects.repository import ProjectRepository, isoformat
from ..store.database import Database
from .validation import SearchQuery, search_terms

# Private-use characters mark the matches inside snippets; the API turns them into parts.
MARK_START, MARK_END = "\ue000", "\ue001"

# SQLite: ranking every match and joining it to its chat grows with the number of matches
# (a common word hits thousands): the best ``:candidates`` matches are ranked inside the
# index first, then joined and filtered; when that leaves too few hits for this user and
# filters, the search runs again over all matches (``:candidates`` = no limit).
SQLITE_SEARCH = """
WITH ranked AS (
  SELECT rowid AS seq, bm25(chat_messages_fts) AS score FROM chat_messages_fts
  WHERE chat_messages_fts MATCH :match ORDER BY score LIMIT :candidates
)
SELECT m.id, m.chat_id, c.title, c.project_id, m.role, m.created_at, m.seq, ranked.score
FROM ranked
JOIN chat_messages m ON m.seq = ranked.seq
JOIN chats c ON c.id = m.chat_id
WHERE c.user_id = :user_id {filters}
ORDER BY ranked.score LIMIT :limit
"""

# Snippets of the hits only. ``+rowid`` keeps the IN list away from FTS5: given it, FTS5
# runs the whole query again for each rowid (every prefix term's doclist merged each time,
# ~0.4-0.7 ms per hit at 1M messages); without it, one pass over the matches is filtered
# by SQLite (1.6 ms against 8.7 ms for a word with 16k matches).
SQLITE_SNIPPETS = f"""
SELECT rowid, snippet(chat_messages_fts, 0, '{MARK_START}', '{MARK_END}', '…', 16)
FROM chat_messages_fts WHERE chat_messages_fts MATCH :match AND +rowid IN :seqs
"""

# PostgreSQL: GIN cannot sort by rank, and ranking reads each match's tsvector from the
# table, one heap page per match: at 1M messages that read is what dominates (EXPLAIN
# ANALYZE BUFFERS), so the query is shaped by which matches it must read. Up to FEW_CHATS
# chats for the user and filters (``mine``), only the matches inside them are read (GIN's
# bitmap ANDed with those chats' messages in ix_chat_messages_chat_created), ranked in one
# pass; a project filter no longer reads the other projects' matches. With more chats,
# all matches of the words are read (GIN), joined to ``mine`` and ranked in one pass; with
# no filter at all the candidate pass below does the same read with less work. The
# ranking is materialized, so the plan stays the same once psycopg prepares the statement
# (a generic plan otherwise sorted every match with its content, then joined), and only
# the best ``:limit`` are read again by primary key for their snippet (ts_headline reads
# the whole message).
POSTGRES_SEARCH = f"""
WITH mine AS (
  SELECT c.id, c.title, c.project_id FROM chats c WHERE c.user_id = :user_id {{chat_filters}}
),
ranked AS MATERIALIZED (
  SELECT m.id, m.chat_id, mine.title, mine.project_id,
         ts_rank_cd(m.search_vector, to_tsquery('english', :match)) AS score
  FROM chat_messages m JOIN mine ON mine.id = m.chat_id
  WHERE m.search_vector @@ to_tsquery('english', :match) {{message_filters}} {{in_chats}}
),
hits AS (SELECT * FROM ranked ORDER BY score DESC LIMIT :limit)
SELECT hits.id, hits.chat_id, hits.title, hits.project_id, m.role, m.created_at,
       ts_headline('english', m.content, to_tsquery('english', :match),
         'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1')
         AS snippet,
       hits.score
FROM hits JOIN chat_messages m ON m.id = hits.id ORDER BY hits.score DESC
"""
# No filter and many chats: the best ``:candidates`` matches of everyone are ranked
# first, then joined to their chats; a second pass over all matches (``:candidates`` =
# NULL) when too few of them are the user's.
POSTGRES_CANDIDATES = f"""
WITH q AS (SELECT to_tsquery('english', :match) AS query),
ranked AS (
  SELECT m.id, ts_rank_cd(m.search_vector, q.query) AS score FROM chat_messages m, q
  WHERE m.search_vector @@ q.query ORDER BY score DESC LIMIT :candidates
),
hits AS (
  SELECT m.id, m.chat_id, c.title, c.project_id, m.role, m.created_at, m.content, ranked.score
  FROM ranked JOIN chat_messages m ON m.id = ranked.id JOIN chats c ON c.id = m.chat_id
  WHERE c.user_id = :user_id
  ORDER BY ranked.score DESC LIMIT :limit
)
SELECT hits.id, hits.chat_id, hits.title, hits.project_id, hits.role, hits.created_at,
       ts_headline('english', hits.content, q.query,
         'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1')
         AS snippet,
       hits.score
FROM hits, q ORDER BY hits.score DESC
"""
POSTGRES_IN_CHATS = "AND m.chat_id = ANY(ARRAY(SELECT id FROM mine))"
# The planner cannot size ``ARRAY(SELECT ...)`` (it would AND the bitmaps for any number
# of chats), so the chats are counted first: 1,000 chats of 50 messages took ~6 ms of
# index reads; the main user's 10,000 chats this way took 178 ms against 50 ms by GIN.
POSTGRES_COUNT_CHATS = """
SELECT count(*) FROM (SELECT 1 FROM chats c WHERE c.user_id = :user_id {chat_filters}
LIMIT :few_chats + 1) AS few
"""
FEW_CHATS = 2_000

CANDIDATES_PER_HIT = 20


@dataclass(frozen=True)
class SearchHit:
    message_id: str
    chat_id: str
    chat_title: str
    project_id: str
    role: str
    created_at: str
    snippet: list[dict[str, Any]]
    score: float

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """``"a \\ue000b\\ue001 c"`` → ``[{"text": "a "}, {"text": "b", "match": True}, ...]``,
    so the client renders highlights without trusting any HTML."""
    parts: list[dict[str, Any]] = []
    for index, piece in enumerate(snippet.split(MARK_START)):
        matched, _, rest = piece.partition(MARK_END) if index else ("", "", piece)
        if matched:
            parts.append({"text": matched, "match": True})
        if rest:
            parts.append({"text": rest, "match": False})
    return parts


class ChatSearch:
    def __init__(self, database: Database, projects: ProjectRepository) -> None:
        self.database = database
        self.projects = projects

    def search(self, identity: Identity, query: SearchQuery) -> list[SearchHit]:
        terms = search_terms(query.text)
        if not terms:
            return []
        sqlite = self.database.backend == "sqlite"
        if sqlite:  # "word" "word" "prefix"*
            match = " ".join(f'"{term}"' for term in terms) + "*"
        else:  # word & word & prefix:*
            match = " & ".join(terms) + ":*"
        params: dict[str, Any] = {
            "match": match,
            "user_id": self._uuid_param(self.projects.user_id(identity), sqlite),
            "limit": query.limit,
        }
        filters = []  # on the chat
        if query.project_id:
            filters.append("AND c.project_id = :project_id")
            params["project_id"] = self._uuid_param(query.project_id, sqlite)
        if query.tag:
            filters.append(
                "AND EXISTS (SELECT 1 FROM chat_tags t WHERE t.chat_id = c.id AND t.tag = :tag)"
            )
            params["tag"] = query.tag
        if query.model:
            filters.append(  # chats that used the model, set or in any reply
                "AND (c.model = :model OR EXISTS (SELECT 1 FROM chat_messages r "
                "WHERE r.chat_id = c.id AND r.model = :model))"
            )
            params["model"] = query.model
        message_filters = []
        if query.since:
            message_filters.append("AND m.created_at >= :since")
            params["since"] = query.since
        if query.until:
            message_filters.append("AND m.created_at < :until")
            params["until"] = query.until
        moments = [bindparam(name, type_=DateTime(timezone=True)) for name in ("since", "until")]
        moments = [m for m in moments if m.key in params]
        with self.database.session() as session:
            if not sqlite:
                rows = self._postgres_rows(session, params, filters, message_filters, moments)
                snippets: dict[int, str] = {}
            else:
                sql = SQLITE_SEARCH.format(filters=" ".join(filters + message_filters))
                statement = text(sql).bindparams(*moments)
                every, first = -1, query.limit * CANDIDATES_PER_HIT
                rows = session.execute(statement, {**params, "candidates": first}).all()
                if len(rows) < query.limit:  # best matches not the user's
                    rows = session.execute(statement, {**params, "candidates": every}).all()
                snippets = self._sqlite_snippets(session, match, rows)
        return [
            SearchHit(
                message_id=_uuid_text(row.id),
                chat_id=_uuid_text(row.chat_id),
                chat_title=row.title,
                project_id=_uuid_text(row.project_id),
                role=row.role,
                created_at=_moment(row.created_at),
                snippet=snippet_parts((snippets.get(row.seq) if sqlite else row.snippet) or ""),
                score=round(abs(float(row.score)), 4),
            )
            for row in rows
        ]

    @staticmethod
    def _postgres_rows(
        session: Any,
        params: dict[str, Any],
        chat_filters: list[str],
        message_filters: list[str],
        moments: list[Any],
    ) -> list[Any]:
        chats, limit = " ".join(chat_filters), params["limit"]
        count = text(POSTGRES_COUNT_CHATS.format(chat_filters=chats))
        names = {"user_id", "project_id", "tag", "model"}
        few = session.execute(
            count, {**{k: v for k, v in params.items() if k in names}, "few_chats": FEW_CHATS}
        ).scalar_one()
        if few > FEW_CHATS and not chat_filters and not message_filters:
            statement = text(POSTGRES_CANDIDATES)
            rows = session.execute(statement, {**params, "candidates": limit * CANDIDATES_PER_HIT})
            found = list(rows.all())
            if len(found) >= limit:
                return found
            return list(session.execute(statement, {**params, "candidates": None}).all())
        sql = POSTGRES_SEARCH.format(
            chat_filters=chats,
            message_filters=" ".join(message_filters),
            in_chats=POSTGRES_IN_CHATS if few <= FEW_CHATS else "",
        )
        return list(session.execute(text(sql).bindparams(*moments), params).all())

    @staticmethod
    def _sqlite_snippets(session: Any, match: str, rows: list[Any]) -> dict[int, str]:
        if not rows:
            return {}
        statement = text(SQLITE_SNIPPETS).bindparams(bindparam("seqs", expanding=True))
        found = session.execute(statement, {"match": match, "seqs": [row.seq for row in rows]})
        return {seq: snippet for seq, snippet in found}

    @staticmethod
    def _uuid_param(value: Any, sqlite: bool) -> Any:
        """SQLAlchemy's Uuid is stored as 32 hex characters on SQLite, as uuid natively."""
        try:
            parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError:
            return "" if sqlite else None
        return parsed.hex if sqlite else parsed


def _uuid_text(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _moment(value: Any) -> str:
    if isinstance(value, str):  # SQLite through a text() query hands back text
        value = datetime.fromisoformat(value)
    return isoformat(value)
