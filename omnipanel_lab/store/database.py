"""Opening the store: engine, connection settings per backend, migrations, sessions."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreUnavailableError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalize_url(db_url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    url = make_url(db_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while a write is committed; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_private_sqlite_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only, as SQLite would not (0644).

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode, so they follow.
    A file that others could read (made by an older version) is narrowed, like the key file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except (FileNotFoundError, PermissionError):  # absent, or another user's file
            continue


def make_engine(db_url: str) -> Engine:
    """Create an engine for SQLite or PostgreSQL with sensible defaults for each."""
    url = make_url(normalize_url(db_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            create_private_sqlite_file(Path(url.database))
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest Alembic revision, or to ``revision`` (creates it on
    a new database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class Database:
    """The store of one server: an engine plus a session factory.

    ``open()`` does the slow part (connect, migrate) and is run off the event loop.
    """

    def __init__(self, db_url: str) -> None:
        self.url = normalize_url(db_url)
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    def open(self, revision: str = "head") -> None:
        """Connect and migrate (to ``revision``: an older one only to test migrations)."""
        engine = make_engine(self.url)
        try:
            upgrade_schema(engine, revision)
        except DBAPIError as error:  # unreachable, or refused (e.g. no right to create)
            engine.dispose()
            raise StoreUnavailableError(
                f"Cannot open the OmniPanel store ({self.backend}): {error.orig}"
            ) from error
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        log.info("OmniPanel store ready (%s)", self.backend)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        if self._sessions is None:
            raise StoreUnavailableError("The OmniPanel store is not open.")
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as error:
            session.rollback()
            raise StoreUnavailableError(
                "The OmniPanel store cannot be reached; nothing was changed."
            ) from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
