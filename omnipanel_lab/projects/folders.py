"""Project folders in the Jupyter contents tree, through the server's contents manager.

Going through the contents manager (not the file system) keeps its rules: the root dir,
hidden files, checkpoints, and whatever storage a deployment configured.
"""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Iterable
from typing import Any

from jupyter_server.utils import ensure_async

from ..errors import ConflictError, PayloadTooLargeError

SKIPPED_NAMES = frozenset({".ipynb_checkpoints", "__pycache__", ".git", "node_modules"})


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

    async def read_files(self, root: str) -> list[tuple[str, bytes]]:
        """Every file under ``root`` as (path relative to root, bytes), within the size cap."""
        files: list[tuple[str, bytes]] = []
        total = 0
        pending = [root]
        while pending:
            directory = pending.pop()
            listing = await ensure_async(self.contents.get(directory, content=True))
            for entry in sorted(listing["content"], key=lambda item: item["path"]):
                if entry["name"] in SKIPPED_NAMES:
                    continue
                if entry["type"] == "directory":
                    pending.append(entry["path"])
                    continue
                model = await ensure_async(
                    self.contents.get(entry["path"], content=True, type="file", format="base64")
                )
                data = base64.b64decode(model["content"])
                total += len(data)
                if total > self.max_bytes:
                    raise PayloadTooLargeError(
                        f"The folder '{root}' holds more than {self.max_bytes:,} bytes; "
                        "raise c.OmniPanelApp.max_archive_bytes to export it."
                    )
                files.append((posixpath.relpath(entry["path"], root), data))
        return files

    async def read_text(self, path: str) -> str | None:
        """A text file's content, or None when it is missing, a folder, or not text."""
        if not await self.exists(path) or await ensure_async(self.contents.dir_exists(path)):
            return None
        try:
            model = await ensure_async(
                self.contents.get(path, content=True, type="file", format="text")
            )
        except Exception:  # binary content cannot be read as text: not context for a model
            return None
        return str(model["content"])

    async def read_base64(self, path: str) -> str | None:
        """A file's bytes as base64 (for images sent to a model), or None when missing."""
        if not await self.exists(path) or await ensure_async(self.contents.dir_exists(path)):
            return None
        model = await ensure_async(
            self.contents.get(path, content=True, type="file", format="base64")
        )
        return str(model["content"]).replace("\n", "")

    async def write_files(self, root: str, files: Iterable[tuple[str, bytes]]) -> None:
        await self.ensure(root)
        for relative, data in files:
            path = posixpath.join(root, relative)
            parent = posixpath.dirname(path)
            if parent:
                await self.ensure(parent)
            model = {
                "type": "file",
                "format": "base64",
                "content": base64.b64encode(data).decode("ascii"),
            }
            await ensure_async(self.contents.save(model, path))
