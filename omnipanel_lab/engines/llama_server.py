"""The engine process: llama-cpp-python's OpenAI-compatible server, tied to its parent.

``LlamaCppEngine`` runs ``python -m omnipanel_lab.engines.llama_server`` with a pipe on
stdin. The first line on it is the settings as JSON (model, port, per-start token): the
token is on no command line, which every local user can read with ``ps``. The rest of the
pipe is a lifeline: when the parent closes it or dies, however it dies (SIGKILL, a culled
JupyterHub server), the kernel closes its end, this process reads end-of-file and exits,
even while it is still loading the model. Unlike the parent-death signal, this does not
depend on which of the parent's threads started the engine, and it works on macOS too.

The settings are validated with ``model_validate``, which reads no environment variables:
a ``PORT``, ``MODEL`` or ``CONFIG_FILE`` in the user's environment changes nothing here.

Its memory stays flat over a long life (docs/benchmarks.md, "Engine memory"): each
generation's sampler is freed when the next replaces it (``close_replaced_samplers``), and
what a request freed goes back to the system (``ReturnFreedMemory``).
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import sys
import threading
from typing import IO, Any


def _exit_when_parent_goes(lifeline: IO[bytes]) -> None:
    while lifeline.read(4096):
        pass
    os._exit(0)  # no clean-up to wait for: the server holds nothing worth saving


class ReturnFreedMemory:
    """ASGI middleware: after each request, give the memory malloc keeps back to the system.

    Each request is generated in one of the server's worker threads, each with its own
    glibc malloc arena, and what a request freed stayed in its arena (with Gemma's 262k
    vocabulary, tens of MB each: the process grew from 557 to 704 MiB between the 100th
    and the 500th short request). ``malloc_trim`` returns the free pages of every arena.
    Not glibc (macOS, musl): nothing to do.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        try:
            self._trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            self._trim = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if self._trim is not None and scope["type"] == "http":
                self._trim(0)


def close_replaced_samplers() -> None:
    """Free each generation's sampler when the next generation replaces it.

    ``Llama.generate`` keeps its sampler chain in ``Llama._sampler`` and simply drops it
    when the next generation makes a new one. llama-cpp-python's ``LlamaSampler`` sits in
    a reference cycle (it frees the C sampler in a closure over itself), so a dropped
    sampler is freed only when Python's cyclic garbage collector runs; and each chain holds
    a buffer of one ``llama_token_data`` per vocabulary entry (12 bytes x 262,144 = 3 MiB
    with Gemma). Measured with Gemma: 7 to 10 dead samplers alive at rest, 31 MiB freed by
    a ``gc.collect()``, and, freed at random times in other threads' malloc arenas, they
    left the memory climbing (1,000 requests vs 100: 1.16). Closing the old chain when the
    library replaces it is safe: generations on one model run one at a time (the server
    holds a lock) and the replaced chain is never used again.
    """
    from llama_cpp import Llama

    make_sampler = getattr(Llama, "_init_sampler", None)
    # Another llama-cpp-python may name things differently: then it serves as it is.
    if make_sampler is None or getattr(make_sampler, "closes_replaced", False):
        return

    @functools.wraps(make_sampler)
    def _init_sampler(self: Llama, *args: Any, **kwargs: Any) -> Any:
        replaced, self._sampler = getattr(self, "_sampler", None), None
        if replaced is not None and hasattr(replaced, "close"):
            replaced.close()
        return make_sampler(self, *args, **kwargs)

    _init_sampler.closes_replaced = True  # type: ignore[attr-defined]
    Llama._init_sampler = _init_sampler  # type: ignore[method-assign]


def serve(settings: dict[str, Any]) -> None:
    """Load the model and serve until stopped (the lifeline thread may end it any time)."""
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    close_replaced_samplers()
    server = ServerSettings.model_validate(settings["server"])
    model = ModelSettings.model_validate(settings["model"])
    app = create_app(server_settings=server, model_settings=[model])
    uvicorn.run(ReturnFreedMemory(app), host=server.host, port=server.port, log_level="warning")


def main() -> None:
    lifeline = sys.stdin.buffer
    line = lifeline.readline()
    if not line:  # the parent went away before sending anything
        sys.exit(0)
    threading.Thread(target=_exit_when_parent_goes, args=(lifeline,), daemon=True).start()
    serve(json.loads(line))


if __name__ == "__main__":
    main()
