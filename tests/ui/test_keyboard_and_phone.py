"""Keyboard shortcuts and a phone-sized screen, in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.composer import choose_model
from fakes.lab import settled_box

pytestmark = pytest.mark.ui


def test_shortcuts_work_on_a_phone_sized_screen(
    page: Any, lab_server: Any, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})

    page.keyboard.press("Alt+Shift+P")
    panel = page.locator("#omnipanel-projects")
    panel.wait_for(state="visible")
    box = settled_box(panel)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

    page.keyboard.press("Alt+Shift+N")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").wait_for()
    page.keyboard.type("Field notes")
    page.keyboard.press("Enter")
    panel.locator(".jp-OmniPanel-projectName", has_text="Field notes").wait_for()

    new_button = panel.get_by_role("button", name="New project")
    new_box = settled_box(new_button)
    assert new_box["x"] + new_box["width"] <= 390
    page.screenshot(path=str(artifacts / "projects-phone.png"))
    assert [p["name"] for p in lab_server.api("projects")["items"]] == ["Field notes"]


def test_chat_on_a_phone_sized_screen(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    """The chat panel fits a 390 px screen: the message box, Send and a reply with a code
    block stay inside it, with nothing to scroll sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    lab_server.api("projects", "POST", {"name": "Pocket"})
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.wait_for(state="visible")
    panel.get_by_label("Project").select_option(label="Pocket")
    panel.get_by_role("button", name="New chat").click()
    message = panel.get_by_role("textbox", name="Message")
    message.wait_for()
    choose_model(panel, "scripted/code")  # kept for the first send

    message.fill("Print the answer")
    message.press("Enter")
    reply = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply.wait_for(timeout=30_000)
    reply.get_by_role("toolbar", name="Code actions").wait_for()
    for element in (message, panel.get_by_role("button", name="Send"), reply):
        box = settled_box(element)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    view = panel.locator(".jp-OmniPanel-messages")
    assert view.evaluate("v => v.scrollWidth <= v.clientWidth")  # no sideways scrolling
    page.screenshot(path=str(artifacts / "chat-phone.png"))
