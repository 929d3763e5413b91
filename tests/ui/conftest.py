"""A real JupyterLab (a child process) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fakes import ollama as fake_ollama
from fakes.lab import LabServer, command, launch_chromium, running_lab
from fakes.slow_openai import SlowOpenAI
from fakes.support import free_port
from tornado import httpserver

ARTIFACTS = Path(__file__).parents[1] / "artifacts"


@contextmanager
def serving_in_thread(start: Callable[[], None]) -> Iterator[None]:
    """Run ``start`` (which makes a loopback server listen) on its own thread and loop."""
    started = threading.Event()
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        start()
        loops.append(loop)
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    yield
    loops[0].call_soon_threadsafe(loops[0].stop)
    thread.join(10)


@pytest.fixture(scope="module")
def fake_ollama_url() -> Iterator[str]:
    """The loopback Ollama (tests/fakes/ollama.py), with slow download steps so that the
    browser can show and cancel a pull."""
    port = free_port()
    app = fake_ollama.make_app(pull_delay=0.4)
    with serving_in_thread(lambda: httpserver.HTTPServer(app).listen(port, "127.0.0.1")):
        yield f"http://127.0.0.1:{port}"


CODE_REPLY = "Here is the code:\n\n```python\nprint(6 * 7)\n```\n"


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[SlowOpenAI]:
    """A loopback server in OpenAI's streaming format (tests/fakes/slow_openai.py): model
    "code" answers with a Python code block, any other writes words slowly."""
    server = SlowOpenAI(free_port(), delay=0.05, replies={"code": CODE_REPLY})
    with serving_in_thread(server.start):
        yield server


@pytest.fixture(scope="module")
def lab_server(
    tmp_path_factory: pytest.TempPathFactory, fake_ollama_url: str, fake_openai: SlowOpenAI
) -> Iterator[LabServer]:
    home = tmp_path_factory.mktemp("lab")
    from omnipanel_lab.engines.tiny_model import write_tiny_gguf

    # The built-in engine serves a tiny random model here: fast, and its protocol is real.
    tiny_model = write_tiny_gguf(home / "tiny.gguf")
    # A config file, as a deployment would pin a model endpoint.
    (home / "config").mkdir(exist_ok=True)
    endpoint = {"base_url": f"http://127.0.0.1:{fake_openai.port}/v1"}
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"OmniPanelApp": {"model_endpoints": {"scripted": endpoint}}})
    )
    with running_lab(
        home,
        f"--OmniPanelApp.builtin_model_path={tiny_model}",
        "--OmniPanelApp.builtin_model_prompt=chat",
        "--OmniPanelApp.engine_threads=2",
        f"--OmniPanelApp.ollama_url={fake_ollama_url}",
    ) as server:
        yield server


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots are kept after the run (tests/artifacts, git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Console errors that come from JupyterLab itself in this headless set-up and say nothing about
# OmniPanel, each with its reason. Everything else on the console, or any page error, fails a test.
ALLOWED_CONSOLE_ERRORS: dict[str, str] = {
    # JupyterLab 4.6's notebook (contentVisibility windowing, jupyterlab#18091) observes its
    # cells from an animation frame queued on a cell change, with an observer its
    # onBeforeDetach has dropped: a notebook still loading while the shell changes mode
    # (View > Simple Interface; OmniPanel on a phone, tests/ui/test_keyboard_and_phone.py)
    # logs this once per cell. Harmless: the notebook makes a new observer when attached.
    r"^page error: Cannot read properties of null \(reading 'observe'\)$": "JupyterLab's notebook, "
    "after a detach",
    # A host that c.OmniPanelApp.allowed_connection_hosts refuses is a 403 by design;
    # tests/ui/test_connections.py checks that its message is shown. Chromium logs any 4xx.
    r"status of 403 \(Host not allowed\) \(http://127\.0\.0\.1:\d+/omnipanel/api/v1/connections/": (
        "refused connection host"
    ),
}


def unexpected(errors: list[str]) -> list[str]:
    """The browser errors not in ALLOWED_CONSOLE_ERRORS."""
    return [e for e in errors if not any(re.search(p, e) for p in ALLOWED_CONSOLE_ERRORS)]


def watch_errors(page: Any) -> list[str]:
    """Collect every page error and console error of ``page`` (with the resource it names)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def on_console(message: Any) -> None:
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            errors.append(f"console error: {message.text} ({url})")

    page.on("console", on_console)
    return errors


@pytest.fixture
def screenshots(page: Any, artifacts: Path) -> Callable[[str], None]:
    """Take ``<name>-{desktop,phone}-{light,dark}.png`` of the page with the chat panel
    open: 1280x800 and a 390x844 phone, JupyterLab's light and dark themes."""

    def take(name: str) -> None:
        # Desktop first: a phone-sized screen collapses the left sidebar for the chat.
        for device, (width, height) in (("desktop", (1280, 800)), ("phone", (390, 844))):
            page.set_viewport_size({"width": width, "height": height})
            command(page, "omnipanel:open-chat")
            for theme, shade in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
                command(page, "apputils:change-theme", {"theme": theme})
                light = "true" if shade == "light" else "false"
                page.locator(f'body[data-jp-theme-light="{light}"]').wait_for(state="attached")
                page.wait_for_timeout(300)  # the layout and the theme settle
                page.screenshot(path=str(artifacts / f"{name}-{device}-{shade}.png"))
        command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
        page.set_viewport_size({"width": 1280, "height": 800})

    return take


@contextmanager
def lab_page(
    lab_server: LabServer, artifacts: Path, name: str, **context_options: Any
) -> Iterator[Any]:
    """JupyterLab in a fresh Chromium context (``context_options``: viewport, touch, ...),
    restored and ready; a screenshot ``<name>-end.png`` at the end, and no error on the
    console all along."""
    from playwright.sync_api import sync_playwright

    # Each test starts from JupyterLab's default layout: what an earlier test left open
    # (chat tabs, the chat panel's open chat) is not restored into it.
    try:
        lab_server.request("lab/api/workspaces/default", "DELETE")
    except urllib.error.HTTPError as error:
        if error.code != 404:  # none saved yet
            raise
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(**context_options)
        page = context.new_page()
        errors = watch_errors(page)
        page.set_default_timeout(30_000)
        page.goto(f"{lab_server.url}lab?token={lab_server.token}")
        page.wait_for_selector("#jp-main-dock-panel", state="attached", timeout=60_000)
        # JupyterLab is ready once its saved workspace is restored: a test acting earlier
        # races the restore (e.g. a sidebar it reopens).
        page.evaluate("() => window.jupyterapp.restored")
        # With an empty main area JupyterLab then opens a Launcher, and activating it takes
        # the keyboard focus (a frame later): a test typing before that loses its keys or
        # its open menu to it.
        page.wait_for_function("() => !window.jupyterapp.shell.isEmpty('main')")
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        yield page
        page.screenshot(path=str(artifacts / f"{name}-end.png"))
        browser.close()
    # JupyterLab and OmniPanel load and run without errors in the browser console.
    assert unexpected(errors) == []


@pytest.fixture
def page(lab_server: LabServer, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    with lab_page(
        lab_server, artifacts, request.node.name, viewport={"width": 1280, "height": 800}
    ) as page:
        yield page


@pytest.fixture
def phone(lab_server: LabServer, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """JupyterLab on a phone: a 390x844 touch screen with a mobile browser's viewport."""
    with lab_page(
        lab_server,
        artifacts,
        request.node.name,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    ) as page:
        yield page
