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

from ..common import isoformat, parse_uuid
from ..identity import Identity
from ..projects.repository import ProjectRepository
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

# PostgreSQL: the search rows (user, project, chat, time, tsvector) live in the narrow table
# chat_message_search (migration 0005), under GIN (user_id, project_id, search_vector), so
# only the user's matches are read. GIN cannot sort by rank, and ranking every match of a
# common word or a short prefix (8-13k at 1M messages) cost 35-65 ms of CPU even with
# everything cached, so one-word queries rank few matches, exactly:
#
# With no weights (all positions D = 0.1) and normalization 0, ts_rank_cd scores a
# one-term query (word or prefix:*) 0.1 per position it matches. ``repeats`` holds each
# lexeme at two positions or more and the common prefix of each two neighbouring lexemes
# (in C order), so a term that matches two positions or more matches ``repeats``; every
# other match scores exactly 0.1, the least any match scores. The best ``:limit`` of the
# "strong" matches (``repeats`` @@ query; a few hundred for a common word) are therefore the
# top ``:limit`` when there are that many, ties at 0.1 by anything; else they are filled up
# with other matches (POSTGRES_FILL). Queries of several words are selective enough to
# rank all of the user's matches. Keep vectors unweighted and ts_rank_cd's default
# normalization, or this no longer holds.
#
# Title, role, time and the snippet are read for the hits only; ``LATERAL ... OFFSET 0``
# keeps that lookup a nested loop once psycopg prepares the statement (a generic plan
# otherwise hash-joined the whole chats table).
POSTGRES_DETAILS = f"""
SELECT hits.message_id AS id, hits.chat_id, d.title, d.project_id, d.role, d.created_at,
       d.snippet, hits.score
FROM hits CROSS JOIN LATERAL (
  SELECT c.title, c.project_id, m.role, m.created_at,
         ts_headline('english', m.content, to_tsquery('english', :match),
           'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1')
           AS snippet
  FROM chat_messages m JOIN chats c ON c.id = m.chat_id
  WHERE m.id = hits.message_id OFFSET 0
) d
ORDER BY hits.score DESC
"""
POSTGRES_RANKED = (
    """
WITH q AS MATERIALIZED (SELECT to_tsquery('english', :match) AS query),
hits AS MATERIALIZED (
  SELECT s.message_id, s.chat_id, ts_rank_cd(s.search_vector, q.query) AS score
  FROM chat_message_search s, q
  WHERE s.user_id = :user_id AND s.search_vector @@ q.query {filters}
  ORDER BY score DESC LIMIT :limit
)"""
    + POSTGRES_DETAILS
)
# One word: the strong matches only (none when the parser made a phrase of the word).
POSTGRES_STRONG = (
    """
WITH q AS MATERIALIZED (
  SELECT query FROM to_tsquery('english', :match) AS query WHERE numnode(query) = 1
),
hits AS MATERIALIZED (
  SELECT s.message_id, s.chat_id, ts_rank_cd(s.search_vector, q.query) AS score
  FROM chat_message_search s, q
  WHERE s.user_id = :user_id AND s.repeats @@ q.query AND s.search_vector @@ q.query
  {filters}
  ORDER BY score DESC LIMIT :limit
)"""
    + POSTGRES_DETAILS
)
# One word with fewer strong matches than asked for: all of them, then any others (0.1).
POSTGRES_FILL = (
    """
WITH q AS MATERIALIZED (
  SELECT query, numnode(query) = 1 AS single FROM to_tsquery('english', :match) AS query
),
strong AS MATERIALIZED (
  SELECT s.message_id, s.chat_id, ts_rank_cd(s.search_vector, q.query) AS score
  FROM chat_message_search s, q
  WHERE q.single AND s.user_id = :user_id AND s.repeats @@ q.query
    AND s.search_vector @@ q.query {filters}
),
fill AS MATERIALIZED (
  SELECT s.message_id, s.chat_id, ts_rank_cd(s.search_vector, q.query) AS score
  FROM chat_message_search s, q
  WHERE q.single AND s.user_id = :user_id AND s.search_vector @@ q.query
    AND NOT s.repeats @@ q.query {filters}
  LIMIT :limit
),
ranked AS MATERIALIZED (  -- a word the parser made a phrase of: rank every match
  SELECT s.message_id, s.chat_id, ts_rank_cd(s.search_vector, q.query) AS score
  FROM chat_message_search s, q
  WHERE NOT q.single AND s.user_id = :user_id AND s.search_vector @@ q.query {filters}
  ORDER BY score DESC LIMIT :limit
),
hits AS MATERIALIZED (
  SELECT * FROM (
    SELECT * FROM strong UNION ALL SELECT * FROM fill UNION ALL SELECT * FROM ranked
  ) AS every
  ORDER BY score DESC LIMIT :limit
)"""
    + POSTGRES_DETAILS
)
# Filters on the search rows; tag and model are properties of the chat.
POSTGRES_FILTERS = {
    "project_id": "AND s.project_id = :project_id",
    "since": "AND s.created_at >= :since",
    "until": "AND s.created_at < :until",
}
POSTGRES_IN_CHATS = "AND s.chat_id IN (SELECT c.id FROM chats c WHERE c.user_id = :user_id {})"

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
        # Filters by name, as SQLite writes them (chats c, messages m).
        filters: dict[str, str] = {}
        if query.project_id:
            filters["project_id"] = "AND c.project_id = :project_id"
            params["project_id"] = self._uuid_param(query.project_id, sqlite)
        if query.tag:
            filters["tag"] = (
                "AND EXISTS (SELECT 1 FROM chat_tags t WHERE t.chat_id = c.id AND t.tag = :tag)"
            )
            params["tag"] = query.tag
        if query.model:
            filters["model"] = (  # chats that used the model, set or in any reply
                "AND (c.model = :model OR EXISTS (SELECT 1 FROM chat_messages r "
                "WHERE r.chat_id = c.id AND r.model = :model))"
            )
            params["model"] = query.model
        if query.since:
            filters["since"] = "AND m.created_at >= :since"
            params["since"] = query.since
        if query.until:
            filters["until"] = "AND m.created_at < :until"
            params["until"] = query.until
        moments = [bindparam(name, type_=DateTime(timezone=True)) for name in ("since", "until")]
        moments = [m for m in moments if m.key in params]
        with self.database.session() as session:
            if not sqlite:
                one_word = len(terms) == 1
                rows = self._postgres_rows(session, params, filters, moments, one_word)
                snippets: dict[int, str] = {}
            else:
                sql = SQLITE_SEARCH.format(filters=" ".join(filters.values()))
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
        filters: dict[str, str],
        moments: list[Any],
        one_word: bool,
    ) -> list[Any]:
        """The hits, ranked as the comment on the PostgreSQL queries above explains."""
        on_rows = [POSTGRES_FILTERS[name] for name in filters if name in POSTGRES_FILTERS]
        on_chat = [sql for name, sql in filters.items() if name not in POSTGRES_FILTERS]
        if on_chat:
            on_rows.append(POSTGRES_IN_CHATS.format(" ".join(on_chat)))
        where = " ".join(on_rows)

        def run(sql: str) -> list[Any]:
            statement = text(sql.format(filters=where)).bindparams(*moments)
            return list(session.execute(statement, params).all())

        if not one_word:
            return run(POSTGRES_RANKED)
        strong = run(POSTGRES_STRONG)
        return strong if len(strong) >= params["limit"] else run(POSTGRES_FILL)

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
        parsed = parse_uuid(value)
        if parsed is None:
            return "" if sqlite else None
        return parsed.hex if sqlite else parsed


def _uuid_text(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _moment(value: Any) -> str:
    if isinstance(value, str):  # SQLite through a text() query hands back text
        value = datetime.fromisoformat(value)
    return isoformat(value)
