"""Project folders in the Jupyter contents tree, through the server's contents manager.

Going through the contents manager (not the file system) keeps its rules: the root dir,
hidden files, checkpoints, and whatever storage a deployment configured.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import io
import os
import posixpath
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.utils import ensure_async

from ..errors import ConflictError

SKIPPED_NAMES = frozenset({".ipynb_checkpoints", "__pycache__", ".git", "node_modules"})
FileWriter = Callable[[IO[bytes]], None]


@dataclass(frozen=True)
class FolderFile:
    """A file of a project folder, as listed (its bytes not read)."""

    relative: str  # path relative to the project folder
    path: str  # path in the contents tree
    size: int | None  # None: the contents manager does not say
    mtime: float | None


class ProjectFolders:
    def __init__(self, contents_manager: Any, max_bytes: int) -> None:
        self.contents = contents_manager
        self.max_bytes = max_bytes

    async def exists(self, path: str) -> bool:
        return bool(await ensure_async(self.contents.exists(path)))

    async def is_empty_or_missing(self, path: str) -> bool:
        if not await ensure_async(self.contents.dir_exists(path)):
            return not await self.exists(path)
        listing = await ensure_async(self.contents.get(path, content=True, type="directory"))
        return not listing["content"]

    async def ensure(self, path: str) -> None:
        """Create the folder and its parents; refuse if a file stands in the way."""
        current = ""
        for part in path.split("/"):
            current = posixpath.join(current, part) if current else part
            if await ensure_async(self.contents.dir_exists(current)):
                continue
            if await self.exists(current):
                raise ConflictError(f"'{current}' is a file, so it cannot be a project folder.")
            await ensure_async(self.contents.save({"type": "directory"}, current))

    async def remove(self, path: str) -> None:
        if await self.exists(path):
            await ensure_async(self.contents.delete(path))

    async def list_files(self, root: str) -> list[FolderFile]:
        """Every file under ``root`` with its size, read from the listings only (no file is
        opened): what an export will hold is known before its first byte is sent."""
        files: list[FolderFile] = []
        pending = [root]
        while pending:
            directory = pending.pop()
            for entry in await self._listing(directory):
                if entry["name"] in SKIPPED_NAMES:
                    continue
                if entry["type"] == "directory":
                    pending.append(entry["path"])
                    continue
                relative = posixpath.relpath(entry["path"], root)
                files.append(FolderFile(relative, entry["path"], entry["size"], entry["mtime"]))
        return sorted(files, key=lambda file: file.relative)

    async def _listing(self, directory: str) -> list[dict[str, Any]]:
        """A folder's entries (the contents manager's rules: hidden files, globs), with
        sizes that follow symlinks when on disk; the file system is read off the loop."""
        get = self.contents.get
        if inspect.iscoroutinefunction(get):
            listing = await get(directory, content=True, type="directory")
        else:
            listing = await asyncio.to_thread(get, directory, content=True, type="directory")
        return await asyncio.to_thread(self._with_disk_sizes, listing["content"])

    def _with_disk_sizes(self, models: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries = []
        for model in sorted(models, key=lambda item: item["path"]):
            size, mtime = model.get("size"), None
            disk = self.disk_path(model["path"]) if model["type"] != "directory" else None
            if disk is not None:
                info = disk.stat()
                size, mtime = info.st_size, info.st_mtime
            entries.append({**model, "size": size, "mtime": mtime})
        return entries

    def disk_path(self, path: str) -> Path | None:
        """Where ``path`` is on this server's disk, when the contents manager uses files."""
        if not isinstance(self.contents, FileManagerMixin):
            return None
        return Path(self.contents._get_os_path(path))

    async def open_file(self, file: FolderFile) -> IO[bytes]:
        """A file to read in chunks (on disk), or its bytes (other contents managers)."""
        disk = self.disk_path(file.path)
        if disk is not None:
            return await asyncio.to_thread(disk.open, "rb")
        model = await ensure_async(
            self.contents.get(file.path, content=True, type="file", format="base64")
        )
        return io.BytesIO(await asyncio.to_thread(base64.b64decode, model["content"]))

    async def read_text(self, path: str, limit: int) -> str | None:
        """At most ``limit`` characters of a text file (only those are read), or None
        when it is missing, hidden, a folder, or not text."""
        try:  # the contents manager's rules first: hidden, outside the root, missing
            model = await ensure_async(self.contents.get(path, content=False))
        except Exception:
            return None
        if model["type"] == "directory":
            return None
        disk = self.disk_path(path)
        if disk is None:
            try:
                model = await ensure_async(
                    self.contents.get(path, content=True, type="file", format="text")
                )
            except Exception:  # binary content cannot be read as text
                return None
            return str(model["content"])[:limit]
        return await asyncio.to_thread(_read_text_prefix, disk, limit)

    async def file_size(self, path: str) -> int | None:
        """A file's size in bytes, without reading it; None when missing or a folder."""
        if not await self.exists(path) or await ensure_async(self.contents.dir_exists(path)):
            return None
        model = await ensure_async(self.contents.get(path, content=False, type="file"))
        size = model.get("size")
        return int(size) if size is not None else None

    async def read_base64(self, path: str, limit: int) -> str | None:
        """A file's bytes as base64 (for images sent to a model), or None when missing or
        larger than ``limit`` bytes (checked before the file is read)."""
        size = await self.file_size(path)
        if size is None or size > limit:
            return None
        model = await ensure_async(
            self.contents.get(path, content=True, type="file", format="base64")
        )
        return str(model["content"]).replace("\n", "")

    async def create_tree(self, root: str, files: Sequence[tuple[str, FileWriter]]) -> str | None:
        """Create ``root`` holding ``files`` (relative path, function that writes its bytes),
        all or nothing: on disk the tree is built in a hidden staging folder and appears with
        one rename; elsewhere each file is saved through the contents manager and what was
        made is removed on failure. Returns the highest folder it created (None: ``root``
        was there, empty), which ``remove_tree`` takes to undo it."""
        top = await self._first_missing(root)
        disk = self.disk_path(root)
        if disk is not None:
            top_on_disk = self.disk_path(top) if top is not None else disk
            assert top_on_disk is not None
            await asyncio.to_thread(_create_tree_on_disk, disk, top_on_disk, files)
            return top
        try:
            await self.ensure(root)
            for relative, write in files:
                path = posixpath.join(root, relative)
                await self.ensure(posixpath.dirname(path))
                content = await asyncio.to_thread(_base64_of, write)
                model = {"type": "file", "format": "base64", "content": content}
                await ensure_async(self.contents.save(model, path))
        except BaseException:
            await self.remove_tree(root, top)
            raise
        return top

    async def remove_tree(self, root: str, top: str | None) -> None:
        """Undo ``create_tree``: remove the folders it created, or empty ``root`` again."""
        if top is not None:
            await self.discard(top)
            return
        listing = await ensure_async(self.contents.get(root, content=True, type="directory"))
        for entry in listing["content"]:
            await self.discard(entry["path"])

    async def _first_missing(self, path: str) -> str | None:
        """The highest folder of ``path`` (itself included) that does not exist yet."""
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            candidate = "/".join(parts[:depth])
            if not await self.exists(candidate):
                return candidate
        return None

    async def discard(self, path: str) -> None:
        """Remove what an unfinished import made (for good: not to the trash)."""
        disk = self.disk_path(path)
        if disk is not None:
            await asyncio.to_thread(shutil.rmtree, disk, True)
            return
        if await ensure_async(self.contents.dir_exists(path)):  # children first: some
            listing = await ensure_async(self.contents.get(path, content=True))  # managers
            for entry in listing["content"]:  # refuse to delete a folder that is not empty
                await self.discard(entry["path"])
        if await self.exists(path):
            await ensure_async(self.contents.delete(path))


def _read_text_prefix(path: Path, limit: int) -> str | None:
    try:
        with path.open(encoding="utf-8") as text:
            return text.read(limit)
    except (OSError, UnicodeDecodeError):
        return None


def _base64_of(write: FileWriter) -> str:
    buffer = io.BytesIO()
    write(buffer)
    return base64.b64encode(buffer.getbuffer()).decode("ascii")


def _create_tree_on_disk(root: Path, top: Path, files: Sequence[tuple[str, FileWriter]]) -> None:
    """Build ``top`` (``root`` or its highest missing parent) aside under a hidden name,
    then rename it into place: readers see nothing, or the whole tree."""
    if not top.parent.is_dir():
        raise ConflictError(f"'{top.parent.name}' is a file, so it cannot hold a project.")
    staging = top.parent / f".omnipanel-import-{uuid.uuid4().hex}"
    try:
        staged_root = staging / root.relative_to(top)
        staged_root.mkdir(parents=True)
        for relative, write in files:
            target = staged_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as out:
                write(out)
        try:
            os.rename(staging, top)  # replaces ``top`` only if it is an empty folder
        except OSError:
            raise ConflictError(
                f"'{root.name}' was filled while the project was imported; try again."
            ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
