"""The event-loop lag monitor sees a blocked loop, and stays near zero on an idle one."""

from __future__ import annotations

import asyncio
import time

from omnipanel_lab.monitoring import LoopLagMonitor


async def test_a_blocked_loop_shows_up_as_lag() -> None:
    monitor = LoopLagMonitor(interval=0.01)
    monitor.start()
    await asyncio.sleep(0.2)
    idle = monitor.snapshot()
    time.sleep(0.15)  # blocks the event loop, as a synchronous call in a handler would
    await asyncio.sleep(0.05)
    blocked = monitor.snapshot()
    monitor.stop()
    assert idle["samples"] > 5 and idle["p50"] < 20
    assert blocked["max"] >= 100


def test_percentiles_are_nearest_rank() -> None:
    monitor = LoopLagMonitor(window=100)
    monitor._samples.extend(float(n) for n in range(1, 101))  # 1 .. 100 ms
    assert monitor.snapshot() == {"samples": 100, "p50": 50.0, "p99": 99.0, "max": 100.0}
