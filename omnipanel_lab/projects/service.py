"""Projects: the async service that handlers call.

It checks input, keeps store rows and contents-tree folders in step, and runs the
synchronous store calls in worker threads so the server's event loop never waits on SQL.
"""

from __future__ import annotations

import asyncio
import posixpath
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import IO, Any

from ..errors import ConflictError, InvalidInputError
from ..identity import Identity
from ..store.models import Role
from . import archive
from .export import ProjectExport, prepare_export
from .folders import ProjectFolders
from .git import git_diff
from .repository import ProjectPage, ProjectRepository, ProjectView
from .validation import (
    EDITABLE_FIELDS,
    ProjectFields,
    ProjectQuery,
    parse_project_fields,
    slugify,
)

# The user's chats of the project, each as its JSON export (made by the chat service).
ChatExports = Callable[[], AsyncIterator[bytes]]

# What a project's archive carries: its editable fields but the importing user's star.
EXPORTED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "favorite")


class ProjectService:
    def __init__(
        self, repository: ProjectRepository, folders: ProjectFolders, projects_root: str
    ) -> None:
        self.repository = repository
        self.folders = folders
        self.projects_root = projects_root.strip("/")
        self._before_delete: list[Callable[[str], Awaitable[None]]] = []

    def before_delete(self, stop: Callable[[str], Awaitable[None]]) -> None:
        """Call ``stop(project_id)`` before a project's rows go (e.g. to stop its replies)."""
        self._before_delete.append(stop)

    async def create(self, identity: Identity, payload: Any) -> ProjectView:
        fields = parse_project_fields(payload, creating=True)
        return await self._create(identity, fields)

    async def get(self, identity: Identity, project_id: str) -> ProjectView:
        return await asyncio.to_thread(self.repository.get, identity, project_id)

    async def update(self, identity: Identity, project_id: str, payload: Any) -> ProjectView:
        fields = parse_project_fields(payload, creating=False)
        if fields.folder is not None:
            current = await self.get(identity, project_id)  # 404 before touching any folder
            if current.role != "viewer":  # viewers are refused by the repository below
                await self.folders.ensure(fields.folder)
        return await asyncio.to_thread(self.repository.update, identity, project_id, fields)

    async def delete(self, identity: Identity, project_id: str, *, delete_files: bool) -> None:
        project = await self.get(identity, project_id)  # 404 for a non-member
        if project.role == "owner":  # anyone else is refused below, with nothing stopped
            for stop in self._before_delete:
                await stop(project.id)
        deleted = await asyncio.to_thread(self.repository.delete, identity, project_id)
        # Files are the user's work: removed only when asked and no other project uses them.
        if delete_files and not await self._folder_in_use(identity, deleted.folder):
            await self.folders.remove(deleted.folder)

    async def list(self, identity: Identity, query: ProjectQuery) -> ProjectPage:
        return await asyncio.to_thread(self.repository.list, identity, query)

    async def tags(self, identity: Identity) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.repository.tag_counts, identity)

    async def diff(self, identity: Identity, project_id: str) -> dict[str, Any]:
        """The git diff of the project's folder (members only)."""
        project = await self.get(identity, project_id)
        root = getattr(self.folders.contents, "root_dir", None)
        if not root:
            raise ConflictError("The project's files are not on the server's disk.")
        diff, truncated = await git_diff(Path(root) / project.folder)
        return {"diff": diff, "truncated": truncated}

    async def export_archive(
        self, identity: Identity, project_id: str, chats: ChatExports
    ) -> ProjectExport:
        """The project as a zip stream: its fields, its folder's files and ``chats`` (the
        user's chats of the project, each a JSON export, from the chat service). Sizes are
        decided first: an export over the cap is a 413 before a file is read."""
        project = await self.get(identity, project_id)
        metadata = {name: getattr(project, name) for name in EXPORTED_FIELDS}
        filename = f"{slugify(project.name)}.omnipanel.zip"
        return await prepare_export(
            self.folders, project.folder, filename, metadata, chats(), self.folders.max_bytes
        )

    async def import_archive(
        self,
        identity: Identity,
        upload: IO[bytes],
        folder: str | None = None,
        check_chat: Callable[[Any], Any] = lambda chat: chat,
        add_chats: Callable[[ProjectView, list[Any]], Awaitable[Any]] | None = None,
    ) -> ProjectView:
        """Create a new project from an export (``upload``: the zip, a seekable file);
        never overwrites an existing folder.

        All or nothing: the archive is checked whole (sizes from its directory, names,
        metadata, chats through ``check_chat``) before anything is written; the files appear
        at once; if the project's row or its chats (``add_chats``) then fail, both the files
        and the rows go again. Unzipping and JSON run in worker threads."""
        max_bytes = self.folders.max_bytes
        zipped = await asyncio.to_thread(archive.open_zip, upload, max_bytes)
        index = await asyncio.to_thread(archive.read_index, zipped, max_bytes, check_chat)
        payload = {name: index.project[name] for name in EXPORTED_FIELDS if name in index.project}
        if folder is not None:
            payload["folder"] = folder
        fields = parse_project_fields(payload, creating=True)
        target = await self._free_folder(identity, fields.folder or self._default_folder(fields))
        writers = [
            (relative, partial(archive.extract, zipped, entry)) for relative, entry in index.files
        ]
        created = await self.folders.create_tree(target, writers)
        project: ProjectView | None = None
        try:
            fields.folder = target
            project = await self._create(identity, fields)
            if add_chats is not None:
                await add_chats(project, index.chats)
        except BaseException:
            if project is not None:
                await asyncio.to_thread(self.repository.delete, identity, project.id)
            await self.folders.remove_tree(target, created)
            raise
        return project

    async def members(self, identity: Identity, project_id: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.repository.members, identity, project_id)

    async def set_member(
        self, identity: Identity, project_id: str, username: str, payload: Any
    ) -> dict[str, Any]:
        role = _parse_role(payload)
        return await asyncio.to_thread(
            self.repository.set_member, identity, project_id, username, role
        )

    async def remove_member(self, identity: Identity, project_id: str, username: str) -> None:
        await asyncio.to_thread(self.repository.remove_member, identity, project_id, username)

    async def _create(self, identity: Identity, fields: ProjectFields) -> ProjectView:
        if fields.folder is None:
            folder = await self._free_folder(identity, self._default_folder(fields))
        else:
            folder = fields.folder
        await self.folders.ensure(folder)
        return await asyncio.to_thread(self.repository.create, identity, fields, folder)

    async def _folder_in_use(self, identity: Identity, folder: str) -> bool:
        return await asyncio.to_thread(self.repository.folder_in_use, identity, folder)

    async def _free_folder(self, identity: Identity, path: str) -> str:
        """``path`` if it is empty and no project uses it, else ``path-2``, ``path-3``, ..."""
        candidate, number = path, 1
        while not await self.folders.is_empty_or_missing(candidate) or await self._folder_in_use(
            identity, candidate
        ):
            number += 1
            candidate = f"{path}-{number}"
        return candidate

    def _default_folder(self, fields: ProjectFields) -> str:
        return posixpath.join(self.projects_root, slugify(fields.name))


def _parse_role(payload: Any) -> Role:
    roles = ", ".join(role.value for role in Role)
    if not isinstance(payload, dict) or set(payload) != {"role"}:
        raise InvalidInputError(f'Send {{"role": ...}} with one of: {roles}.')
    try:
        return Role(payload["role"])
    except ValueError:
        raise InvalidInputError(f"'role' must be one of: {roles}.") from None
