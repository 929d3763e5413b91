"""Secrets (API keys) of a user, optionally overridden per project.

Values go in and are used by model adapters; the API only ever sees the name, the scope
and the last four characters.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..common import isoformat
from ..errors import InvalidInputError, NotFoundError
from ..identity import Identity
from ..projects.repository import ProjectRepository
from ..store.database import Database
from ..store.models import Secret, utcnow
from .cipher import KeyFileCipher, SecretCipher

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_VALUE = 4096


def _check_name(name: str) -> str:
    if not NAME.match(name):
        raise InvalidInputError(
            "A secret's name is 1-64 lower-case letters, digits, '.', '_' or '-' (e.g. 'openai')."
        )
    return name


@dataclass(frozen=True)
class ResolvedSecret:
    """A secret to use (never sent to a client: ``value`` is in clear)."""

    value: str
    scope: str
    last4: str


def _view(secret: Secret) -> dict[str, Any]:
    return {
        "name": secret.name,
        "scope": "project" if secret.project_id else "user",
        "project_id": str(secret.project_id) if secret.project_id else None,
        "last4": secret.last4,
        "updated_at": isoformat(secret.updated_at),
    }


class SecretService:
    def __init__(
        self,
        database: Database,
        projects: ProjectRepository,
        cipher: SecretCipher | KeyFileCipher,
    ) -> None:
        self.database = database
        self.projects = projects
        self.cipher = cipher

    def _scope(self, identity: Identity, project_id: str | None) -> uuid.UUID | None:
        if project_id is None:
            return None
        return uuid.UUID(self.projects.get(identity, project_id).id)  # 404 if not a member

    def _set(self, identity: Identity, name: str, value: Any, project_id: str | None) -> dict:
        _check_name(name)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE:
            raise InvalidInputError(f"'value' must be non-empty text of at most {MAX_VALUE}.")
        value = value.strip()
        user_id = self.projects.user_id(identity)
        project = self._scope(identity, project_id)
        with self.database.session() as session:
            secret = self._find(session, user_id, name, project)
            if secret is None:
                secret = Secret(user_id=user_id, project_id=project, name=name)
                session.add(secret)
            secret.ciphertext = self.cipher.encrypt(value)
            secret.last4 = value[-4:] if len(value) >= 12 else ""  # short values: show nothing
            secret.updated_at = utcnow()
            session.flush()
            return _view(secret)

    def _list(self, identity: Identity, project_id: str | None) -> list[dict[str, Any]]:
        user_id = self.projects.user_id(identity)
        project = self._scope(identity, project_id)
        with self.database.session() as session:
            rows = session.scalars(
                select(Secret)
                .where(Secret.user_id == user_id)
                .where((Secret.project_id == project) | Secret.project_id.is_(None))
                .order_by(Secret.name, Secret.project_id)
            ).all()
            return [_view(secret) for secret in rows]

    def _delete(self, identity: Identity, name: str, project_id: str | None) -> None:
        user_id = self.projects.user_id(identity)
        project = self._scope(identity, project_id)
        with self.database.session() as session:
            secret = self._find(session, user_id, _check_name(name), project)
            if secret is None:
                raise NotFoundError(f"No secret named '{name}' here.")
            session.delete(secret)

    @staticmethod
    def _find(
        session: Session, user_id: uuid.UUID, name: str, project: uuid.UUID | None
    ) -> Secret | None:
        scope = Secret.project_id == project if project else Secret.project_id.is_(None)
        return session.scalar(
            select(Secret).where(Secret.user_id == user_id, Secret.name == name, scope)
        )

    def _resolve(
        self, identity: Identity, names: Iterable[str], project_id: str | None
    ) -> dict[str, ResolvedSecret]:
        """The values to use, in one query: the project's own secret first, else the user's."""
        user_id = self.projects.user_id(identity)
        project = self._scope(identity, project_id)
        with self.database.session() as session:
            rows = session.scalars(
                select(Secret).where(
                    Secret.user_id == user_id,
                    Secret.name.in_(list(names)),
                    (Secret.project_id == project) | Secret.project_id.is_(None),
                )
            ).all()
        chosen: dict[str, Secret] = {}
        for secret in sorted(rows, key=lambda row: row.project_id is not None):
            chosen[secret.name] = secret  # a project's own secret comes last and wins
        return {
            name: ResolvedSecret(
                value=self.cipher.decrypt(secret.ciphertext),
                scope="project" if secret.project_id else "user",
                last4=secret.last4,
            )
            for name, secret in chosen.items()
        }

    async def set(
        self, identity: Identity, name: str, value: Any, project_id: str | None = None
    ) -> dict[str, Any]:
        return await asyncio.to_thread(self._set, identity, name, value, project_id)

    async def list(self, identity: Identity, project_id: str | None = None) -> list[dict]:
        return await asyncio.to_thread(self._list, identity, project_id)

    async def delete(self, identity: Identity, name: str, project_id: str | None = None) -> None:
        await asyncio.to_thread(self._delete, identity, name, project_id)

    async def resolve(
        self, identity: Identity, names: Iterable[str], project_id: str | None = None
    ) -> dict[str, ResolvedSecret]:
        """Decrypted values by name (only the names that have a secret)."""
        return await asyncio.to_thread(self._resolve, identity, names, project_id)
