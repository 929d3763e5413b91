"""The project archive: one zip with ``omnipanel-project.json``, the folder under ``files/``
and the exporting user's chats under ``chats/`` (one chat export, JSON, per file).

Unpacking treats the zip as hostile: no paths outside ``files/``, no hidden or parent
segments, and a cap on the uncompressed size (zip bombs).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidInputError, PayloadTooLargeError
from .validation import normalize_folder

FORMAT = "omnipanel-project"
FORMAT_VERSION = 1
METADATA_NAME = "omnipanel-project.json"
FILES_PREFIX = "files/"
CHATS_PREFIX = "chats/"


def pack(
    project: dict[str, Any],
    files: list[tuple[str, bytes]],
    chats: Sequence[dict[str, Any]] = (),
) -> bytes:
    buffer = io.BytesIO()
    metadata = {"format": FORMAT, "version": FORMAT_VERSION, "project": project}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(METADATA_NAME, json.dumps(metadata, indent=2, sort_keys=True))
        for relative, data in files:
            archive.writestr(FILES_PREFIX + relative, data)
        for index, chat in enumerate(chats):
            archive.writestr(f"{CHATS_PREFIX}{index:05d}.json", json.dumps(chat))
    return buffer.getvalue()


def unpack(
    data: bytes, max_bytes: int
) -> tuple[dict[str, Any], list[tuple[str, bytes]], list[Any]]:
    """The archive's project metadata, its files (relative paths, bytes) and its chats
    (parsed JSON, checked by the chats' own import)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInputError("The upload is not a zip archive of a project.") from None
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if sum(entry.file_size for entry in entries) > max_bytes:
            raise PayloadTooLargeError(
                f"The archive unpacks to more than {max_bytes:,} bytes "
                "(c.OmniPanelApp.max_archive_bytes)."
            )
        metadata = _read_metadata(archive)
        files: list[tuple[str, bytes]] = []
        chats: list[Any] = []
        for entry in entries:
            if entry.filename == METADATA_NAME:
                continue
            if entry.filename.startswith(CHATS_PREFIX):
                try:
                    chats.append(json.loads(archive.read(entry)))
                except ValueError:
                    raise InvalidInputError(f"{entry.filename} is not valid JSON.") from None
                continue
            if not entry.filename.startswith(FILES_PREFIX):
                raise InvalidInputError(f"Unexpected entry '{entry.filename}' in the archive.")
            relative = entry.filename[len(FILES_PREFIX) :]
            if not _is_canonical(relative):
                raise InvalidInputError(f"Unsafe path '{entry.filename}' in the archive.")
            files.append((relative, archive.read(entry)))
    return metadata, files, chats


def _read_metadata(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        raw = archive.read(METADATA_NAME)
    except KeyError:
        raise InvalidInputError(f"The archive has no {METADATA_NAME}.") from None
    try:
        metadata = json.loads(raw)
    except ValueError:
        raise InvalidInputError(f"{METADATA_NAME} is not valid JSON.") from None
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


def _is_canonical(relative: str) -> bool:
    """A plain relative path: nothing absolute, doubled, hidden or pointing upwards."""
    try:
        return normalize_folder(relative) == relative
    except InvalidInputError:
        return False
