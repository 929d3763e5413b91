"""Keyboard shortcuts and a phone-sized screen, in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def test_shortcuts_work_on_a_phone_sized_screen(
    page: Any, lab_server: Any, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})

    page.keyboard.press("Alt+Shift+P")
    panel = page.locator("#omnipanel-projects")
    panel.wait_for(state="visible")
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

    page.keyboard.press("Alt+Shift+N")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").wait_for()
    page.keyboard.type("Field notes")
    page.keyboard.press("Enter")
    panel.locator(".jp-OmniPanel-projectName", has_text="Field notes").wait_for()

    new_button = panel.get_by_role("button", name="New project")
    new_box = new_button.bounding_box()
    assert new_box is not None and new_box["x"] + new_box["width"] <= 390
    page.screenshot(path=str(artifacts / "projects-phone.png"))
    assert [p["name"] for p in lab_server.api("projects")["items"]] == ["Field notes"]
