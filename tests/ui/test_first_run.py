"""The first start of a real JupyterLab for a user with nothing yet: OmniPanel opens
itself (its welcome and the chat side panel, not the file browser); the welcome makes a
first project, shows the built-in model answering (here a tiny random GGUF: the words are
gibberish, the path is the chat's) and leads to the Models panel. It does so once.

This module runs its own JupyterLab, without the setting that keeps the welcome closed in
the other browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.lab import LabServer, command, running_lab

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    home = tmp_path_factory.mktemp("first-run-lab")
    from omnipanel_lab.engines.tiny_model import write_tiny_gguf

    tiny_model = write_tiny_gguf(home / "tiny.gguf")
    with running_lab(
        home,
        f"--OmniPanelApp.builtin_model_path={tiny_model}",
        "--OmniPanelApp.builtin_model_prompt=chat",
        "--OmniPanelApp.engine_threads=2",
        "--OmniPanelApp.ollama_url=",
        welcome=True,
    ) as server:
        yield server


def welcome_shots(page: Any, artifacts: Path, name: str) -> None:
    """The welcome at 1280x800 and on a 390x844 phone, light and dark."""
    for device, (width, height) in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page.set_viewport_size({"width": width, "height": height})
        command(page, "omnipanel:open-welcome")
        for theme, shade in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
            command(page, "apputils:change-theme", {"theme": theme})
            light = "true" if shade == "light" else "false"
            page.locator(f'body[data-jp-theme-light="{light}"]').wait_for(state="attached")
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts / f"{name}-{device}-{shade}.png"))
    command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_first_start_opens_the_welcome_which_makes_a_project_and_gets_an_answer(
    page: Any, lab_server: LabServer, artifacts: Path
) -> None:
    welcome = page.locator("#omnipanel-welcome")
    welcome.wait_for(state="visible")
    assert page.locator("#omnipanel-chat").is_visible()  # the chat side panel is open
    assert not page.locator("#filebrowser").is_visible()  # and the file browser is not
    page.screenshot(path=str(artifacts / "welcome-first-start.png"))

    welcome.get_by_label("Project name").fill("Lighthouse notes")
    welcome.get_by_role("button", name="Create project").click()
    welcome.get_by_role("status").get_by_text("“Lighthouse notes” is ready").wait_for()
    assert [p["name"] for p in lab_server.api("projects")["items"]] == ["Lighthouse notes"]

    welcome.get_by_role("button", name="Ask").click()
    answer = welcome.get_by_label("Answer of the built-in model")
    # 200 tokens of the tiny model: well under a second, unless the 2 cores are busy.
    page.locator('[aria-label="Answer of the built-in model"][aria-busy="false"]').wait_for(
        timeout=180_000
    )
    assert answer.inner_text().strip()
    welcome.get_by_text("tokens/s").wait_for()
    welcome_shots(page, artifacts, "welcome")

    welcome.get_by_role("button", name="Open the Models panel").click()
    page.locator("#omnipanel-models").wait_for(state="visible")

    # Once: a reload does not open it again (the user has a project now, and the
    # welcome's own mark in JupyterLab's state says it was shown).
    page.reload()
    page.wait_for_selector("#jp-main-dock-panel", state="visible", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored")
    page.wait_for_timeout(1000)
    assert page.locator("#omnipanel-welcome").count() == 0


def test_the_welcome_is_a_launcher_card(page: Any) -> None:
    command(page, "launcher:create")
    card = page.locator(".jp-LauncherCard:visible", has_text="OmniPanel Welcome")
    card.click()
    page.locator("#omnipanel-welcome").wait_for(state="visible")
