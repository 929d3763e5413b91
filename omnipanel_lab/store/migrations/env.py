"""Alembic environment: runs against the connection that ``store.database`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from omnipanel_lab.store.models import Base, is_search_object

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    table = getattr(getattr(obj, "table", None), "name", None)
    return not is_search_object(name, type_, table)


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        # `alembic -x db_url=... revision --autogenerate` from a developer's shell.
        url = context.get_x_argument(as_dictionary=True)["db_url"]
        with create_engine(url).connect() as connection:
            _run(connection)
            connection.commit()
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
