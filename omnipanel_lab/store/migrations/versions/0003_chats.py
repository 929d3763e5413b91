"""chats: conversations per user and project, a tree of messages, full-text search

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# SQLite: an FTS5 index whose rowid is ``chat_messages.seq``. ``seq`` is numbered by a
# trigger (max + 1) because the table's own rowid may change on VACUUM; writes are
# serialized by SQLite, so two messages never get the same number. A reply is indexed
# once it is no longer 'streaming' (not at each batch written while it streams); the
# 'delete' of an external-content row must repeat exactly what was indexed.
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE chat_messages_fts USING fts5("
    "content, content='chat_messages', content_rowid='seq', tokenize='porter unicode61')",
    "CREATE TRIGGER chat_messages_number AFTER INSERT ON chat_messages BEGIN "
    "UPDATE chat_messages SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM chat_messages) "
    "WHERE id = new.id; END",
    "CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF seq, content, status "
    "ON chat_messages BEGIN "
    "INSERT INTO chat_messages_fts(chat_messages_fts, rowid, content) "
    "SELECT 'delete', old.seq, old.content "
    "WHERE old.seq IS NOT NULL AND old.status != 'streaming'; "
    "INSERT INTO chat_messages_fts(rowid, content) SELECT new.seq, new.content "
    "WHERE new.seq IS NOT NULL AND new.status != 'streaming'; END",
    "CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages "
    "WHEN old.seq IS NOT NULL AND old.status != 'streaming' BEGIN "
    "INSERT INTO chat_messages_fts(chat_messages_fts, rowid, content) "
    "VALUES ('delete', old.seq, old.content); END",
]

# PostgreSQL: a generated tsvector column (empty while a reply streams) and a GIN index.
POSTGRES_SEARCH = [
    "ALTER TABLE chat_messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "CASE WHEN status = 'streaming' THEN NULL ELSE to_tsvector('english', content) END"
    ") STORED",
    "CREATE INDEX ix_chat_messages_search ON chat_messages USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("active_leaf_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_chats_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chats_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
    )
    op.create_index(
        "ix_chats_user_project_order",
        "chats",
        ["user_id", "project_id", "pinned", "updated_at", "id"],
    )
    op.create_index("ix_chats_user_updated", "chats", ["user_id", "updated_at"])
    op.create_table(
        "chat_tags",
        sa.Column("chat_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_chat_tags_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", "tag", name=op.f("pk_chat_tags")),
    )
    op.create_index("ix_chat_tags_tag", "chat_tags", ["tag"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("chat_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("input_tokens", sa.Integer(), nullable=True),
        sa.Column("output_tokens", sa.Integer(), nullable=True),
        sa.Column("ttft_ms", sa.Float(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("finish_reason", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_chat_messages_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["chat_messages.id"],
            name=op.f("fk_chat_messages_parent_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
        sa.UniqueConstraint("seq", name=op.f("uq_chat_messages_seq")),
    )
    op.create_index("ix_chat_messages_chat_created", "chat_messages", ["chat_id", "created_at"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS chat_messages_fts")
    op.drop_table("chat_messages")
    op.drop_table("chat_tags")
    op.drop_table("chats")
