"""Which thread opens which file, seen through Python's audit hooks (PEP 578).

An audit hook cannot be removed, so one is installed once and calls the watchers that
are active at the time: ``with watch_opens(callback): ...``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

OpenWatcher = Callable[[str, int], None]  # (path, ident of the opening thread)

_watchers: list[OpenWatcher] = []
_lock = threading.Lock()
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _watchers or isinstance(args[0], int):
        return
    path = os.fsdecode(args[0])
    for watcher in list(_watchers):
        watcher(path, threading.get_ident())


@contextmanager
def watch_opens(watcher: OpenWatcher) -> Iterator[None]:
    """Call ``watcher`` for every file opened in this process (any thread) meanwhile."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)
