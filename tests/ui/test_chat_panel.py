"""The chat panel in a real JupyterLab, with replies from the built-in llama.cpp engine
(a tiny random GGUF: the words are gibberish, every part between browser and engine is
real): chat in a project, regenerate and switch versions, reload, search and jump."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.composer import chat_menu
from playwright.sync_api import expect

pytestmark = pytest.mark.ui


def open_panel(page: Any) -> Any:
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.wait_for(state="visible")
    return panel


def assistant(panel: Any, status: str = "complete") -> Any:
    return panel.locator(f'.jp-OmniPanel-message-assistant[data-status="{status}"]')


def test_chat_in_a_project_branch_reload_and_search(
    page: Any, lab_server: Any, artifacts: Path
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Chat UI"})
    panel = open_panel(page)
    panel.get_by_label("Project").select_option(label="Chat UI")
    panel.get_by_role("button", name="New chat").click()

    message = panel.get_by_role("textbox", name="Message")
    message.fill("Hello tiny lighthouse model")
    message.press("Enter")
    assistant(panel).wait_for(timeout=60_000)
    assert message.input_value() == ""  # sent, so the box is cleared
    reply = assistant(panel).first
    assert reply.locator(".jp-OmniPanel-markdown").inner_text().strip()
    assert "builtin" in reply.locator(".jp-OmniPanel-meta").inner_text()
    page.screenshot(path=str(artifacts / "chat-reply.png"))
    page.locator("#jp-main-dock-panel").click()  # focus elsewhere, then come back by keyboard
    page.keyboard.press("Alt+Shift+I")  # Focus Chat Input
    expect(message).to_be_focused()

    # Regenerate: a second version, shown; the first is one click away.
    reply.get_by_role("button", name="Regenerate").click()
    panel.get_by_label("Versions").get_by_text("2/2").wait_for(timeout=60_000)
    assistant(panel).wait_for(timeout=60_000)
    panel.get_by_role("button", name="Previous version").click()
    panel.get_by_label("Versions").get_by_text("1/2").wait_for()

    # Edit the question: a new version of it, with its own reply.
    panel.locator(".jp-OmniPanel-message-user").get_by_role("button", name="Edit").click()
    message.fill("Hello again, tiny model")
    message.press("Enter")
    panel.locator(".jp-OmniPanel-message-user").get_by_text("2/2").wait_for(timeout=60_000)
    assistant(panel).wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "chat-branches.png"))

    # Everything is on the server: a reload finds the chat and the version shown (the
    # panel reopens on it), and the list opens it again.
    page.reload()
    page.wait_for_selector("#jp-main-dock-panel", state="visible", timeout=60_000)
    panel = open_panel(page)
    panel.locator(".jp-OmniPanel-message-user").get_by_text("Hello again, tiny model").wait_for()
    panel.get_by_role("button", name="Back to chats").click()
    panel.get_by_label("Project").select_option(label="Chat UI")
    panel.get_by_role("button", name="Hello tiny lighthouse model", exact=True).click()
    user = panel.locator(".jp-OmniPanel-message-user")
    user.get_by_text("Hello again, tiny model").wait_for()
    user.get_by_role("button", name="Previous version").click()
    user.get_by_text("Hello tiny lighthouse model").wait_for()

    # Search all chats and jump to the hit.
    panel.get_by_role("button", name="Back to chats").click()
    search = panel.get_by_label("Search chats")
    search.fill("lighthouse")
    search.press("Enter")
    hit = panel.get_by_label("Search results").get_by_role("button").first
    assert hit.locator("mark").inner_text().lower() == "lighthouse"
    page.screenshot(path=str(artifacts / "chat-search.png"))
    hit.click()
    panel.locator(".jp-OmniPanel-message-user").get_by_text(
        "Hello tiny lighthouse model"
    ).wait_for()
    chats = lab_server.api(f"chats?project_id={project['id']}")["items"]
    assert [chat["title"] for chat in chats] == ["Hello tiny lighthouse model"]

    # Export as Markdown (a download), and import a JSON export back as a new chat.
    with page.expect_download() as download:
        chat_menu(panel, "Export as Markdown")
    markdown = Path(download.value.path()).read_text()
    assert markdown.startswith("# Hello tiny lighthouse model")
    exported = artifacts / "chat-export.json"
    with page.expect_download() as download:
        chat_menu(panel, "Export as JSON (imports back)")
    download.value.save_as(exported)
    panel.get_by_role("button", name="Back to chats").click()
    panel.get_by_label("Import a chat (JSON export)").set_input_files(str(exported))
    listed = panel.get_by_label("Chats").get_by_role(
        "button", name="Hello tiny lighthouse model", exact=True
    )
    listed.nth(1).wait_for()
    assert listed.count() == 2
    assert len(lab_server.api(f"chats?project_id={project['id']}")["items"]) == 2
