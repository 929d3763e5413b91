"""A big project's export and import leave the server free: the zip streams out a chunk at
a time, files are read and written in worker threads, and a cheap request made meanwhile
is answered while the transfer is still going on (real Jupyter server, real files)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fakes.file_opens import watch_opens

BIG = 50 << 20


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """Files, not the store, are under test here."""
    return f"sqlite:///{tmp_path / 'omnipanel.db'}"


async def big_project(fetch: Any, root: Path) -> tuple[dict[str, Any], str]:
    """A project with one 50 MB file (random: deflate cannot shrink it) and a small file
    that an export reads after it; returns the project and the big file's digest."""
    response = await fetch("projects", method="POST", body=json.dumps({"name": "Big"}))
    project = json.loads(response.body)
    folder = root / project["folder"]
    data = os.urandom(BIG)
    (folder / "big.bin").write_bytes(data)
    (folder / "zz-after.txt").write_text("read once big.bin is done")
    return project, hashlib.sha256(data).hexdigest()


async def download(fetch: Any, project_id: str, target: Path) -> tuple[int, int]:
    """Export into ``target`` as the bytes arrive: (status, number of pieces received)."""
    pieces = 0

    with target.open("wb") as out:

        def received(chunk: bytes) -> None:
            nonlocal pieces
            pieces += 1
            out.write(chunk)

        response = await fetch(
            "projects", project_id, "export", streaming_callback=received, request_timeout=300
        )
    return response.code, pieces


def sha256_of(archive: Path, name: str) -> str:
    digest = hashlib.sha256()
    with zipfile.ZipFile(archive) as zipped, zipped.open(name) as entry:
        while chunk := entry.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


async def test_a_status_request_is_answered_while_a_big_project_exports_and_imports(
    as_user: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    alice = as_user("alice")
    project, digest = await big_project(alice, jp_root_dir)
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    events: list[str] = []
    big_file_threads: list[int] = []
    statuses: list[asyncio.Future[Any]] = []

    async def status() -> None:
        response = await alice("status")
        assert response.code == 200
        events.append("status answered")

    def ask_status() -> None:
        if not statuses:
            statuses.append(asyncio.ensure_future(status()))

    def opened(path: str, thread: int) -> None:
        if str(jp_root_dir) not in path:
            return
        if path.endswith("big.bin"):
            big_file_threads.append(thread)
            loop.call_soon_threadsafe(ask_status)
        elif path.endswith("zz-after.txt"):
            events.append("next file opened")

    archive = tmp_path / "big.omnipanel.zip"
    with watch_opens(opened):
        code, pieces = await download(alice, project["id"], archive)
    await asyncio.gather(*statuses)

    assert code == 200
    assert sha256_of(archive, "files/big.bin") == digest
    assert pieces > 10  # it came as a stream, not as one body at the end
    # The export read big.bin off the event loop, and the status request made when it
    # opened it was answered before the export went on to the next file.
    assert events == ["status answered", "next file opened"]
    assert big_file_threads and loop_thread not in big_file_threads

    events.clear(), big_file_threads.clear(), statuses.clear()
    with watch_opens(opened):
        response = await alice(
            "projects",
            "import",
            method="POST",
            body=archive.read_bytes(),
            params={"folder": "copy"},
            headers={"Content-Type": "application/zip"},
            request_timeout=300,
        )
        events.append("import answered")
    await asyncio.gather(*statuses)

    assert response.code == 201, response.body
    copied = jp_root_dir / "copy" / "big.bin"
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == digest
    # The import wrote big.bin off the event loop; a request made meanwhile was answered
    # before the import was.
    assert big_file_threads and loop_thread not in big_file_threads
    assert events.index("status answered") < events.index("import answered")


async def test_an_export_holds_about_one_chunk_of_the_zip_in_memory(
    as_user: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    alice = as_user("alice")
    project, digest = await big_project(alice, jp_root_dir)
    await alice("status")  # the store and services are built before measuring
    tracemalloc.start()
    try:
        code, _ = await download(alice, project["id"], tmp_path / "big.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 200
    assert sha256_of(tmp_path / "big.zip", "files/big.bin") == digest
    # The server read, zipped and sent a 50 MB file holding a few MB at most.
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MiB"


async def test_an_import_holds_about_one_chunk_of_the_upload_in_memory(
    as_user: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    alice = as_user("alice")
    project, digest = await big_project(alice, jp_root_dir)
    code, _ = await download(alice, project["id"], tmp_path / "big.zip")
    assert code == 200
    data = (tmp_path / "big.zip").read_bytes()
    tracemalloc.start()
    try:
        response = await alice(
            "projects",
            "import",
            method="POST",
            body=data,
            headers={"Content-Type": "application/zip"},
            request_timeout=300,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.code == 201, response.body
    folder = jp_root_dir / json.loads(response.body)["folder"]
    assert hashlib.sha256((folder / "big.bin").read_bytes()).hexdigest() == digest
    # The server received, checked and unzipped a 50 MB upload holding a few MB at most.
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MiB"
