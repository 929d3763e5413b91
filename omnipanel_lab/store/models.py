"""SQLAlchemy models of the OmniPanel store.

The same models run on SQLite (the embedded default) and PostgreSQL (teams, JupyterHub).
Primary keys are UUIDs so that rows can later be replicated between stores without clashes.
Every change to these models needs an Alembic revision in ``store/migrations/versions``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    Uuid,
    func,
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
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(str, enum.Enum):
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
