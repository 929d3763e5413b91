"""A quiet JupyterLab and a headless Chromium, as the browser tests and bench/chat.py run
them: no news or update prompts over the panels, ``window.jupyterapp`` exposed so that
commands run as the palette would run them, Debian's Chromium without background work;
``running_lab`` starts one as a child process and gives its URL, token and root folder."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.support import free_port

CHROMIUM = os.environ.get("OMNIPANEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def quiet_lab_settings(settings_dir: Path, welcome: bool = False) -> None:
    """No "get Jupyter news?" prompt over the panels (nor in screenshots), and no
    OmniPanel welcome on the first start unless ``welcome`` (tests/ui/test_first_run.py)."""
    folder = settings_dir / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    if not welcome:
        ours = settings_dir / "omnipanel-lab"
        ours.mkdir(parents=True, exist_ok=True)
        (ours / "welcome.jupyterlab-settings").write_text(json.dumps({"openOnFirstStart": False}))


def lab_command(port: int, token: str, root_dir: Path, *options: str) -> list[str]:
    """``jupyter lab`` on loopback with its token, plus ``options``."""
    return [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        *options,
    ]


SETTLED_BOX_JS = """async (element) => {
    // Lumino lays out in animation frames, and a sidebar may still be opening or closing:
    // the box counts once it is the same in two frames in a row.
    const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
    let last = "";
    for (let i = 0; i < 300; i++) {
        await frame();
        const r = element.getBoundingClientRect();
        const box = {x: r.x, y: r.y, width: r.width, height: r.height};
        if (JSON.stringify(box) === last) return box;
        last = JSON.stringify(box);
    }
    throw new Error("the layout did not settle in 300 frames");
}"""


def settled_box(locator: Any) -> dict[str, float]:
    """``locator``'s bounding box once the layout has settled (a layout check made while a
    sidebar is still moving fails at random)."""
    return locator.evaluate(SETTLED_BOX_JS)


def command(page: Any, name: str, args: dict[str, Any] | None = None) -> None:
    """Run a JupyterLab command in the page, as the palette would, and wait for it (what
    it returns, often a widget, stays in the page)."""
    page.evaluate(
        "async ([name, args]) => { await window.jupyterapp.commands.execute(name, args); }",
        [name, args or {}],
    )


def start_command(page: Any, name: str, args: dict[str, Any] | None = None) -> None:
    """Start a command that opens a dialog (without waiting for it to finish)."""
    page.evaluate(
        "([name, args]) => { void window.jupyterapp.commands.execute(name, args); }",
        [name, args or {}],
    )


@dataclass
class LabServer:
    url: str
    token: str
    root_dir: Path

    def api(self, path: str, method: str = "GET", data: Any = None) -> Any:
        """OmniPanel's REST API."""
        return self.request(f"omnipanel/api/v1/{path}", method, data)

    def request(self, path: str, method: str = "GET", data: Any = None) -> Any:
        """Any of the server's JSON endpoints (e.g. ``api/terminals``), with the token."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if data is None else json.dumps(data).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


@contextmanager
def running_lab(
    home: Path, *options: str, env: dict[str, str] | None = None, welcome: bool = False
) -> Iterator[LabServer]:
    """A JupyterLab with its own folders under ``home``, the given ``options`` and extra
    environment, until the block ends (``welcome``: as a user's first start shows it)."""
    root_dir = home / "work"
    root_dir.mkdir()
    port, token = free_port(), secrets.token_hex(16)
    quiet_lab_settings(home / "settings", welcome)
    full_env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        # Terminals run bash whatever started the tests (with no SHELL, jupyter_server
        # falls back to sh, Debian's dash, which has no bracketed paste).
        "SHELL": "/bin/bash",
        **(env or {}),
    }
    log = (home / "lab.log").open("w")
    process = subprocess.Popen(
        lab_command(port, token, root_dir, *options),
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LabServer(url=f"http://127.0.0.1:{port}/", token=token, root_dir=root_dir)
    deadline = time.monotonic() + 60
    while True:
        try:
            server.api("status")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((home / "lab.log").read_text()) from None
            time.sleep(0.2)
    yield server
    process.terminate()
    process.wait(timeout=20)
    log.close()
