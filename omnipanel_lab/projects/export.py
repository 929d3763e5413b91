"""A project export as a stream: sizes decided first, then the zip made chunk by chunk.

``prepare_export`` lists the folder (sizes only) and takes the chats, refusing an export
over the cap before any byte is read or sent; ``ProjectExport.chunks`` then reads, zips
and hands over one chunk at a time, each step in a worker thread, so that the server's
event loop serves other users in between and memory holds about one chunk.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import IO, Any

from ..errors import PayloadTooLargeError
from . import archive
from .folders import FolderFile, ProjectFolders

# Chats wait in memory up to this size, then in a temporary file, until they are zipped.
CHAT_SPOOL_MEMORY = 8 << 20


@dataclass
class ProjectExport:
    filename: str
    metadata: bytes
    files: list[FolderFile]
    folders: ProjectFolders
    max_bytes: int
    chats: IO[bytes] = field(  # closed by close()
        default_factory=lambda: tempfile.SpooledTemporaryFile(CHAT_SPOOL_MEMORY)  # noqa: SIM115
    )
    chat_sizes: list[int] = field(default_factory=list)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The zip, in chunks of about ``archive.CHUNK_BYTES``."""
        stream = archive.ZipStream()
        budget = _Budget(self.max_bytes)
        yield await asyncio.to_thread(_whole_entry, stream, archive.METADATA_NAME, self.metadata)
        for file in self.files:
            source = await self.folders.open_file(file)
            try:
                name = archive.FILES_PREFIX + file.relative
                yield await asyncio.to_thread(stream.open_entry, name, file.size or 0, file.mtime)
                async for chunk in _zipped(source, stream, budget):
                    yield chunk
                yield await asyncio.to_thread(stream.close_entry)
            finally:
                await asyncio.to_thread(source.close)
        await asyncio.to_thread(self.chats.seek, 0)
        for index, size in enumerate(self.chat_sizes):
            name = archive.chat_entry_name(index)
            yield await asyncio.to_thread(stream.open_entry, name, size)
            limited = _Limited(self.chats, size)
            async for chunk in _zipped(limited, stream, budget):
                yield chunk
            yield await asyncio.to_thread(stream.close_entry)
        yield await asyncio.to_thread(stream.close)

    async def close(self) -> None:
        await asyncio.to_thread(self.chats.close)


async def prepare_export(
    folders: ProjectFolders,
    folder: str,
    filename: str,
    project: dict[str, Any],
    chats: AsyncIterable[bytes],
    max_bytes: int,
) -> ProjectExport:
    """Everything an export will hold, sized, or a 413 before a file is read."""
    files = await folders.list_files(folder)
    total = sum(file.size or 0 for file in files)
    if total > max_bytes:
        raise _too_large(folder, max_bytes)
    export = ProjectExport(filename, archive.metadata_bytes(project), files, folders, max_bytes)
    try:
        async for chat in chats:
            total += len(chat)
            if total > max_bytes:
                raise _too_large(folder, max_bytes)
            await asyncio.to_thread(export.chats.write, chat)
            export.chat_sizes.append(len(chat))
    except BaseException:
        await export.close()
        raise
    return export


class _Budget:
    """Bytes left under the cap while zipping (a file may grow after it was sized)."""

    def __init__(self, max_bytes: int) -> None:
        self.left = max_bytes

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:  # the response has begun: the connection is cut, not a 413
            raise PayloadTooLargeError("The project grew past the size cap while exporting.")


class _Limited:
    """The next ``size`` bytes of a file."""

    def __init__(self, source: IO[bytes], size: int) -> None:
        self.source, self.left = source, size

    def read(self, size: int) -> bytes:
        data = self.source.read(min(size, self.left))
        self.left -= len(data)
        return data


async def _zipped(source: Any, stream: archive.ZipStream, budget: _Budget) -> AsyncIterator[bytes]:
    """The zip's bytes for ``source``, read and compressed a chunk at a time off the loop."""
    while (chunk := await asyncio.to_thread(_pump, source, stream, budget)) is not None:
        if chunk:  # deflate may keep a chunk's output for later
            yield chunk


def _pump(source: Any, stream: archive.ZipStream, budget: _Budget) -> bytes | None:
    """Read one chunk and zip it: the zip's bytes so far, or None at the end."""
    data = source.read(archive.CHUNK_BYTES)
    if not data:
        return None
    budget.spend(len(data))
    return stream.write(data)


def _whole_entry(stream: archive.ZipStream, name: str, data: bytes) -> bytes:
    return stream.open_entry(name, len(data)) + stream.write(data) + stream.close_entry()


def _too_large(folder: str, max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The project '{folder}' and its chats hold more than {max_bytes:,} bytes; "
        f"raise {archive.CAP_HINT} to export it."
    )
