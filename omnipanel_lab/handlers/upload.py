"""A request body received in pieces into a temporary file, off the event loop.

Tornado would otherwise keep a whole upload in memory and join its pieces on the loop (a
50 MB archive: 100 MB and a long copy); here it is capped as it arrives.
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import IO

from ..errors import PayloadTooLargeError

FLUSH_BYTES = 1 << 20


class UploadSpool:
    def __init__(self, max_bytes: int, hint: str) -> None:
        self.max_bytes, self.hint = max_bytes, hint
        self.size = 0
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def check_declared(self, content_length: str | None) -> None:
        """A 413 before the body is read, when its declared length is over the cap."""
        if content_length and content_length.isdigit() and int(content_length) > self.max_bytes:
            raise self._too_large()

    async def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            # Counted, not kept: file() answers the 413 (raised here, it would only cut
            # the connection, with no reply).
            self._pending, self._pending_bytes = [], 0
            return
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= FLUSH_BYTES:
            await self._flush()

    async def file(self) -> IO[bytes]:
        """The whole body, from its start."""
        if self.size > self.max_bytes:
            raise self._too_large()
        await self._flush()
        await asyncio.to_thread(self._file.seek, 0)
        return self._file

    def close(self) -> None:
        self._file.close()

    async def _flush(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if pending:
            await asyncio.to_thread(self._file.writelines, pending)

    def _too_large(self) -> PayloadTooLargeError:
        return PayloadTooLargeError(
            f"The upload is larger than {self.max_bytes:,} bytes ({self.hint})."
        )
