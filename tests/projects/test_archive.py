"""The project archive refuses hostile zips before writing anything."""

from __future__ import annotations

import io
import json
import zipfile

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


def test_pack_then_unpack_round_trips() -> None:
    files = [("a.txt", b"a"), ("sub/b.bin", bytes(range(256)))]
    project, unpacked, chats = archive.unpack(
        archive.pack({"name": "P", "tags": ["x"]}, files, [{"format": "omnipanel-chat"}]), 10**6
    )
    assert chats == [{"format": "omnipanel-chat"}]
    assert project == {"name": "P", "tags": ["x"]}
    assert sorted(unpacked) == sorted(files)


@pytest.mark.parametrize(
    "name",
    ["files/../x", "files/a/../../x", "files//etc/passwd", "files/.ssh/id_rsa", "other/x"],
)
def test_unsafe_entries_are_refused(name: str) -> None:
    with pytest.raises(InvalidInputError):
        archive.unpack(make_zip({name: "x"}, metadata=GOOD), 10**6)


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
        archive.unpack(make_zip({}, metadata=metadata), 10**6)


def test_zip_bombs_are_refused_before_unpacking() -> None:
    bomb = make_zip({"files/zeros": b"\0" * 5_000_000}, metadata=GOOD)
    assert len(bomb) < 50_000
    with pytest.raises(PayloadTooLargeError):
        archive.unpack(bomb, max_bytes=1_000_000)
