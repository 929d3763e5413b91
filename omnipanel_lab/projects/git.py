"""The git diff of a project's folder (the chat's @diff context), read with git itself.

git's output is read only as far as it is used: at most the limit (and one byte more, to
know it was cut), after which git is stopped; a huge diff never sits in memory.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from ..errors import ConflictError

MAX_DIFF_BYTES = 200_000
MAX_ERROR_BYTES = 4_096
GIT_TIMEOUT_S = 20.0


async def _git(folder: Path, *args: str, limit: int) -> tuple[int, bytes, bytes]:
    """(exit code, at most ``limit`` + 1 bytes of stdout, the start of stderr)."""
    process = await asyncio.create_subprocess_exec(
        "git",
        "-C",
        str(folder),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    errors = asyncio.ensure_future(_drain(process.stderr, MAX_ERROR_BYTES))
    try:
        out = await asyncio.wait_for(_read_up_to(process.stdout, limit + 1), GIT_TIMEOUT_S)
        if len(out) > limit:
            await _stop(process)  # the rest is not wanted: git need not write it
            return 0, out, await errors
        code = await asyncio.wait_for(process.wait(), GIT_TIMEOUT_S)
    except TimeoutError:
        await _stop(process)
        errors.cancel()
        raise ConflictError("git took too long to answer; try again.") from None
    return code, out, await errors


async def _read_up_to(stream: asyncio.StreamReader, size: int) -> bytes:
    chunks: list[bytes] = []
    kept = 0
    while kept < size and (chunk := await stream.read(min(65_536, size - kept))):
        chunks.append(chunk)
        kept += len(chunk)
    return b"".join(chunks)


async def _drain(stream: asyncio.StreamReader, keep: int) -> bytes:
    """The first ``keep`` bytes; the rest is read and dropped, so git never blocks on it."""
    kept = await _read_up_to(stream, keep)
    while await stream.read(65_536):
        pass
    return kept


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
    assert process.stdout is not None
    # Read what git wrote to its end: asyncio sees a process end only once its pipes are
    # closed, and a full, unread stdout pipe is paused (wait() would hang).
    await _drain(process.stdout, 0)
    await process.wait()


async def git_diff(folder: Path, limit: int = MAX_DIFF_BYTES) -> tuple[str, bool]:
    """(the uncommitted changes against HEAD, truncated?) of the repository at ``folder``."""
    if shutil.which("git") is None:
        raise ConflictError("git is not installed on the server.")
    if not folder.is_dir():
        raise ConflictError("The project folder does not exist on disk.")
    code, out, _ = await _git(folder, "rev-parse", "--is-inside-work-tree", limit=64)
    if code != 0 or out.strip() != b"true":
        raise ConflictError("The project folder is not in a git repository.")
    has_head = (await _git(folder, "rev-parse", "--verify", "-q", "HEAD", limit=64))[0] == 0
    base = ["HEAD"] if has_head else []
    code, out, err = await _git(
        folder, "diff", "--no-color", "--no-ext-diff", *base, "--", ".", limit=limit
    )
    if code != 0:
        raise ConflictError(f"git diff failed: {err.decode(errors='replace')[:300]}")
    truncated = len(out) > limit
    return out[:limit].decode(errors="replace"), truncated
