"""OmniPanel without a mouse, in a real JupyterLab: each panel's command puts the focus
in its panel (also after palette -> New Chat over a Launcher); the whole flow from a new
project to a sent message, a stopped reply and a code-block action by keyboard alone; the
dialog listing the shortcuts. Replies come from a loopback server in OpenAI's streaming
format (tests/fakes/slow_openai.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.composer import put_file
from fakes.lab import command
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

FOCUS_IN = "selector => !!document.activeElement?.closest(selector)"


def focused_name(page: Any) -> str:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return e?.getAttribute('aria-label') || e?.textContent?.trim() || '';
        }"""
    )


def tab_to(page: Any, name: str, key: str = "Shift+Tab", presses: int = 80) -> None:
    """Press ``key`` until the focused element is named ``name``."""
    for _ in range(presses):
        if focused_name(page) == name:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {name!r}; at {focused_name(page)!r}")


def pick_model(page: Any, panel: Any, value: str) -> None:
    """From the focused model dropdown: open it (↓), type the model's name, Enter."""
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("combobox", name="Filter models")).to_be_focused()
    page.keyboard.type(value.split("/", 1)[1])
    first = panel.get_by_role("listbox", name="Models").get_by_role("option").first
    expect(first).to_have_accessible_name(value, timeout=30_000)  # listed once asked
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(panel.get_by_role("button", name=f"Model: {value}")).to_be_focused()


def palette(page: Any, label: str) -> None:
    """Run a command from JupyterLab's command palette, by keyboard."""
    page.keyboard.press("Control+Shift+C")
    search = page.locator(".jp-ModalCommandPalette input")
    expect(search).to_be_focused()
    search.fill(label)
    page.locator(".jp-ModalCommandPalette .lm-CommandPalette-item.lm-mod-active").filter(
        has_text=label
    ).wait_for()
    page.keyboard.press("Enter")


def test_keyboard_only_flow_from_new_project_to_stop_and_a_code_action(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    # A new project (the first and only one here, so that New Chat files the chat in it).
    page.keyboard.press("Alt+Shift+N")
    page.locator(".jp-Dialog input").wait_for()
    page.keyboard.type("Keys")
    page.keyboard.press("Enter")
    page.locator("#omnipanel-projects").get_by_text("Keys").first.wait_for()
    project = lab_server.api("projects")["items"][0]
    put_file(lab_server, f"{project['folder']}/notes.txt", "keyboard-notes\n")

    # A new chat from the palette: the focus lands in its message box.
    palette(page, "New Chat")
    panel = page.locator("#omnipanel-chat")
    message = panel.get_by_role("textbox", name="Message")
    expect(message).to_be_focused()

    # The model, from the header's dropdown: back from the message box to it.
    tab_to(page, "Model: project default")
    pick_model(page, panel, "scripted/code")

    # @ context, then send.
    page.keyboard.press("Alt+Shift+I")  # Focus Chat Input
    expect(message).to_be_focused()
    page.keyboard.type("Use @notes")
    menu = panel.get_by_role("listbox", name="Context to add")
    expect(menu.get_by_role("option").first).to_have_accessible_name("notes.txt", timeout=30_000)
    page.keyboard.press("Enter")
    expect(menu).to_have_count(0)
    page.keyboard.type("and print the answer")
    page.keyboard.press("Enter")
    reply = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply.wait_for(timeout=30_000)
    assert "keyboard-notes" in fake_openai.requests[-1]["messages"][-1]["content"]

    # A code-block action: back from the message box to the block's "New file", Enter,
    # and Enter again to accept the name offered.
    tab_to(page, "New file")
    page.keyboard.press("Enter")
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator("input")).to_be_focused()
    page.keyboard.press("Enter")
    dialog.wait_for(state="detached")
    saved = lab_server.root_dir / project["folder"] / "snippet.py"
    for _ in range(50):  # the dialog closes before the file is written
        if saved.exists() and saved.read_text():
            break
        page.wait_for_timeout(100)
    assert saved.read_text() == "print(6 * 7)"

    # A slow reply, stopped from the Stop button reached with Tab.
    page.keyboard.press("Alt+Shift+I")
    tab_to(page, "Model: scripted/code")
    pick_model(page, panel, "scripted/slow")
    page.keyboard.press("Alt+Shift+I")
    page.keyboard.type("Write a long story")
    page.keyboard.press("Enter")
    streaming = panel.locator('.jp-OmniPanel-message-assistant[data-status="streaming"]')
    streaming.get_by_text("word3").wait_for(timeout=30_000)
    tab_to(page, "Stop", key="Tab", presses=5)
    page.keyboard.press("Enter")
    stopped = panel.locator('.jp-OmniPanel-message-assistant[data-status="stopped"]')
    stopped.wait_for(timeout=30_000)
    assert "word1" in stopped.inner_text()
    expect(panel.get_by_role("button", name="Send")).to_be_focused()  # the same button
    page.screenshot(path=str(artifacts / "keyboard-flow.png"))


def test_panel_commands_move_the_focus_into_their_panels(page: Any, lab_server: Any) -> None:
    command(page, "launcher:create")
    launcher = page.locator(".jp-Launcher:visible").first
    launcher.wait_for()
    launcher.focus()

    page.keyboard.press("Alt+Shift+P")
    page.wait_for_function(FOCUS_IN, arg="#omnipanel-projects")
    page.keyboard.press("Alt+Shift+M")
    page.wait_for_function(FOCUS_IN, arg="#omnipanel-models")
    page.keyboard.press("Alt+Shift+C")
    page.wait_for_function(FOCUS_IN, arg="#omnipanel-chat")

    # Palette -> New Chat over the Launcher, a few times: the focus is in the new chat's
    # message box every time, not left on the Launcher.
    message = page.locator("#omnipanel-chat").get_by_role("textbox", name="Message")
    for _ in range(3):
        page.locator(".jp-Launcher:visible").first.click()
        palette(page, "New Chat")
        expect(message).to_be_focused()
        page.get_by_role("button", name="Back to chats").click()


def test_shortcuts_dialog_lists_omnipanel_shortcuts(page: Any, artifacts: Path) -> None:
    page.keyboard.press("Alt+Shift+H")
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text("OmniPanel keyboard shortcuts", exact=True).wait_for()
    anywhere = dialog.get_by_role("table", name="Anywhere in JupyterLab")
    for keys, label in [
        ("Alt+Shift+P", "Open Projects Panel"),
        ("Alt+Shift+M", "Open Models Panel"),
        ("Alt+Shift+C", "Open Chat Panel"),
        ("Alt+Shift+I", "Focus Chat Input"),
        ("Alt+Shift+H", "OmniPanel Keyboard Shortcuts"),
    ]:
        row = anywhere.get_by_role("row").filter(has_text=label)
        expect(row).to_contain_text(keys)
    box = dialog.get_by_role("table", name="In the message box")
    expect(box.get_by_role("row").filter(has_text="Send the message")).to_contain_text("Enter")
    page.screenshot(path=str(artifacts / "shortcuts-dialog.png"))
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")

    # Also in the palette.
    palette(page, "OmniPanel Keyboard Shortcuts")
    dialog.get_by_role("table", name="Anywhere in JupyterLab").wait_for()
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="detached")
