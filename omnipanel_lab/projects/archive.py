"""The project archive: one zip with ``omnipanel-project.json``, the folder under ``files/``
and the exporting user's chats under ``chats/`` (one chat export, JSON, per file).

Writing is a stream (``ZipStream``): an export never holds more than a chunk of the zip.
Reading treats the zip as hostile: ``read_index`` checks every entry (names, declared
sizes, total and count, encryption, method) before anything is decoded, and ``extract``
refuses an entry that yields more than its header declared. Every function here is
synchronous and CPU- or I/O-bound: callers run it in a worker thread.
"""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from ..errors import InvalidInputError, PayloadTooLargeError
from .validation import normalize_folder

FORMAT = "omnipanel-project"
FORMAT_VERSION = 1
METADATA_NAME = "omnipanel-project.json"
FILES_PREFIX = "files/"
CHATS_PREFIX = "chats/"
CHUNK_BYTES = 1 << 20
MAX_ENTRIES = 100_000
MAX_METADATA_BYTES = 1 << 20
CAP_HINT = "c.OmniPanelApp.max_archive_bytes"
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def metadata_bytes(project: dict[str, Any]) -> bytes:
    metadata = {"format": FORMAT, "version": FORMAT_VERSION, "project": project}
    return json.dumps(metadata, indent=2, sort_keys=True).encode()


# -- writing ---------------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """Where the zip writes: collects bytes until they are taken (no seek, so zipfile
    writes data descriptors instead of going back to patch headers)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


class ZipStream:
    """A zip written entry by entry; every call returns the archive bytes made so far."""

    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED)
        self._entry: IO[bytes] | None = None

    def open_entry(self, name: str, size: int, mtime: float | None = None) -> bytes:
        info = zipfile.ZipInfo(name, time.localtime(mtime)[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = size  # a hint: zip64 headers when the entry needs them
        self._entry = self._zip.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT)
        return self._sink.take()

    def write(self, data: bytes) -> bytes:
        assert self._entry is not None
        self._entry.write(data)
        return self._sink.take()

    def close_entry(self) -> bytes:
        assert self._entry is not None
        self._entry.close()
        self._entry = None
        return self._sink.take()

    def close(self) -> bytes:
        self._zip.close()
        return self._sink.take()


def pack(
    project: dict[str, Any], files: Sequence[tuple[str, bytes]], chats: Sequence[bytes] = ()
) -> bytes:
    """A whole archive in memory (small archives, e.g. in tests)."""
    stream = ZipStream()
    parts = []
    entries = [(METADATA_NAME, metadata_bytes(project))]
    entries += [(FILES_PREFIX + relative, data) for relative, data in files]
    entries += [(chat_entry_name(index), data) for index, data in enumerate(chats)]
    for name, data in entries:
        parts += [stream.open_entry(name, len(data)), stream.write(data), stream.close_entry()]
    parts.append(stream.close())
    return b"".join(parts)


def chat_entry_name(index: int) -> str:
    return f"{CHATS_PREFIX}{index:05d}.json"


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveIndex:
    """What an archive holds, checked: its project fields, file entries and chats."""

    project: dict[str, Any]
    files: list[tuple[str, zipfile.ZipInfo]]  # (path relative to the project folder, entry)
    chats: list[Any]


@contextmanager
def read_errors() -> Iterator[None]:
    """Damaged archives are the uploader's problem (400), never a server error."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise InvalidInputError(f"The archive is damaged or unreadable: {error}.") from None


def open_zip(upload: bytes | IO[bytes], max_bytes: int) -> zipfile.ZipFile:
    """The upload (bytes or a seekable file) as a zip: its size and entry count checked
    before zipfile reads its directory."""
    source = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    size = source.seek(0, io.SEEK_END)
    if size == 0:
        raise InvalidInputError("Send the project archive (.zip) as the request body.")
    if size > max_bytes:
        raise PayloadTooLargeError(f"The archive is larger than {max_bytes:,} bytes ({CAP_HINT}).")
    source.seek(max(0, size - _TAIL_BYTES))
    entries = _declared_entry_count(source.read(), source)
    if entries is not None and entries > MAX_ENTRIES:
        raise PayloadTooLargeError(f"The archive has more than {MAX_ENTRIES:,} entries.")
    source.seek(0)
    try:
        with read_errors():
            return zipfile.ZipFile(source)
    except InvalidInputError:
        raise InvalidInputError("The upload is not a zip archive of a project.") from None


def read_index(
    archive: zipfile.ZipFile, max_bytes: int, check_chat: Callable[[Any], Any] = lambda chat: chat
) -> ArchiveIndex:
    """Check every entry's name and declared size (total and each within ``max_bytes``),
    then read the metadata and chats (each passed through ``check_chat``)."""
    entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InvalidInputError(
                f"'{entry.filename}' is encrypted; export it without a password."
            )
        if entry.compress_type not in READABLE_METHODS:
            raise InvalidInputError(
                f"'{entry.filename}' uses a compression method this server cannot read."
            )
        if entry.file_size > max_bytes:
            raise _too_large(max_bytes)
    if sum(entry.file_size for entry in entries) > max_bytes:
        raise _too_large(max_bytes)
    files, chat_entries = _classify(entries)
    project = _read_metadata(archive)
    chats = [check_chat(_read_json(archive, entry)) for entry in chat_entries]
    return ArchiveIndex(project, files, chats)


def extract(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: IO[bytes]) -> None:
    """Copy one entry into ``target`` chunk by chunk; an entry that yields more than its
    header declared (a lying header) is refused, whatever the zip library does."""
    written = 0
    with read_errors(), archive.open(entry) as source:
        while chunk := source.read(CHUNK_BYTES):
            written += len(chunk)
            if written > entry.file_size:
                raise InvalidInputError(f"'{entry.filename}' is larger than its header says.")
            target.write(chunk)


def _classify(
    entries: list[zipfile.ZipInfo],
) -> tuple[list[tuple[str, zipfile.ZipInfo]], list[zipfile.ZipInfo]]:
    files: list[tuple[str, zipfile.ZipInfo]] = []
    chats: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.filename in seen:
            raise InvalidInputError(f"'{entry.filename}' appears twice in the archive.")
        seen.add(entry.filename)
        if entry.filename == METADATA_NAME:
            continue
        if entry.filename.startswith(CHATS_PREFIX):
            chats.append(entry)
            continue
        if not entry.filename.startswith(FILES_PREFIX):
            raise InvalidInputError(f"Unexpected entry '{entry.filename}' in the archive.")
        relative = entry.filename[len(FILES_PREFIX) :]
        if not _is_canonical(relative):
            raise InvalidInputError(f"Unsafe path '{entry.filename}' in the archive.")
        files.append((relative, entry))
    paths = {relative for relative, _ in files}
    for relative in paths:
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in paths:
                raise InvalidInputError(f"'{folder}' is both a file and a folder in the archive.")
    return files, chats


def _read_metadata(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        entry = archive.getinfo(METADATA_NAME)
    except KeyError:
        raise InvalidInputError(f"The archive has no {METADATA_NAME}.") from None
    if entry.file_size > MAX_METADATA_BYTES:
        raise InvalidInputError(f"{METADATA_NAME} is larger than {MAX_METADATA_BYTES:,} bytes.")
    metadata = _read_json(archive, entry)
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise InvalidInputError("The archive is not an OmniPanel project export.")
    if metadata.get("version") != FORMAT_VERSION:
        raise InvalidInputError(
            f"Archive version {metadata.get('version')!r} is not supported "
            f"(this OmniPanel reads version {FORMAT_VERSION})."
        )
    project = metadata.get("project")
    if not isinstance(project, dict):
        raise InvalidInputError(f"{METADATA_NAME} has no project object.")
    return project


def _read_json(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Any:
    buffer = io.BytesIO()
    extract(archive, entry, buffer)
    try:
        return json.loads(buffer.getvalue())
    except ValueError:
        raise InvalidInputError(f"{entry.filename} is not valid JSON.") from None


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The archive unpacks to more than {max_bytes:,} bytes ({CAP_HINT})."
    )


def _is_canonical(relative: str) -> bool:
    """A plain relative path: nothing absolute, doubled, hidden or pointing upwards."""
    try:
        return normalize_folder(relative) == relative
    except InvalidInputError:
        return False


# The end of central directory record lies in the last 64 KiB + 22 bytes (its comment).
_TAIL_BYTES = 65_557
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD_ENTRIES = struct.Struct("<4sQ2H2L2Q")


def _declared_entry_count(tail: bytes, source: IO[bytes]) -> int | None:
    """The entry count of the zip's end record (zip64 too) found in ``tail`` (the last
    bytes of ``source``), or None if there is none: zipfile builds an object per entry,
    so a directory of millions is refused first."""
    start = tail.rfind(b"PK\x05\x06")
    if start < 0 or start + _EOCD.size > len(tail):
        return None
    count = _EOCD.unpack_from(tail, start)[4]
    locator = start - _ZIP64_LOCATOR.size
    if count != 0xFFFF or locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return int(count)
    source.seek(_ZIP64_LOCATOR.unpack_from(tail, locator)[2])
    record = source.read(_ZIP64_EOCD_ENTRIES.size)
    if len(record) < _ZIP64_EOCD_ENTRIES.size or record[:4] != b"PK\x06\x06":
        return None
    return int(_ZIP64_EOCD_ENTRIES.unpack_from(record)[7])
