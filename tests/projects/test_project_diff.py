"""``GET /projects/{id}/diff``: the project folder's git diff (the chat's @diff), real git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest


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
