"""The project archive refuses hostile zips before writing anything."""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

import pytest

from omnipanel_lab.errors import InvalidInputError, PayloadTooLargeError
from omnipanel_lab.projects import archive


def make_zip(entries: dict[str, bytes | str], *, metadata: object = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        if metadata is not None:
            zipped.writestr(archive.METADATA_NAME, json.dumps(metadata))
        for name, data in entries.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


GOOD = {"format": "omnipanel-project", "version": 1, "project": {"name": "P"}}


def unpack(data: bytes, max_bytes: int) -> tuple[dict[str, Any], dict[str, bytes], list[Any]]:
    zipped = archive.open_zip(data, max_bytes)
    index = archive.read_index(zipped, max_bytes)
    files = {}
    for relative, entry in index.files:
        buffer = io.BytesIO()
        archive.extract(zipped, entry, buffer)
        files[relative] = buffer.getvalue()
    return index.project, files, index.chats


def test_pack_then_unpack_round_trips() -> None:
    files = [("a.txt", b"a"), ("sub/b.bin", bytes(range(256)) * 5000)]
    chat = json.dumps({"format": "omnipanel-chat"}).encode()
    project, unpacked, chats = unpack(
        archive.pack({"name": "P", "tags": ["x"]}, files, [chat]), 10**7
    )
    assert chats == [{"format": "omnipanel-chat"}]
    assert project == {"name": "P", "tags": ["x"]}
    assert unpacked == dict(files)


def test_a_streamed_zip_comes_in_pieces_and_reads_back_with_zip64_sizes() -> None:
    stream = archive.ZipStream()
    pieces = [stream.open_entry("files/big.bin", 3 * archive.CHUNK_BYTES)]
    for _ in range(3):
        pieces.append(stream.write(os.urandom(archive.CHUNK_BYTES)))
    pieces += [stream.close_entry(), stream.close()]
    assert all(len(piece) <= 2 * archive.CHUNK_BYTES for piece in pieces)
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as zipped:
        assert zipped.testzip() is None
        assert zipped.getinfo("files/big.bin").file_size == 3 * archive.CHUNK_BYTES


@pytest.mark.parametrize(
    "name",
    ["files/../x", "files/a/../../x", "files//etc/passwd", "files/.ssh/id_rsa", "other/x"],
)
def test_unsafe_entries_are_refused(name: str) -> None:
    with pytest.raises(InvalidInputError):
        unpack(make_zip({name: "x"}, metadata=GOOD), 10**6)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (None, "no omnipanel-project.json"),
        ({"format": "other"}, "not an OmniPanel project"),
        ({"format": "omnipanel-project", "version": 99, "project": {}}, "not supported"),
        ({"format": "omnipanel-project", "version": 1, "project": []}, "no project object"),
    ],
)
def test_bad_metadata_is_refused(metadata: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        unpack(make_zip({}, metadata=metadata), 10**6)


def test_zip_bombs_are_refused_before_unpacking() -> None:
    bomb = make_zip({"files/zeros": b"\0" * 5_000_000}, metadata=GOOD)
    assert len(bomb) < 50_000
    with pytest.raises(PayloadTooLargeError):
        unpack(bomb, max_bytes=1_000_000)


def test_a_directory_of_too_many_entries_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES", 10)
    data = make_zip({f"files/{index}": b"" for index in range(10)}, metadata=GOOD)
    with pytest.raises(PayloadTooLargeError, match="entries"):
        archive.open_zip(data, 10**6)
    assert archive.open_zip(make_zip({"files/a": b""}, metadata=GOOD), 10**6).namelist()
