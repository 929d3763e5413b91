"""The SQLite store holds every chat: it and its WAL and shared-memory files are the
owner's alone (0600), like the reply spool and the key file, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from omnipanel_lab.store.database import Database


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o002)  # group-writable, world-readable files: a common default
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_and_its_wal_are_private(tmp_path: Path, permissive_umask: None) -> None:
    path = tmp_path / "omnipanel" / "omnipanel.db"
    database = Database(f"sqlite:///{path}")
    database.open()
    assert database.engine is not None
    with database.engine.connect() as connection:  # a write leaves the -wal and -shm files
        connection.execute(text("create table probe (x integer)"))
        connection.commit()
        files = {file.name: mode(file) for file in path.parent.iterdir()}
    database.close()
    assert files == {
        "omnipanel.db": 0o600,
        "omnipanel.db-wal": 0o600,
        "omnipanel.db-shm": 0o600,
    }
    assert mode(path.parent) == 0o700


def test_a_store_others_could_read_is_narrowed(tmp_path: Path, permissive_umask: None) -> None:
    path = tmp_path / "omnipanel.db"
    Database(f"sqlite:///{path}").open()
    path.chmod(0o644)  # as versions before this one left it
    database = Database(f"sqlite:///{path}")
    database.open()
    database.close()
    assert mode(path) == 0o600
