"""Replies' rows written so that one row the store refuses never holds up the others.

A row can fail for a reason of its own, which no retry mends: its message is gone (the
chat or project was deleted), or it holds what its column cannot (a NUL byte, which
PostgreSQL's text refuses; a name longer than its column; a count out of range). Values
are fitted to their columns first (``fit_row``); a row still refused is written again
with its text and status only, and failing that is left out and logged. The store being
unreachable is another matter: it raises, and the caller keeps every row to try again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..common import parse_uuid
from ..store.database import Database
from ..store.models import ChatMessage, utcnow
from .reply_writer import ReplySave

log = logging.getLogger(__name__)

STATUSES = ("streaming", "complete", "failed", "stopped")
TEXT_STATS = ("provider", "model", "finish_reason", "error")
INT_STATS = ("input_tokens", "output_tokens")
FLOAT_STATS = ("ttft_ms", "duration_ms")
MESSAGE_STATS = (
    "provider",
    "model",
    "input_tokens",
    "output_tokens",
    "ttft_ms",
    "duration_ms",
    "finish_reason",
    "error",
)
# What the row itself is to blame for; any other error is the store's (kept, tried again).
ROW_FAULTS = (DataError, IntegrityError, StaleDataError)
INT_RANGE = (-(2**31), 2**31 - 1)  # an SQL INTEGER


def _column_length(name: str) -> int | None:
    column_type = ChatMessage.__table__.c[name].type
    return column_type.length if isinstance(column_type, String) else None


def _text(value: Any, length: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "\ufffd")  # PostgreSQL's text cannot hold NUL
    return value[:length] if length else value


def _int(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return value if ok and INT_RANGE[0] <= value <= INT_RANGE[1] else None


def _float(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if ok and math.isfinite(value) else None


def fit_row(save: ReplySave, now: datetime) -> dict[str, Any] | None:
    """The row for ``save`` with every value fitted to its column; None when its id is
    not a message id at all (e.g. a hand-edited spool)."""
    message_id = parse_uuid(save.message_id)
    if message_id is None:
        return None
    row: dict[str, Any] = {
        "id": message_id,
        "content": _text(save.content, None) or "",
        "status": save.status if save.status in STATUSES else "failed",
        "updated_at": now,
    }
    stats = save.stats if isinstance(save.stats, dict) else {}
    for name in MESSAGE_STATS:
        if name not in stats:
            continue
        if name in INT_STATS:
            row[name] = _int(stats[name])
        elif name in FLOAT_STATS:
            row[name] = _float(stats[name])
        else:
            row[name] = _text(stats[name], _column_length(name))
    return row


def save_rows(database: Database, saves: Iterable[ReplySave]) -> set[str]:
    """Write the rows in one transaction when they all can be; else each on its own.

    Returns the ids left out (gone, or refused even when repaired). Raises (and writes
    nothing more) when the store cannot be reached."""
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    left_out: set[str] = set()
    for save in saves:
        row = fit_row(save, now)
        if row is None:
            log.warning("OmniPanel drops a reply with the malformed id %r", save.message_id)
            left_out.add(save.message_id)
        else:
            rows[save.message_id] = row
    if not rows:
        return left_out
    try:
        with database.session() as session:
            ids = [row["id"] for row in rows.values()]
            present = set(session.scalars(select(ChatMessage.id).where(ChatMessage.id.in_(ids))))
            gone = {key for key, row in rows.items() if row["id"] not in present}
            kept = [row for key, row in rows.items() if key not in gone]
            if kept:
                session.execute(update(ChatMessage), kept)  # by primary key
    except ROW_FAULTS:
        return left_out | _save_one_by_one(database, rows)
    for key in gone:
        log.info("OmniPanel drops the reply %s: its message was deleted", key)
    return left_out | gone


def _save_one_by_one(database: Database, rows: dict[str, dict[str, Any]]) -> set[str]:
    """Each row in its own transaction, so that the others are written; a refused row is
    written again with its text and status only, then given up."""
    left_out: set[str] = set()
    for key, row in rows.items():
        essentials = {name: row[name] for name in ("id", "content", "status", "updated_at")}
        for attempt in (row, essentials):
            try:
                if not _save_one(database, attempt):
                    log.info("OmniPanel drops the reply %s: its message was deleted", key)
                    left_out.add(key)
                break
            except ROW_FAULTS as error:
                reason = getattr(error, "orig", None) or error
                if attempt is essentials:
                    log.warning(
                        "OmniPanel drops the reply %s, which the store refuses: %s", key, reason
                    )
                    left_out.add(key)
                else:
                    log.warning("OmniPanel saves only the text of reply %s: %s", key, reason)
    return left_out


def _save_one(database: Database, row: dict[str, Any]) -> bool:
    """False when the row's message is gone."""
    values = {name: value for name, value in row.items() if name != "id"}
    with database.session() as session:
        result = session.execute(
            update(ChatMessage).where(ChatMessage.id == row["id"]).values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
