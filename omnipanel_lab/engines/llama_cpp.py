"""The local engine: llama.cpp's OpenAI-compatible server as a supervised child process.

It runs outside the Jupyter server's process (a crash or a hang cannot take Jupyter down),
on a loopback port with a per-start token. It starts on first use, is health-checked,
stops when idle and at shutdown, and starts again after a crash. It never outlives the
server: it exits when its stdin pipe closes (see ``llama_server``), and a stop while it is
still starting ends the start at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import httpx

from ..adapters.errors import ProviderUnreachableError

log = logging.getLogger(__name__)

EngineState = Literal["stopped", "starting", "ready", "crashed"]
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _engine_environment() -> dict[str, str]:
    """The server's environment, less llama-cpp-python's ``CONFIG_FILE``, which would
    replace every setting (the token too) with that file's."""
    return {name: value for name, value in os.environ.items() if name != "CONFIG_FILE"}


async def _unless(stopped: asyncio.Event, work: Awaitable[T]) -> T:
    """``work``'s result, unless ``stopped`` is set first: then it is cancelled."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stopped.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # the caller is cancelled: so is the work
        task.cancel()
        raise
    finally:
        waiter.cancel()
    if not task.done():
        task.cancel()
        await asyncio.wait({task})  # let it close what it opened
        raise ProviderUnreachableError("The local engine was stopped while it was starting.")
    return task.result()


@dataclass(frozen=True)
class EngineConfig:
    # Found on first start, off the event loop (the built-in model is assembled on demand).
    locate_model: Callable[[], Path]
    model_alias: str
    n_threads: int = max(1, os.cpu_count() or 1)
    context_length: int = 4096
    chat_format: str | None = None
    startup_timeout: float = 60.0
    idle_timeout: float = 900.0


class LlamaCppEngine:
    """One ``llama_cpp.server`` child process serving one GGUF model."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.state: EngineState = "stopped"
        self.last_error: str | None = None
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._port = 0
        self._token = ""
        self._last_used = 0.0
        self._lock = asyncio.Lock()
        self._idle_task: asyncio.Task[None] | None = None
        self.model_path: Path | None = None
        self._suspect = False
        self._log: IO[bytes] | None = None
        self._stopped = asyncio.Event()  # set by stop(): a start in progress ends

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def token(self) -> str:
        return self._token

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self._process.returncode is None else None

    def _alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def ensure_started(self) -> str:
        """Start the engine if it is not running (again after a crash); return its URL."""
        self._last_used = time.monotonic()
        async with self._lock:
            if self._alive() and self.state == "ready":
                if not self._suspect:
                    return self.base_url
                self._suspect = False
                if await self.health():
                    return self.base_url
                log.warning("Local engine does not answer; restarting it")
                await self._terminate()
            self._suspect = False
            if self.state in ("ready", "crashed"):  # it was running and died or hung
                self.state, self.restarts = "crashed", self.restarts + 1
                log.warning("Local engine exited or hung; restarting it")
            await self._start()
            return self.base_url

    def report_failure(self) -> None:
        """A request to the engine broke: check (and restart) it before the next one."""
        self._suspect = True

    async def _start(self) -> None:
        self.state = "starting"
        stopped = self._stopped
        try:
            if self.model_path is None:
                self.model_path = await _unless(
                    stopped, asyncio.to_thread(self.config.locate_model)
                )
            await self._spawn()
            await _unless(stopped, self._wait_until_healthy())
        except BaseException:  # a failure, a stop, or a caller cancelled mid-start
            await self._terminate()
            self.state = "stopped" if stopped.is_set() else "crashed"
            raise
        self.state = "ready"
        self.last_error = None
        if self._idle_task is None or self._idle_task.done():
            self._idle_task = asyncio.ensure_future(self._stop_when_idle())

    async def _spawn(self) -> None:
        assert self.model_path is not None
        # Hex: a token is safe in JSON and in a header as it is.
        self._port, self._token = _free_port(), secrets.token_hex(24)
        model: dict[str, Any] = {
            "model": str(self.model_path),
            "model_alias": self.config.model_alias,
            "n_threads": self.config.n_threads,
            "n_ctx": self.config.context_length,
            # llama-cpp-python's server keeps every position's logits by default (for
            # logprobs, which no caller here asks for): n_ctx x vocabulary floats, 4 GiB
            # with Gemma's 262k vocabulary, touched further as conversations grow.
            "logits_all": False,
            "verbose": False,
        }
        if self.config.chat_format:
            model["chat_format"] = self.config.chat_format
        settings = {
            "server": {
                "host": "127.0.0.1",
                "port": self._port,
                "api_key": self._token,
                # Queue requests: by default a new request cuts off the reply being streamed.
                "interrupt_requests": False,
            },
            "model": model,
        }
        # The engine's log goes to a file: a pipe nobody reads would fill up and stall it.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _terminate()
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "omnipanel_lab.engines.llama_server",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self._log,
            env=_engine_environment(),
        )
        assert self._process.stdin is not None
        # The settings, token included, go down the pipe that then keeps the engine alive.
        self._process.stdin.write(json.dumps(settings).encode() + b"\n")
        await self._process.stdin.drain()

    async def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.config.startup_timeout
        headers = {"Authorization": f"Bearer {self._token}"}
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not self._alive():
                    stderr = await self._stderr_tail()
                    self.last_error = f"The local engine exited while starting: {stderr}"
                    raise ProviderUnreachableError(self.last_error)
                try:
                    response = await client.get(f"{self.base_url}/models", headers=headers)
                    if response.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        self.last_error = f"The local engine did not start in {self.config.startup_timeout:.0f} s."
        raise ProviderUnreachableError(self.last_error)

    async def health(self) -> bool:
        if not self._alive():
            return False
        try:
            async with httpx.AsyncClient(timeout=2.0) as client:
                response = await client.get(
                    f"{self.base_url}/models", headers={"Authorization": f"Bearer {self._token}"}
                )
            return response.status_code == 200
        except httpx.TransportError:
            return False

    async def _stderr_tail(self) -> str:
        """The last line the engine logged (why it failed to start, usually)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = self._log.read()[-4096:].decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    async def _stop_when_idle(self) -> None:
        while self._alive():
            await asyncio.sleep(min(30.0, self.config.idle_timeout / 2))
            if time.monotonic() - self._last_used > self.config.idle_timeout:
                log.info("Stopping the idle local engine")
                await self.stop()
                return

    async def stop(self) -> None:
        """Stop the engine; a start in progress is ended at once, not awaited."""
        task = self._idle_task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self._stopped.set()  # a start holding the lock gives up (and releases it) now
        async with self._lock:
            await self._terminate()
            self.state = "stopped"
            self._stopped = asyncio.Event()  # later uses may start it again

    async def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()  # the lifeline: the engine exits when it closes
            try:
                await asyncio.wait_for(process.wait(), timeout=5)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def status(self) -> dict[str, Any]:
        """State and resources, for the model manager."""
        status: dict[str, Any] = {
            "state": self.state if self._alive() or self.state != "ready" else "crashed",
            "pid": self.pid,
            "restarts": self.restarts,
            "model_path": str(self.model_path) if self.model_path else None,
            "error": self.last_error,
        }
        if self.pid is not None:
            try:
                import psutil

                process = psutil.Process(self.pid)
                status["rss_bytes"] = process.memory_info().rss
                status["cpu_percent"] = process.cpu_percent(interval=None)
            except Exception:  # psutil missing or the process just ended
                pass
        return status
