"""The git diff of a project's folder (the chat's @diff context), read with git itself."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from ..errors import ConflictError

MAX_DIFF_BYTES = 200_000
GIT_TIMEOUT_S = 20.0


async def _git(folder: Path, *args: str) -> tuple[int, bytes, bytes]:
    process = await asyncio.create_subprocess_exec(
        "git",
        "-C",
        str(folder),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), GIT_TIMEOUT_S)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise ConflictError("git took too long to answer; try again.") from None
    return process.returncode or 0, out, err


async def git_diff(folder: Path) -> tuple[str, bool]:
    """(the uncommitted changes against HEAD, truncated?) of the repository at ``folder``."""
    if shutil.which("git") is None:
        raise ConflictError("git is not installed on the server.")
    if not folder.is_dir():
        raise ConflictError("The project folder does not exist on disk.")
    code, out, _ = await _git(folder, "rev-parse", "--is-inside-work-tree")
    if code != 0 or out.strip() != b"true":
        raise ConflictError("The project folder is not in a git repository.")
    has_head = (await _git(folder, "rev-parse", "--verify", "-q", "HEAD"))[0] == 0
    base = ["HEAD"] if has_head else []
    code, out, err = await _git(folder, "diff", "--no-color", "--no-ext-diff", *base, "--", ".")
    if code != 0:
        raise ConflictError(f"git diff failed: {err.decode(errors='replace')[:300]}")
    truncated = len(out) > MAX_DIFF_BYTES
    return out[:MAX_DIFF_BYTES].decode(errors="replace"), truncated
