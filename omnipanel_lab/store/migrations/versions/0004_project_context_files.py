"""projects: context files (pinned into every chat's system prompt)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite supports it with a constant default): batch mode would
    # copy the table and lose its expression index on lower(name).
    op.add_column(
        "projects",
        sa.Column("context_files", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("context_files")
