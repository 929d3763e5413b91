"""The OmniPanel projects panel in a real JupyterLab, driven in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def open_projects_panel(page: Any) -> Any:
    page.locator('.jp-SideBar [data-id="omnipanel-projects"]').click()
    panel = page.locator("#omnipanel-projects")
    panel.wait_for(state="visible")
    return panel


def test_create_and_favourite_a_project(page: Any, lab_server: Any, artifacts: Path) -> None:
    panel = open_projects_panel(page)
    panel.get_by_role("button", name="New project").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("Customer churn")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()

    item = panel.get_by_role("listitem").filter(has_text="Customer churn")
    item.wait_for()
    star = item.get_by_role("button", name="Favorite Customer churn")
    assert star.get_attribute("aria-pressed") == "false"
    star.click()
    page.wait_for_function(
        "el => el.getAttribute('aria-pressed') === 'true'", arg=star.element_handle()
    )
    page.screenshot(path=str(artifacts / "projects-panel.png"))

    # What the browser did is what the server stored.
    projects = lab_server.api("projects")["items"]
    assert [(p["name"], p["favorite"]) for p in projects] == [("Customer churn", True)]
    assert (lab_server.root_dir / projects[0]["folder"]).is_dir()


def test_palette_lists_the_omnipanel_commands(page: Any) -> None:
    page.keyboard.press("Control+Shift+C")
    palette = page.locator("#command-palette")
    palette.locator("input").fill("OmniPanel")
    labels = palette.locator(".lm-CommandPalette-itemLabel").all_inner_texts()
    assert any("New Project" in label or "New project" in label for label in labels), labels
