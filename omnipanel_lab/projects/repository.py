"""Project rows in the store: queries and changes, scoped to one user's memberships.

Synchronous (SQLAlchemy sessions); the async service runs these calls in worker threads.
A project that the user is not a member of is reported as not found, never as forbidden,
so ids of other users' projects reveal nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..common import isoformat, parse_id
from ..errors import ConflictError, NotFoundError, PermissionDeniedError
from ..identity import Identity
from ..store.database import Database
from ..store.models import Project, ProjectMember, ProjectTag, Role, User, utcnow
from .validation import ProjectFields, ProjectQuery


@dataclass(frozen=True)
class ProjectView:
    """A project as one member sees it (their role and their favourite flag)."""

    id: str
    name: str
    description: str
    folder: str
    tags: list[str]
    favorite: bool
    icon: str | None
    color: str | None
    model: dict[str, Any]
    context_files: list[str]
    role: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ProjectPage:
    items: list[ProjectView]
    total: int
    limit: int
    offset: int

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [item.to_json() for item in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


def _view(project: Project, member: ProjectMember) -> ProjectView:
    return ProjectView(
        id=str(project.id),
        name=project.name,
        description=project.description,
        folder=project.folder,
        tags=project.tag_names,
        favorite=member.favorite,
        icon=project.icon,
        color=project.color,
        model=dict(project.model_settings or {}),
        context_files=list(project.context_files or []),
        role=member.role.value,
        created_at=isoformat(project.created_at),
        updated_at=isoformat(project.updated_at),
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_ORDER = {
    "updated": Project.updated_at,
    "created": Project.created_at,
    "name": func.lower(Project.name),
}


class ProjectRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._user_ids: dict[str, uuid.UUID] = {}

    # -- users -----------------------------------------------------------------------------

    def user_id(self, identity: Identity) -> uuid.UUID:
        """The store id of a Jupyter user, created on first use (cached per process)."""
        cached = self._user_ids.get(identity.username)
        if cached is not None:
            return cached
        try:
            return self._add_user(identity)
        except IntegrityError:  # a concurrent first request of this user made the row
            return self._add_user(identity)

    def _add_user(self, identity: Identity) -> uuid.UUID:
        with self.database.session() as session:
            user = self._get_or_create_user(session, identity.username, identity.display_name)
            self._user_ids[identity.username] = user.id
            return user.id

    @staticmethod
    def _get_or_create_user(session: Session, username: str, display_name: str = "") -> User:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=display_name or username)
            session.add(user)
            session.flush()
        return user

    # -- projects --------------------------------------------------------------------------

    def create(self, identity: Identity, fields: ProjectFields, folder: str) -> ProjectView:
        user_id = self.user_id(identity)
        with self.database.session() as session:
            project = Project(
                name=fields.name,
                description=fields.description,
                folder=folder,
                icon=fields.icon,
                color=fields.color,
                model_settings=fields.model,
                context_files=fields.context_files,
                created_by_id=user_id,
                tags=[ProjectTag(tag=tag) for tag in fields.tags],
            )
            member = ProjectMember(
                project=project, user_id=user_id, role=Role.owner, favorite=fields.favorite
            )
            session.add_all([project, member])
            session.flush()
            return _view(project, member)

    def get(self, identity: Identity, project_id: str) -> ProjectView:
        with self.database.session() as session:
            project, member = self._membership(session, identity, project_id)
            return _view(project, member)

    def update(self, identity: Identity, project_id: str, fields: ProjectFields) -> ProjectView:
        with self.database.session() as session:
            project, member = self._membership(session, identity, project_id)
            shared = fields.present - {"favorite"}
            if shared and member.role == Role.viewer:
                raise PermissionDeniedError("Viewers can only star a project, not change it.")
            if "favorite" in fields.present:
                member.favorite = fields.favorite
            for name in ("name", "description", "folder", "icon", "color"):
                if name in shared:
                    setattr(project, name, getattr(fields, name))
            if "model" in shared:
                project.model_settings = fields.model
            if "context_files" in shared:
                project.context_files = fields.context_files
            if "tags" in shared:
                project.tags = [ProjectTag(tag=tag) for tag in fields.tags]
            if shared:
                project.updated_at = utcnow()
            session.flush()
            return _view(project, member)

    def delete(self, identity: Identity, project_id: str) -> ProjectView:
        """Delete a project's metadata (owners only); returns what was deleted."""
        with self.database.session() as session:
            project, member = self._membership(session, identity, project_id)
            if member.role != Role.owner:
                raise PermissionDeniedError("Only an owner can delete a project.")
            view = _view(project, member)
            session.delete(project)
            return view

    def list(self, identity: Identity, query: ProjectQuery) -> ProjectPage:
        """One page of the user's projects.

        The page query walks the projects in index order ("updated", "created" or name)
        and checks membership per row, so a page costs about ``offset + limit`` index steps
        instead of sorting every project of the user. The rows are then loaded by id.
        """
        user_id = self.user_id(identity)
        membership = [ProjectMember.user_id == user_id]
        if query.favorite is not None:
            membership.append(ProjectMember.favorite.is_(query.favorite))
        project_filters: list[ColumnElement[bool]] = [
            exists().where(ProjectTag.project_id == Project.id, ProjectTag.tag == tag)
            for tag in query.tags
        ]
        if query.text:
            pattern = _like(query.text)
            project_filters.append(
                or_(
                    func.lower(Project.name).like(pattern, escape="\\"),
                    func.lower(Project.description).like(pattern, escape="\\"),
                )
            )
        is_member = exists().where(ProjectMember.project_id == Project.id, *membership)
        column = _ORDER[query.sort.lstrip("-")]
        descending = query.sort.startswith("-")
        # The tie-breaker runs in the same direction, so one index serves both orders.
        order = (column.desc(), Project.id.desc()) if descending else (column, Project.id)
        page_ids = (
            select(Project.id)
            .where(is_member, *project_filters)
            .order_by(*order)
            .limit(query.limit)
            .offset(query.offset)
        )
        if project_filters:
            count = select(func.count()).select_from(Project).where(is_member, *project_filters)
        else:  # memberships alone answer it, from their index
            count = select(func.count()).select_from(ProjectMember).where(*membership)
        with self.database.session() as session:
            total = session.scalar(count) or 0
            ids = list(session.scalars(page_ids))
            rows = session.execute(
                select(Project, ProjectMember)
                .join(ProjectMember, ProjectMember.project_id == Project.id)
                .where(Project.id.in_(ids), ProjectMember.user_id == user_id)
            ).all()
            by_id = {project.id: _view(project, member) for project, member in rows}
        items = [by_id[project_id] for project_id in ids if project_id in by_id]
        return ProjectPage(items=items, total=total, limit=query.limit, offset=query.offset)

    def tag_counts(self, identity: Identity) -> list[dict[str, Any]]:
        """Every tag on the user's projects with how many projects carry it."""
        user_id = self.user_id(identity)
        with self.database.session() as session:
            rows = session.execute(
                select(ProjectTag.tag, func.count())
                .join(ProjectMember, ProjectMember.project_id == ProjectTag.project_id)
                .where(ProjectMember.user_id == user_id)
                .group_by(ProjectTag.tag)
                .order_by(ProjectTag.tag)
            ).all()
        return [{"name": tag, "count": count} for tag, count in rows]

    def folder_in_use(self, identity: Identity, folder: str) -> bool:
        """Whether one of the user's projects uses this folder (folders are per user tree)."""
        user_id = self.user_id(identity)
        with self.database.session() as session:
            used = exists().where(
                Project.folder == folder,
                ProjectMember.project_id == Project.id,
                ProjectMember.user_id == user_id,
            )
            return bool(session.scalar(select(used)))

    # -- members ---------------------------------------------------------------------------

    def members(self, identity: Identity, project_id: str) -> list[dict[str, Any]]:
        with self.database.session() as session:
            project, _ = self._membership(session, identity, project_id)
            rows = session.execute(
                select(ProjectMember, User)
                .join(User, User.id == ProjectMember.user_id)
                .where(ProjectMember.project_id == project.id)
                .order_by(User.username)
            ).all()
            return [
                {
                    "username": user.username,
                    "display_name": user.display_name,
                    "role": member.role.value,
                    "added_at": isoformat(member.added_at),
                }
                for member, user in rows
            ]

    def set_member(
        self, identity: Identity, project_id: str, username: str, role: Role
    ) -> dict[str, Any]:
        with self.database.session() as session:
            project, me = self._membership(session, identity, project_id)
            self._require_owner(me)
            user = self._get_or_create_user(session, username)
            member = session.get(ProjectMember, (project.id, user.id))
            if member is None:
                member = ProjectMember(project_id=project.id, user_id=user.id, role=role)
                session.add(member)
            else:
                if member.role == Role.owner and role != Role.owner:
                    self._keep_an_owner(session, project.id)
                member.role = role
            session.flush()
            return {
                "username": user.username,
                "display_name": user.display_name,
                "role": member.role.value,
                "added_at": isoformat(member.added_at),
            }

    def remove_member(self, identity: Identity, project_id: str, username: str) -> None:
        with self.database.session() as session:
            project, me = self._membership(session, identity, project_id)
            user = session.scalar(select(User).where(User.username == username))
            member = session.get(ProjectMember, (project.id, user.id)) if user else None
            if member is None:
                raise NotFoundError(f"'{username}' is not a member of this project.")
            if member is not me:
                self._require_owner(me)
            if member.role == Role.owner:
                self._keep_an_owner(session, project.id)
            session.delete(member)

    # -- helpers ---------------------------------------------------------------------------

    def _membership(
        self, session: Session, identity: Identity, project_id: str
    ) -> tuple[Project, ProjectMember]:
        user_id = self.user_id(identity)
        row = session.execute(
            select(Project, ProjectMember)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(
                Project.id == parse_id(project_id, f"No project with id '{project_id}'."),
                ProjectMember.user_id == user_id,
            )
        ).first()
        if row is None:
            raise NotFoundError(f"No project with id '{project_id}'.")
        return row[0], row[1]

    @staticmethod
    def _require_owner(member: ProjectMember) -> None:
        if member.role != Role.owner:
            raise PermissionDeniedError("Only an owner can manage the members of a project.")

    @staticmethod
    def _keep_an_owner(session: Session, project_id: uuid.UUID) -> None:
        owners = session.scalar(
            select(func.count())
            .select_from(ProjectMember)
            .where(ProjectMember.project_id == project_id, ProjectMember.role == Role.owner)
        )
        if (owners or 0) <= 1:
            raise ConflictError("A project must keep at least one owner.")
