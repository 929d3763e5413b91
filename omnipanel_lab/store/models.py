"""SQLAlchemy models of the OmniPanel store.

The same models run on SQLite (the embedded default) and PostgreSQL (teams, JupyterHub).
Primary keys are UUIDs so that rows can later be replicated between stores without clashes.
Every change to these models needs an Alembic revision in ``store/migrations/versions``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(str, enum.Enum):  # noqa: UP042 - stored by SQLAlchemy; StrEnum changes str()
    """What a member may do in a project: owners manage members and delete."""

    owner = "owner"
    editor = "editor"
    viewer = "viewer"


class User(Base):
    """A Jupyter identity (``IdentityProvider`` username) that has used OmniPanel."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Project(Base):
    """A workspace: a folder of the contents tree plus metadata and model settings."""

    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    folder: Mapped[str] = mapped_column(String(1024))
    icon: Mapped[str | None] = mapped_column(String(64), nullable=True)
    color: Mapped[str | None] = mapped_column(String(7), nullable=True)
    model_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Files (relative to the folder) whose text goes into every chat's system prompt.
    context_files: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    tags: Mapped[list[ProjectTag]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectTag.tag",
        lazy="selectin",
    )
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    # The list walks one of these in order and stops after a page (see ProjectRepository.list).
    __table_args__ = (
        Index("ix_projects_updated_at_id", "updated_at", "id"),
        Index("ix_projects_created_at_id", "created_at", "id"),
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


# Sorting by name is case-insensitive; an expression index needs the mapped column.
Index("ix_projects_name_key_id", func.lower(Project.name), Project.id)


class ProjectTag(Base):
    __tablename__ = "project_tags"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)

    project: Mapped[Project] = relationship(back_populates="tags")

    __table_args__ = (Index("ix_project_tags_tag", "tag"),)


class ProjectMember(Base):
    """Membership of a user in a project; ``favorite`` is per user, like a star."""

    __tablename__ = "project_members"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="project_role", native_enum=False, length=16), default=Role.owner
    )
    favorite: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    # The list query starts from "my memberships"; this index keeps it fast at 10k+ projects.
    __table_args__ = (Index("ix_project_members_user_id", "user_id", "project_id"),)


class Secret(Base):
    """An API key or other secret of a user, optionally for one project only.

    Only Fernet ciphertext is stored (the key lives outside the database) and the last four
    characters, to tell keys apart in the UI.
    """

    __tablename__ = "secrets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    last4: Mapped[str] = mapped_column(String(4))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (Index("ix_secrets_user_id_name", "user_id", "name"),)


class Connection(Base):
    """A model server a user connected from the Models panel: an OpenAI-compatible
    endpoint or their Ollama. Its key, if any, is Fernet ciphertext like a ``Secret``."""

    __tablename__ = "connections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    base_url: Mapped[str] = mapped_column(String(2048))
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    last4: Mapped[str] = mapped_column(String(4), default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (UniqueConstraint("user_id", "name"),)


class Chat(Base):
    """A conversation of one user inside one project; its messages form a tree."""

    __tablename__ = "chats"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    provider: Mapped[str | None] = mapped_column(String(64), nullable=True)
    model: Mapped[str | None] = mapped_column(String(255), nullable=True)
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    # The last message of the branch the user looked at, so a reopened chat shows it.
    active_leaf_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    tags: Mapped[list[ChatTag]] = relationship(
        back_populates="chat", cascade="all, delete-orphan", order_by="ChatTag.tag", lazy="selectin"
    )

    # The chat list of a project: pinned first, then the most recently updated.
    __table_args__ = (
        Index("ix_chats_user_project_order", "user_id", "project_id", "pinned", "updated_at", "id"),
        Index("ix_chats_user_updated", "user_id", "updated_at"),
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class ChatTag(Base):
    __tablename__ = "chat_tags"

    chat_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)

    chat: Mapped[Chat] = relationship(back_populates="tags")

    __table_args__ = (Index("ix_chat_tags_tag", "tag"),)


class ChatMessage(Base):
    """One message; ``parent_id`` makes the tree (an edit or a regeneration is a sibling).

    Assistant messages keep how they were made: model, tokens, timing, finish or error.
    Full-text search: on SQLite an FTS5 table keyed by ``seq`` (a stable integer set by a
    trigger; migration 0003), on PostgreSQL the table ``chat_message_search`` filled by
    triggers (migration 0005); both outside these models.
    """

    __tablename__ = "chat_messages"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    chat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="CASCADE"), nullable=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    # complete (user messages, finished replies), streaming, failed or stopped.
    status: Mapped[str] = mapped_column(String(16), default="complete")
    context: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    provider: Mapped[str | None] = mapped_column(String(64), nullable=True)
    model: Mapped[str | None] = mapped_column(String(255), nullable=True)
    input_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    output_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ttft_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    finish_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        Index("ix_chat_messages_chat_created", "chat_id", "created_at"),
        Index("ix_chat_messages_parent", "parent_id"),
    )


# Made by raw SQL in migrations 0003 and 0005 (FTS5 / tsvector tables and their indexes):
# autogenerate must leave them alone.
SEARCH_TABLE_PREFIXES = ("chat_messages_fts", "chat_message_search")


def is_search_object(name: str | None, type_: str, table: str | None = None) -> bool:
    """True for the full-text objects that live outside the models."""
    if name is None:
        return False
    if type_ == "table":
        return name.startswith(SEARCH_TABLE_PREFIXES)
    return type_ == "index" and table is not None and table.startswith(SEARCH_TABLE_PREFIXES)
