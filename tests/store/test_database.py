"""Opening a store that cannot be reached gives a typed, user-readable error."""

from __future__ import annotations

import pytest
from fakes.support import free_port

from omnipanel_lab.errors import StoreUnavailableError
from omnipanel_lab.store.database import Database


def test_unreachable_postgres_is_a_store_unavailable_error() -> None:
    database = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2")
    with pytest.raises(StoreUnavailableError) as raised:
        database.open()
    assert raised.value.status == 503
    assert "postgresql" in raised.value.message


def test_sessions_need_an_open_store(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(StoreUnavailableError), database.session():
        pass
