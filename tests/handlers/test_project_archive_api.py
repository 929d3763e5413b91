"""Project import through a real Jupyter server: hostile or damaged archives are 4xx with
a JSON message and leave nothing behind (no files, no rows, no chats), SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

PROJECT = {"format": "omnipanel-project", "version": 1, "project": {"name": "Imported"}}
GOOD_CHAT = {
    "format": "omnipanel-chat",
    "version": 1,
    "chat": {"title": "Kept?"},
    "messages": [{"id": "a", "parent_id": None, "role": "user", "content": "hello"}],
}
PAYLOAD = b"the first file, written before the archive's fault is reached " * 100


def make_zip(entries: list[tuple[str, bytes | str]], metadata: object = PROJECT) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as zipped:
        warnings.simplefilter("ignore")  # a duplicate name is one of the cases
        if metadata is not None:
            zipped.writestr("omnipanel-project.json", json.dumps(metadata))
        for name, data in entries:
            zipped.writestr(name, data)
    return buffer.getvalue()


def patch_central(data: bytes, name: str, offset: int, value: bytes) -> bytes:
    """Overwrite a field of ``name``'s central directory record (a lying or odd header)."""
    position = data.index(b"PK\x01\x02")
    while data[position + 46 : position + 46 + len(name)] != name.encode():
        position = data.index(b"PK\x01\x02", position + 4)
    return data[: position + offset] + value + data[position + offset + len(value) :]


def good_then(entries: list[tuple[str, bytes | str]]) -> bytes:
    return make_zip([("files/first.txt", PAYLOAD), *entries])


def bad_crc() -> bytes:
    data = good_then([("files/second.txt", b"second file, damaged in transit")])
    return data.replace(b"damaged in transit", b"damaged in trXnsit")


def encrypted() -> bytes:
    data = good_then([("files/secret.txt", b"password protected")])
    return patch_central(data, "files/secret.txt", 8, b"\x01\x00")  # flag bit 0


def lying_size() -> bytes:
    data = good_then([("files/liar.bin", b"x" * 5000)])
    return patch_central(data, "files/liar.bin", 24, (100).to_bytes(4, "little"))


def truncated() -> bytes:
    data = good_then([])
    return data[: len(data) // 2]


CASES = {
    "not a zip": (b"PK but not really a zip", 400, "not a zip archive"),
    "truncated zip": (truncated(), 400, "not a zip archive"),
    "bad CRC": (bad_crc(), 400, "damaged"),
    "encrypted entry": (encrypted(), 400, "encrypted"),
    "header smaller than the data": (lying_size(), 400, "damaged"),
    "unsafe path after a good file": (good_then([("files/../x", "x")]), 400, "Unsafe path"),
    "file and folder of one name": (
        good_then([("files/data", "a file"), ("files/data/inner.csv", "a,b")]),
        400,
        "both a file and a folder",
    ),
    "the same entry twice": (good_then([("files/first.txt", "again")]), 400, "twice"),
    "declared size over the cap": (
        patch_central(good_then([]), "files/first.txt", 24, (2**31).to_bytes(4, "little")),
        413,
        "max_archive_bytes",
    ),
    "a good chat, then a chat with bad fields": (
        good_then(
            [
                ("chats/00000.json", json.dumps(GOOD_CHAT)),
                ("chats/00001.json", json.dumps({**GOOD_CHAT, "chat": {"title": 5}})),
            ]
        ),
        400,
        "title",
    ),
    "a chat that is not JSON": (good_then([("chats/00000.json", "{not json")]), 400, "JSON"),
}


def snapshot(root: Path) -> set[str]:
    """Every path under ``root``, hidden ones too."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*")}


def row_counts(jp_serverapp: Any) -> dict[str, int]:
    database = jp_serverapp.web_app.settings["omnipanel_services"].database
    with database.engine.connect() as connection:
        return {
            table: connection.execute(text(f"select count(*) from {table}")).scalar_one()
            for table in ("projects", "project_members", "chats", "chat_messages")
        }


@pytest.mark.parametrize("case", list(CASES))
async def test_a_bad_archive_is_refused_and_leaves_nothing_behind(
    as_user: Any, jp_root_dir: Path, jp_serverapp: Any, case: str
) -> None:
    alice = as_user("alice")
    assert (await alice("projects")).code == 200  # the store is open
    files_before, rows_before = snapshot(jp_root_dir), row_counts(jp_serverapp)
    data, status, message = CASES[case]

    response = await alice("projects", "import", method="POST", body=data)

    assert response.code == status, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    assert message in json.loads(response.body)["message"]
    assert snapshot(jp_root_dir) == files_before
    assert row_counts(jp_serverapp) == rows_before


async def test_an_import_into_a_folder_filled_meanwhile_is_refused_and_leaves_nothing(
    as_user: Any, jp_root_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process fills the chosen folder between the check and the write."""
    from omnipanel_lab.projects import service as service_module

    alice = as_user("alice")
    assert (await alice("projects")).code == 200
    rows_before = row_counts(jp_serverapp)
    original = service_module.ProjectService._free_folder

    async def free_then_filled(self: Any, identity: Any, path: str) -> str:
        chosen = await original(self, identity, path)
        (jp_root_dir / chosen).mkdir(parents=True)
        (jp_root_dir / chosen / "someone-else.txt").write_text("theirs")
        return chosen

    monkeypatch.setattr(service_module.ProjectService, "_free_folder", free_then_filled)
    files_before = snapshot(jp_root_dir)
    response = await alice("projects", "import", method="POST", body=good_then([]))
    files_after = snapshot(jp_root_dir)

    assert response.code == 409, response.body
    assert "try again" in json.loads(response.body)["message"]
    created = files_after - files_before
    assert created == {"projects", "projects/imported", "projects/imported/someone-else.txt"}
    assert (jp_root_dir / "projects/imported/someone-else.txt").read_text() == "theirs"
    assert row_counts(jp_serverapp) == rows_before
