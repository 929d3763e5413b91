"""Filtering, renaming and opening projects from the panel, in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def visible_names(panel: Any) -> list[str]:
    return panel.locator(".jp-OmniPanel-projectName").all_inner_texts()


def wait_for_names(page: Any, panel: Any, expected: list[str]) -> None:
    page.wait_for_function(
        """([root, expected]) => JSON.stringify(
            [...root.querySelectorAll('.jp-OmniPanel-projectName')].map(e => e.textContent)
        ) === JSON.stringify(expected)""",
        arg=[panel.element_handle(), expected],
    )
    assert visible_names(panel) == expected


def test_filter_rename_and_open_folder(page: Any, lab_server: Any, artifacts: Path) -> None:
    for name, tags, favorite in [
        ("Paper notes", ["nlp"], False),
        ("Sales dashboard", ["sales", "viz"], False),
        ("Churn model", ["ml", "sales"], True),
    ]:
        lab_server.api(
            "projects", method="POST", data={"name": name, "tags": tags, "favorite": favorite}
        )
    page.locator('.jp-SideBar [data-id="omnipanel-projects"]').click()
    panel = page.locator("#omnipanel-projects")
    wait_for_names(page, panel, ["Churn model", "Sales dashboard", "Paper notes"])
    page.screenshot(path=str(artifacts / "projects-overview.png"))

    panel.get_by_label("Filter by tag").select_option("sales")
    wait_for_names(page, panel, ["Churn model", "Sales dashboard"])
    favorites = panel.get_by_role("button", name="Favorites only")
    favorites.click()
    wait_for_names(page, panel, ["Churn model"])
    assert favorites.get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(artifacts / "projects-filtered.png"))
    favorites.click()
    panel.get_by_label("Filter by tag").select_option("")
    panel.get_by_label("Filter projects").fill("PAPER")
    wait_for_names(page, panel, ["Paper notes"])
    panel.get_by_label("Filter projects").fill("")
    wait_for_names(page, panel, ["Churn model", "Sales dashboard", "Paper notes"])

    panel.get_by_role("button", name="Rename Paper notes").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("Reading notes")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    wait_for_names(page, panel, ["Reading notes", "Churn model", "Sales dashboard"])
    renamed = [p for p in lab_server.api("projects")["items"] if p["name"] == "Reading notes"]
    assert renamed and renamed[0]["folder"] == "projects/paper-notes"

    panel.get_by_role("button", name="Open folder of Reading notes").click()
    page.locator(".jp-FileBrowser .jp-BreadCrumbs").get_by_text("paper-notes").wait_for()
    page.screenshot(path=str(artifacts / "projects-and-files.png"))
