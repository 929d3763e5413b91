"""The chat's composer and header in a real JupyterLab: `@` opens a menu of context (the
project's files by fuzzy match, notebooks, cells, the selection, a terminal, the diff)
whose picks become removable chips sent with the message; the model dropdown; export
from the chat's menu. Replies come from a loopback server in OpenAI's streaming format
(tests/fakes/slow_openai.py), which keeps what it was sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.composer import add_context, open_chat, put_file
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

DONE = '.jp-OmniPanel-message-assistant[data-status="complete"]'

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "c1",
            "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "nb-output-7\n"}],
            "source": "print('nb-source')",
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def new_chat(lab_server: Any, name: str, model: str = "code") -> tuple[dict, dict]:
    project = lab_server.api("projects", "POST", {"name": name})
    chat = lab_server.api("chats", "POST", {"project_id": project["id"], "title": name.lower()})
    lab_server.api(
        f"chats/{chat['id']}", "PATCH", {"model": {"provider": "scripted", "model": model}}
    )
    return project, chat


def test_at_menu_adds_file_chips_that_are_sent_as_context(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path, screenshots: Any
) -> None:
    project, _ = new_chat(lab_server, "Mentions")
    folder = project["folder"]
    put_file(lab_server, f"{folder}/notes.txt", "alpha-notes\n")
    put_file(lab_server, f"{folder}/src", None, "directory")
    put_file(lab_server, f"{folder}/src/app.py", "print('from-app')\n")
    put_file(lab_server, f"{folder}/analysis.ipynb", NOTEBOOK, "notebook")
    put_file(lab_server, "outside.txt", "not in the project\n")
    panel = open_chat(page, "Mentions", "mentions")
    message = panel.get_by_role("textbox", name="Message")
    combobox = panel.get_by_role("combobox", name="Message")
    menu = panel.get_by_role("listbox", name="Context to add")
    expect(combobox).to_have_attribute("aria-expanded", "false")

    # `@` lists the kinds of context, then the project's files (and only the project's).
    message.press_sequentially("Explain @")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = menu.get_by_role("option")
    # (listed through Jupyter's contents API, folder by folder: slow on a busy machine)
    expect(options.filter(has_text="app.py")).to_have_count(1, timeout=30_000)
    names = [o.get_attribute("aria-label") for o in options.all()]
    assert names[:5] == [
        "@notebook: The active notebook",
        "@cell: The selected cells",
        "@selection: The editor selection",
        "@terminal: Recent terminal output",
        "@diff: The project's git diff",
    ]
    assert sorted(names[5:]) == ["analysis.ipynb", "notes.txt", "src/app.py"]
    # The arrows move the active option, announced to assistive technology.
    first = options.first.get_attribute("id")
    expect(message).to_have_attribute("aria-activedescendant", first)
    message.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(message).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    message.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.screenshot(path=str(artifacts / "composer-at-menu.png"))

    # Typing narrows it by fuzzy match: "ap" puts src/app.py first; Enter picks it.
    message.press_sequentially("ap")
    expect(options.first).to_have_accessible_name("src/app.py")
    message.press("Enter")
    expect(menu).to_have_count(0)
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(message).to_have_value("Explain ")  # the typed @ap is gone, a chip took its place
    chips = panel.get_by_role("list", name="Context").get_by_role("listitem")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("@file app.py")
    expect(chips.first).to_have_attribute("title", f"@file {folder}/src/app.py")

    # A notebook of the project (Tab picks too), and a text file.
    message.press_sequentially("@analysis")
    expect(options.first).to_have_accessible_name("analysis.ipynb")
    message.press("Tab")
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_contain_text("@notebook")
    message.press_sequentially("@notes")
    message.press("Enter")
    expect(chips).to_have_count(3)

    # Esc closes the menu and leaves the text; nothing matching says so.
    message.press_sequentially("@zzz")
    panel.get_by_role("status").get_by_text("Nothing matches “zzz”").wait_for()
    message.press("Escape")
    expect(panel.get_by_text("Nothing matches")).to_have_count(0)
    expect(message).to_have_value("Explain @zzz")

    # Chips are removed with the mouse or the keyboard.
    panel.get_by_role("button", name=f"Remove @notebook {folder}/analysis.ipynb").click()
    expect(chips).to_have_count(2)
    remove_notes = panel.get_by_role("button", name=f"Remove @file {folder}/notes.txt")
    remove_notes.focus()
    page.keyboard.press("Enter")
    expect(chips).to_have_count(1)
    expect(message).to_be_focused()  # back to the text after a removal

    message.fill("Explain this file")
    message.press("Enter")
    panel.locator(DONE).wait_for(timeout=30_000)
    sent = fake_openai.requests[-1]["messages"][-1]["content"]
    assert f"[file: {folder}/src/app.py]" in sent and "print('from-app')" in sent
    assert "alpha-notes" not in sent and "nb-source" not in sent
    assert sent.endswith("Explain this file")
    expect(chips).to_have_count(0)  # sent: the next message starts without context
    sent_chip = panel.locator(".jp-OmniPanel-message-user .jp-OmniPanel-chip")
    expect(sent_chip).to_contain_text("@file")

    # A notebook's cells and outputs go as text.
    message.press_sequentially("@analysis")
    message.press("Enter")
    message.press_sequentially("And this one")
    message.press("Enter")
    panel.locator(DONE).nth(1).wait_for(timeout=30_000)
    sent = fake_openai.requests[-1]["messages"][-1]["content"]
    assert f"[notebook: {folder}/analysis.ipynb]" in sent
    assert "print('nb-source')" in sent and "nb-output-7" in sent

    # How it looks: chips, a draft, the @ menu open, in light and dark, desktop and phone.
    add_context(panel, "ap", "src/app.py")
    add_context(panel, "notes", "notes.txt")
    message.press_sequentially("Compare these two, then @no")
    screenshots("composer")
