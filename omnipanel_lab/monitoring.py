"""Event-loop lag: how late the server's loop wakes up, the delay every request feels.

A task sleeps for a fixed interval and records how much later than asked it woke; the
status endpoint reports percentiles of the last window (5 s by default).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque


class LoopLagMonitor:
    def __init__(self, interval: float = 0.05, window: int = 100) -> None:
        self.interval = interval
        self._samples: deque[float] = deque(maxlen=window)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.interval)
            self._samples.append((time.perf_counter() - asked - self.interval) * 1000)

    def snapshot(self) -> dict[str, float | int]:
        """Percentiles (ms) of the last window of samples."""
        samples = sorted(self._samples)
        if not samples:
            return {"samples": 0}

        def at(q: float) -> float:
            # Nearest rank: the smallest sample with at least q of all at or below it.
            return round(samples[max(0, math.ceil(q * len(samples)) - 1)], 2)

        return {"samples": len(samples), "p50": at(0.5), "p99": at(0.99), "max": at(1.0)}
