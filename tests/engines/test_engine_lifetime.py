"""The built-in engine never outlives its Jupyter server.

A real ``jupyter server`` child process serves the built-in model (the tiny random GGUF),
a chat request makes it start its llama.cpp engine, and then the server is killed or
stopped the ways JupyterHub stops one: SIGKILL, and SIGTERM while the engine is still
starting. What a user would notice otherwise: a llama.cpp process left running with
parent pid 1, holding the model's memory, after their server is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from fakes.support import free_port

from omnipanel_lab.engines.tiny_model import write_tiny_gguf

JUPYTER = str(Path(sys.executable).with_name("jupyter"))


class JupyterServer:
    """``jupyter server`` with OmniPanel, its own dirs, and the built-in model at ``model``."""

    def __init__(self, home: Path, model: Path) -> None:
        self.port, self.token = free_port(), secrets.token_hex(8)
        for name in ("config", "data", "runtime", "root"):
            (home / name).mkdir(parents=True, exist_ok=True)
        config = {
            "ServerApp": {"jpserver_extensions": {"omnipanel_lab": True}},
            "OmniPanelApp": {
                "db_url": f"sqlite:///{home / 'omnipanel.db'}",
                "builtin_model_path": str(model),
                "builtin_model_prompt": "chat",
                "engine_threads": 1,
            },
        }
        (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        self.log = home / "server.log"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    JUPYTER,
                    "server",
                    "--no-browser",
                    "--allow-root",
                    "--ServerApp.ip=127.0.0.1",
                    f"--ServerApp.port={self.port}",
                    f"--IdentityProvider.token={self.token}",
                    f"--ServerApp.root_dir={home / 'root'}",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not self._answers():
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url("api/status"), headers=self.headers, timeout=2).is_success
        except httpx.TransportError:
            return False

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def chat(self, timeout: float = 60) -> httpx.Response:
        """One short reply from the built-in model (which starts its engine)."""
        body = {
            "provider": "builtin",
            "messages": [{"role": "user", "content": "Hello"}],
            "max_tokens": 4,
        }
        return httpx.post(
            self.url("omnipanel/api/v1/chat/completions"),
            json=body,
            headers=self.headers,
            timeout=timeout,
        )

    def chat_ignoring_errors(self) -> None:
        with contextlib.suppress(httpx.HTTPError):
            self.chat()

    def engine(self, within: float = 30) -> psutil.Process:
        """The server's llama.cpp child process, once it has one."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for child in psutil.Process(self.process.pid).children():
                with contextlib.suppress(psutil.Error):  # e.g. a child that just ended
                    if any("llama" in part for part in child.cmdline()):
                        return child
            time.sleep(0.05)
        raise AssertionError(f"no engine process: {self.log.read_text()}")


def ended(process: psutil.Process, within: float) -> bool:
    """Whether ``process`` is gone (or a zombie nobody reaped) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if not process.is_running() or process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def leftovers() -> Iterator[list[psutil.Process]]:
    """Processes to kill after the test, whatever it found (an engine left behind)."""
    processes: list[psutil.Process] = []
    yield processes
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def test_a_killed_server_leaves_no_engine_behind(
    tmp_path: Path, leftovers: list[psutil.Process]
) -> None:
    server = JupyterServer(tmp_path, write_tiny_gguf(tmp_path / "tiny.gguf"))
    leftovers.append(psutil.Process(server.process.pid))
    assert server.chat().status_code == 200
    engine = server.engine()
    leftovers.append(engine)

    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    assert ended(engine, within=5), f"engine {engine.pid} outlived its killed server"


def test_a_server_stopped_while_its_engine_starts_leaves_no_engine_behind(
    tmp_path: Path, leftovers: list[psutil.Process]
) -> None:
    # A model file nobody ever writes: llama.cpp waits in open() forever, so the engine
    # is a real llama.cpp process that is still starting, as a big model would be.
    model = tmp_path / "loading.gguf"
    os.mkfifo(model)
    server = JupyterServer(tmp_path, model)
    leftovers.append(psutil.Process(server.process.pid))
    request = threading.Thread(target=server.chat_ignoring_errors, daemon=True)
    request.start()
    engine = server.engine()
    leftovers.append(engine)
    time.sleep(1)  # into the model's loading

    server.process.send_signal(signal.SIGTERM)  # as JupyterHub stops a server
    assert ended(engine, within=5), f"engine {engine.pid} outlived its stopped server"
    server.process.wait(timeout=15)
