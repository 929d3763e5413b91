"""A user's own model servers: stored per user, keys encrypted, used like configured ones.

Adding or removing one takes effect on the next request (no restart): the model service
gets the asking user's connections with each request and builds their adapters on demand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any

from sqlalchemy import select

from ..adapters.errors import ModelError
from ..common import isoformat
from ..errors import ConflictError, NotFoundError
from ..identity import Identity
from ..models.connected import LIST_SECONDS, UserProvider, connection_adapter
from ..models.service import ModelService
from ..projects.repository import ProjectRepository
from ..secrets.cipher import KeyFileCipher, SecretCipher
from ..store.database import Database
from ..store.models import Connection, utcnow
from .hosts import HostNotAllowedError, HostPolicy
from .validation import ConnectionFields, parse_connection, parse_name


def _view(row: Connection) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind,
        "base_url": row.base_url,
        "key": {"set": row.ciphertext is not None, "last4": row.last4},
        "updated_at": isoformat(row.updated_at),
    }


class ConnectionService:
    def __init__(
        self,
        database: Database,
        projects: ProjectRepository,
        cipher: SecretCipher | KeyFileCipher,
        policy: HostPolicy,
        models: ModelService,
    ) -> None:
        self.database = database
        self.projects = projects
        self.cipher = cipher
        self.policy = policy
        self.models = models

    def reserved(self) -> Collection[str]:
        """Names the server's providers go by ("ollama" is the user's to replace)."""
        return [name for name in self.models.provider_ids if name != "ollama"]

    # -- the API ---------------------------------------------------------------------------

    async def list(self, identity: Identity) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._list, identity)

    async def put(self, identity: Identity, name: str, payload: Any) -> dict[str, Any]:
        """Add the connection ``name``, or replace it (its adapter is rebuilt)."""
        parse_name(name)
        fields = parse_connection(payload)
        self._check_name(name, fields)
        await self.policy.check(fields.base_url)
        view, old_id = await asyncio.to_thread(self._put, identity, name, fields)
        if old_id:
            await self.models.forget(old_id)
        return view

    async def delete(self, identity: Identity, name: str) -> None:
        connection_id = await asyncio.to_thread(self._delete, identity, parse_name(name))
        await self.models.forget(connection_id)

    async def test(self, payload: Any) -> dict[str, Any]:
        """List the models of a connection before it is saved: ``{"ok", "models"}`` or
        ``{"ok": false, "message"}`` (a host the server may not reach is a 403)."""
        fields = parse_connection(payload)
        await self.policy.check(fields.base_url)
        probe = UserProvider("test", "test", fields.kind, fields.base_url, "", fields.api_key)
        adapter = await asyncio.to_thread(connection_adapter, probe)
        try:
            models = await asyncio.wait_for(adapter.list_models(), LIST_SECONDS)
        except ModelError as error:
            return {"ok": False, "message": error.message, "models": []}
        except TimeoutError:
            message = f"{fields.base_url} did not answer in {LIST_SECONDS:.0f} s."
            return {"ok": False, "message": message, "models": []}
        finally:
            await adapter.aclose()
        return {"ok": True, "models": [model.id for model in models]}

    async def for_user(self, identity: Identity) -> dict[str, UserProvider]:
        """The user's connections as providers, keys decrypted, each still allowed by
        ``allowed_connection_hosts`` (an admin may have narrowed it since)."""
        return (await self.for_user_and_refused(identity))[0]

    async def for_user_and_refused(
        self, identity: Identity
    ) -> tuple[dict[str, UserProvider], list[dict[str, Any]]]:
        """The usable connections, and the refused ones as unavailable providers."""
        providers = await asyncio.to_thread(self._providers, identity)
        if self.policy.allows_any:
            return providers, []
        allowed, refused = {}, []
        for name, provider in providers.items():
            try:
                await self.policy.check(provider.base_url)
            except HostNotAllowedError as error:
                refused.append(
                    {
                        "id": name,
                        "available": False,
                        "error": error.message,
                        "models": [],
                        "connection": provider.describe(),
                    }
                )
            else:
                allowed[name] = provider
        return allowed, refused

    # -- store work (in worker threads) ----------------------------------------------------

    def _check_name(self, name: str, fields: ConnectionFields) -> None:
        if name in self.reserved():
            raise ConflictError(f"'{name}' is a provider of this server; choose another name.")
        if name == "ollama" and fields.kind != "ollama":
            raise ConflictError("'ollama' is the name of your Ollama server's connection.")

    def _list(self, identity: Identity) -> list[dict[str, Any]]:
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            rows = session.scalars(
                select(Connection).where(Connection.user_id == user_id).order_by(Connection.name)
            ).all()
            return [_view(row) for row in rows]

    def _put(
        self, identity: Identity, name: str, fields: ConnectionFields
    ) -> tuple[dict[str, Any], str | None]:
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            row = session.scalar(
                select(Connection).where(Connection.user_id == user_id, Connection.name == name)
            )
            old_id = str(row.id) if row is not None else None
            if row is None:
                row = Connection(user_id=user_id, name=name)
                session.add(row)
            row.kind, row.base_url = fields.kind, fields.base_url
            key = fields.api_key
            row.ciphertext = self.cipher.encrypt(key) if key else None
            row.last4 = key[-4:] if key and len(key) >= 12 else ""  # short keys: show nothing
            row.updated_at = utcnow()
            session.flush()
            return _view(row), old_id

    def _delete(self, identity: Identity, name: str) -> str:
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            row = session.scalar(
                select(Connection).where(Connection.user_id == user_id, Connection.name == name)
            )
            if row is None:
                raise NotFoundError(f"No connection named '{name}'.")
            session.delete(row)
            return str(row.id)

    def _providers(self, identity: Identity) -> dict[str, UserProvider]:
        user_id = self.projects.user_id(identity)
        with self.database.session() as session:
            rows = session.scalars(select(Connection).where(Connection.user_id == user_id)).all()
            return {
                row.name: UserProvider(
                    id=str(row.id),
                    name=row.name,
                    kind=row.kind,
                    base_url=row.base_url,
                    updated=isoformat(row.updated_at),
                    api_key=self.cipher.decrypt(row.ciphertext) if row.ciphertext else None,
                    last4=row.last4,
                )
                for row in rows
            }
