"""``GET /projects/{id}/diff``: the project folder's git diff (the chat's @diff), real git."""

from __future__ import annotations

import json
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from omnipanel_lab.projects.git import git_diff


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """git, not the store, is under test here."""
    return f"sqlite:///{tmp_path / 'omnipanel.db'}"


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


async def test_the_diff_of_a_project_folder(as_user: Any, jp_root_dir: Path) -> None:
    alice, bob = as_user("alice"), as_user("bob")
    response = await alice("projects", method="POST", body=json.dumps({"name": "Repo"}))
    project = json.loads(response.body)

    missing = await alice("projects", project["id"], "diff")
    assert missing.code == 409
    assert "not in a git repository" in json.loads(missing.body)["message"]

    folder = jp_root_dir / project["folder"]
    (folder / "analysis.py").write_text("x = 1\n")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    (folder / "analysis.py").write_text("x = 2\n")

    diff = json.loads((await alice("projects", project["id"], "diff")).body)
    assert "-x = 1" in diff["diff"] and "+x = 2" in diff["diff"]
    assert diff["truncated"] is False
    assert (await bob("projects", project["id"], "diff")).code == 404


async def test_a_huge_diff_is_read_only_as_far_as_it_is_used(tmp_path: Path) -> None:
    """git's output past the limit is never read: memory stays flat for a 20 MB diff."""
    lines = "".join(f"line {number} of a large generated file\n" for number in range(300_000))
    (tmp_path / "big.txt").write_text(lines)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "big.txt").write_text(lines.replace("line", "LINE"))
    del lines

    tracemalloc.start()
    try:
        diff, truncated = await git_diff(tmp_path, limit=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert truncated is True
    assert len(diff.encode()) == 100_000 and diff.startswith("diff --git a/big.txt")
    assert peak < 2 << 20, f"peak {peak / 2**20:.1f} MiB"
