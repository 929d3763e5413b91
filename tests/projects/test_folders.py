"""Project folders through a real contents manager: context files read only as far as
they are used, and trees created all or nothing, on disk and through a contents manager
that keeps its files elsewhere."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import IO, Any

import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager

from omnipanel_lab.projects.folders import ProjectFolders


class ContentsElsewhere:
    """A contents manager whose files are out of the server's reach (as on S3): it only
    passes calls on to a file-based one, so the folders must use the contents API."""

    def __init__(self, inner: FileContentsManager) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture(params=["disk", "elsewhere"])
def folders(request: pytest.FixtureRequest, tmp_path: Path) -> ProjectFolders:
    contents = FileContentsManager(root_dir=str(tmp_path), delete_to_trash=False)
    if request.param == "elsewhere":
        return ProjectFolders(ContentsElsewhere(contents), max_bytes=10**9)
    return ProjectFolders(contents, max_bytes=10**9)


async def test_a_large_context_file_is_read_only_as_far_as_it_is_used(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("é" * (10 << 20))  # 20 MB of two-byte characters
    folders = ProjectFolders(FileContentsManager(root_dir=str(tmp_path)), max_bytes=10**9)
    tracemalloc.start()
    try:
        text = await folders.read_text("notes.md", limit=20_001)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text == "é" * 20_001
    assert peak < 1 << 20, f"peak {peak / 2**20:.1f} MiB"


async def test_what_is_not_a_readable_text_file_is_none(
    folders: ProjectFolders, tmp_path: Path
) -> None:
    (tmp_path / "short.txt").write_text("short")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    (tmp_path / ".secret").write_text("hidden")
    (tmp_path / "folder").mkdir()
    assert await folders.read_text("short.txt", limit=3) == "sho"
    assert await folders.read_text("short.txt", limit=100) == "short"
    for path in ("image.png", ".secret", "folder", "missing.txt", "../outside.txt"):
        assert await folders.read_text(path, limit=100) is None, path


def writer(data: bytes) -> Any:
    def write(target: IO[bytes]) -> None:
        target.write(data)

    return write


def failing_writer(target: IO[bytes]) -> None:
    target.write(b"half")
    raise ValueError("the archive broke here")


async def test_a_tree_is_created_whole_and_read_back(
    folders: ProjectFolders, tmp_path: Path
) -> None:
    files = [("a.txt", b"a" * 10), ("sub/deeper/b.bin", bytes(range(256)))]
    await folders.create_tree("projects/new", [(path, writer(data)) for path, data in files])

    listed = await folders.list_files("projects/new")
    assert [(file.relative, file.size) for file in listed] == [
        ("a.txt", 10),
        ("sub/deeper/b.bin", 256),
    ]
    for file, (_, data) in zip(listed, files, strict=True):
        source = await folders.open_file(file)
        with source:
            assert source.read() == data


async def test_a_tree_that_fails_halfway_leaves_nothing(
    folders: ProjectFolders, tmp_path: Path
) -> None:
    (tmp_path / "existing").mkdir()
    before = visible(tmp_path)
    with pytest.raises(ValueError, match="broke here"):
        await folders.create_tree(
            "existing/projects/new",
            [("a.txt", writer(b"a")), ("b.txt", failing_writer), ("c.txt", writer(b"c"))],
        )
    assert visible(tmp_path) == before


def visible(root: Path) -> list[Path]:
    """Paths under ``root`` but the contents manager's own checkpoint folders."""
    return sorted(path for path in root.rglob("*") if ".ipynb_checkpoints" not in path.parts)


async def test_discard_removes_for_good(folders: ProjectFolders, tmp_path: Path) -> None:
    await folders.create_tree("gone", [("a.txt", writer(b"a"))])
    await folders.discard("gone")
    assert not (tmp_path / "gone").exists()
