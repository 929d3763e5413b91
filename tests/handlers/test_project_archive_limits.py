"""The export's size cap (``c.OmniPanelApp.max_archive_bytes``, 100 kB here): decided
before a file is read or a byte sent, with the project's chats counted."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fakes.file_opens import watch_opens

CAP = 100_000


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["OmniPanelApp"]["max_archive_bytes"] = CAP
    return jp_server_config


async def project_with_file(fetch: Any, root: Path, size: int) -> tuple[dict[str, Any], Path]:
    response = await fetch("projects", method="POST", body=json.dumps({"name": "Capped"}))
    project = json.loads(response.body)
    path = root / project["folder"] / "data.bin"
    path.write_bytes(b"d" * size)
    return project, path


async def test_a_project_over_the_cap_is_a_413_before_its_files_are_read(
    as_user: Any, jp_root_dir: Path
) -> None:
    alice = as_user("alice")
    project, path = await project_with_file(alice, jp_root_dir, CAP + 1)
    opened: list[str] = []

    with watch_opens(lambda name, _thread: opened.append(name)):
        response = await alice("projects", project["id"], "export")

    assert response.code == 413
    assert response.headers["Content-Type"].startswith("application/json")
    assert "max_archive_bytes" in json.loads(response.body)["message"]
    assert str(path) not in opened


async def test_the_chats_of_a_project_count_toward_the_cap(as_user: Any, jp_root_dir: Path) -> None:
    alice = as_user("alice")
    project, _ = await project_with_file(alice, jp_root_dir, CAP // 2)
    response = await alice("projects", project["id"], "export")
    assert response.code == 200
    assert zipfile.ZipFile(io.BytesIO(response.body)).read("files/data.bin") == b"d" * (CAP // 2)

    chat = {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": "Long"},
        "messages": [{"id": "a", "parent_id": None, "role": "user", "content": "w" * (CAP // 2)}],
    }
    response = await alice(
        "chats",
        "import",
        method="POST",
        body=json.dumps(chat),
        params={"project_id": project["id"]},
    )
    assert response.code == 201, response.body

    response = await alice("projects", project["id"], "export")
    assert response.code == 413
    assert "chats" in json.loads(response.body)["message"]


async def test_an_export_that_breaks_midway_is_cut_off_not_ended_as_if_whole(
    as_user: Any, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that goes away after the sizes were settled: the zip cannot be finished, so
    the connection is closed without the body's end (a client sees a failed download,
    never a zip that looks complete)."""
    from omnipanel_lab.projects.folders import ProjectFolders

    alice = as_user("alice")
    project, path = await project_with_file(alice, jp_root_dir, 10)
    listed = ProjectFolders.list_files

    async def list_then_lose(self: ProjectFolders, root: str) -> Any:
        files = await listed(self, root)
        path.unlink()
        return files

    monkeypatch.setattr(ProjectFolders, "list_files", list_then_lose)
    with pytest.raises(Exception) as failure:
        await alice("projects", project["id"], "export", raise_error=True)
    assert "599" in str(failure.value) or "closed" in str(failure.value).lower(), failure.value
    assert (await alice("status")).code == 200


async def test_an_upload_over_the_cap_is_a_413(as_user: Any, jp_root_dir: Path) -> None:
    before = {path.name for path in jp_root_dir.iterdir()}
    response = await as_user("alice")("projects", "import", method="POST", body=b"x" * (CAP + 1))
    assert response.code == 413
    assert "max_archive_bytes" in json.loads(response.body)["message"]
    assert {path.name for path in jp_root_dir.iterdir()} == before


async def test_a_chunked_upload_is_cut_off_at_the_cap_with_a_413(as_user: Any) -> None:
    """No length declared: the body is counted as it arrives."""

    async def body(write: Any) -> None:
        for _ in range(3):
            await write(b"x" * (CAP // 2))

    response = await as_user("alice")(
        "projects",
        "import",
        method="POST",
        body_producer=body,
        headers={"Content-Type": "application/zip"},
    )
    assert response.code == 413
    assert "max_archive_bytes" in json.loads(response.body)["message"]
