"""Alembic migrations build exactly the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from omnipanel_lab.identity import Identity
from omnipanel_lab.projects.repository import ProjectRepository
from omnipanel_lab.projects.validation import ProjectQuery, parse_project_fields
from omnipanel_lab.store.database import Database, make_engine, upgrade_schema
from omnipanel_lab.store.models import Base, is_search_object


def _not_search_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """The full-text objects are raw SQL (checked by the search tests), not models."""
    return not is_search_object(name, type_, getattr(getattr(obj, "table", None), "name", None))


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_creates_the_models_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_schema(engine)
    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": _not_search_object}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() is not None
    engine.dispose()


def test_upgrade_is_idempotent_and_keeps_data(db_url: str) -> None:
    database = Database(db_url)
    database.open()
    repository = ProjectRepository(database)
    alice = Identity("alice")
    repository.create(alice, parse_project_fields({"name": "Kept"}, creating=True), "kept")
    database.close()

    reopened = Database(db_url)
    reopened.open()  # runs the migrations again: nothing to do, nothing lost
    names = [p.name for p in ProjectRepository(reopened).list(alice, ProjectQuery()).items]
    assert names == ["Kept"]
    tables = set(inspect(reopened.engine).get_table_names())
    assert {"users", "projects", "project_tags", "project_members", "alembic_version"} <= tables
    reopened.close()


def test_postgres_urls_use_psycopg3() -> None:
    assert Database("postgresql://u:p@h/db").url.startswith("postgresql+psycopg://")
    assert Database("sqlite:///x.db").backend == "sqlite"


def test_the_list_indexes_exist(db_url: str) -> None:
    """Autogenerate cannot compare expression indexes on SQLite, so check them by name."""
    engine = make_engine(db_url)
    upgrade_schema(engine)
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'projects'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE tablename = 'projects'"
    )
    with engine.connect() as connection:
        names = set(connection.exec_driver_sql(query).scalars())
    engine.dispose()
    assert {
        "ix_projects_updated_at_id",
        "ix_projects_created_at_id",
        "ix_projects_name_key_id",
    } <= names


def test_0005_moves_a_postgres_store_s_messages_into_the_search_table(postgres_url: str) -> None:
    """A store made before 0005 keeps its search: finished messages are carried into
    chat_message_search; a reply that was streaming is indexed once it is finished."""
    from omnipanel_lab.chats.reply_writer import ReplySave
    from omnipanel_lab.chats.repository import ChatRepository
    from omnipanel_lab.chats.search import ChatSearch
    from omnipanel_lab.chats.validation import parse_chat_fields, parse_search_query

    database = Database(postgres_url)
    database.open(revision="0004")
    projects = ProjectRepository(database)
    chats = ChatRepository(database, projects)
    alice = Identity("alice")
    project = projects.create(alice, parse_project_fields({"name": "Old"}, creating=True), "old")
    chat = chats.create(alice, parse_chat_fields({"project_id": project.id}, creating=True))
    question = chats.add_message(
        alice, chat.id, role="user", content="Who keeps the lighthouse?", parent_id=None
    )
    reply = chats.add_message(
        alice,
        chat.id,
        role="assistant",
        content="The lighthouse",
        parent_id=uuid.UUID(question.id),
        status="streaming",
    )
    database.close()

    database.open()  # 0005 and anything after it
    search = ChatSearch(database, projects)
    query = parse_search_query({"q": ["lighthouse"]})
    assert [hit.message_id for hit in search.search(alice, query)] == [question.id]
    chats.save_replies([ReplySave(reply.id, "The lighthouse keeper, of course.", "complete")])
    assert {hit.message_id for hit in search.search(alice, query)} == {question.id, reply.id}
    database.close()


def test_a_store_the_user_may_not_build_is_a_clear_error(
    postgres_url: str, pg_admin_engine: Any
) -> None:
    """A role that can connect but not create tables (PostgreSQL 15's default for a
    database it does not own) gets the server's reason, not a traceback."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from omnipanel_lab.errors import StoreUnavailableError

    role = f"omnipanel_limited_{uuid.uuid4().hex[:8]}"
    name = make_url(postgres_url).database
    with pg_admin_engine.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(text(f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"'))
    try:
        limited = make_url(postgres_url).set(username=role).render_as_string(False)
        with pytest.raises(StoreUnavailableError, match="permission denied"):
            Database(limited).open()
    finally:
        with pg_admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE "{role}"'))
