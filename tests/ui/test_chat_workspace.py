"""The chat bridged to the workspace, in a real JupyterLab with a real kernel: @cell
context, a reply's code inserted into the notebook and run, stop with Esc, two chats as
tabs. Replies come from a loopback server in OpenAI's streaming format
(tests/fakes/slow_openai.py): model "code" answers with a Python block, "slow" writes
words slowly."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fakes.composer import add_context, choose_model
from fakes.lab import command, start_command
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "c1",
            "metadata": {},
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": "x is 21\n"},
            ],
            "source": "x = 21\nprint('x is', x)",
        }
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


PIXEL_PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM"
    "IQAAAABJRU5ErkJggg=="
)
PASTE_IMAGE = f"""selector => {{
    const bytes = Uint8Array.from(atob("{PIXEL_PNG}"), c => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "pixel.png", {{ type: "image/png" }}));
    const paste = new ClipboardEvent("paste", {{ clipboardData: data, bubbles: true }});
    document.querySelector(selector).dispatchEvent(paste);
}}"""


def put_notebook(lab_server: Any, path: str) -> None:
    body = json.dumps({"type": "notebook", "content": NOTEBOOK}).encode()
    request = urllib.request.Request(
        f"{lab_server.url}api/contents/{path}",
        method="PUT",
        data=body,
        headers={"Authorization": f"token {lab_server.token}"},
    )
    urllib.request.urlopen(request, timeout=10).close()


def use_model(lab_server: Any, chat_id: str, model: str) -> None:
    lab_server.api(f"chats/{chat_id}", "PATCH", {"model": {"provider": "scripted", "model": model}})


def wait_for_saved_workspace(lab_server: Any, keys: list[str]) -> None:
    """JupyterLab saves its layout to the server a moment after it changes."""
    for _ in range(100):
        request = urllib.request.Request(
            f"{lab_server.url}lab/api/workspaces/default",
            headers={"Authorization": f"token {lab_server.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            data = json.loads(response.read()).get("data", {})
        if all(key in data for key in keys):
            return
        time.sleep(0.1)
    raise AssertionError(f"the workspace never saved {keys}: {sorted(data)}")


def test_cell_context_code_into_the_notebook_stop_and_tabs(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Bridge"})
    path = f"{project['folder']}/analysis.ipynb"
    put_notebook(lab_server, path)
    command(page, "docmanager:open", {"path": path, "factory": "Notebook"})
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.wait_for()
    # Shift+Enter runs the cell and moves on to a new, empty cell below it.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    cells.first.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(cells).to_have_count(2)
    cells.first.locator(".jp-OutputArea-output").get_by_text("x is 21").wait_for(timeout=60_000)

    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.get_by_label("Project").select_option(label="Bridge")
    panel.get_by_role("button", name="New chat").click()
    message = panel.get_by_role("textbox", name="Message")
    message.wait_for()
    choose_model(panel, "scripted/code")  # the chat's own model, instead of the project's

    # @cell: the cell the user worked in (the one that ran, not the empty one Shift+Enter
    # moved to), with its output, as context.
    add_context(panel, "cell")
    chip = panel.get_by_label("Context").get_by_text("analysis.ipynb cell 1")
    chip.wait_for()
    message.fill("Multiply x by 2")
    message.press("Enter")
    reply = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply.wait_for(timeout=30_000)
    # Stored with its first message, with the model chosen before it.
    chat = lab_server.api(f"chats?project_id={project['id']}")["items"][0]
    assert chat["model"] == {"provider": "scripted", "model": "code"}
    sent = fake_openai.requests[-1]["messages"][-1]["content"]
    assert "x = 21" in sent and "x is 21" in sent and sent.endswith("Multiply x by 2")
    panel.locator(".jp-OmniPanel-message-user .jp-OmniPanel-chip").get_by_text("@cell").wait_for()

    # The reply's code goes into the notebook below the active cell, and runs there.
    reply.get_by_role("toolbar", name="Code actions").get_by_role(
        "button", name="Insert below"
    ).click()
    cells.nth(2).get_by_text("print(6 * 7)").wait_for()
    command(page, "notebook:run-cell")
    cells.nth(2).locator(".jp-OutputArea-output").get_by_text("42").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "chat-code-into-notebook.png"))

    # "Replace cell" puts the code in place of the selected cell's.
    cells.nth(1).locator(".jp-InputPrompt").click()
    reply.get_by_role("toolbar", name="Code actions").get_by_role(
        "button", name="Replace cell"
    ).click()
    cells.nth(1).get_by_text("print(6 * 7)").wait_for()
    expect(cells).to_have_count(3)

    # Stop with Esc while a slow reply is being written: the text so far is kept.
    lab_server.api(
        f"chats/{chat['id']}", "PATCH", {"model": {"provider": "scripted", "model": "slow"}}
    )
    message.fill("Now write a long story")
    message.press("Enter")
    streaming = panel.locator('.jp-OmniPanel-message-assistant[data-status="streaming"]')
    streaming.get_by_text("word3").wait_for(timeout=30_000)
    message.press("Escape")
    stopped = panel.locator('.jp-OmniPanel-message-assistant[data-status="stopped"]')
    stopped.wait_for(timeout=30_000)
    assert "word1" in stopped.inner_text() and "stopped" in stopped.inner_text()

    # An image pasted into the message box is saved in the project and sent to the model.
    use_model(lab_server, chat["id"], "code")
    page.evaluate(PASTE_IMAGE, "#omnipanel-chat .jp-OmniPanel-chatInput")
    panel.get_by_label("Images").get_by_text(".png").wait_for()
    message.fill("What is in this picture?")
    message.press("Enter")
    panel.locator(".jp-OmniPanel-message-user img").last.wait_for()
    panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]').nth(1).wait_for()
    parts = fake_openai.requests[-1]["messages"][-1]["content"]
    assert parts[0]["text"].endswith("What is in this picture?")
    assert parts[1]["image_url"]["url"] == f"data:image/png;base64,{PIXEL_PNG}"
    saved = list((lab_server.root_dir / project["folder"] / "attachments").glob("*.png"))
    assert len(saved) == 1

    # Two chats side by side in main-area tabs.
    other = lab_server.api("chats", "POST", {"project_id": project["id"], "title": "Second"})
    panel.get_by_role("button", name="Back to chats").click()
    panel.get_by_role("button", name="Open Second in a tab").click()
    panel.get_by_role("button", name="Open Multiply x by 2 in a tab").click()
    tabs = page.locator("#jp-main-dock-panel .jp-OmniPanel-chat")
    tabs.nth(1).wait_for()
    assert tabs.count() == 2
    page.locator(".lm-TabBar-tab", has_text="Second").wait_for()
    page.locator(".lm-TabBar-tab", has_text="Multiply x by 2").wait_for()
    page.screenshot(path=str(artifacts / "chat-two-tabs.png"))

    # Palette commands act on the chat in the active tab: rename and tag it.
    page.locator(".lm-TabBar-tab", has_text="Second").click()
    start_command(page, "omnipanel:rename-chat")
    page.locator(".jp-Dialog input").fill("Second, renamed")
    page.keyboard.press("Enter")
    page.locator(".lm-TabBar-tab", has_text="Second, renamed").wait_for()
    start_command(page, "omnipanel:tag-chat")
    page.locator(".jp-Dialog input").fill("Ideas, Later")
    page.keyboard.press("Enter")
    page.locator(".jp-Dialog").wait_for(state="detached")
    for _ in range(50):  # the dialog closes before the change reaches the server
        renamed = lab_server.api(f"chats/{other['id']}")
        if renamed["tags"]:
            break
        page.wait_for_timeout(100)
    assert (renamed["title"], renamed["tags"]) == ("Second, renamed", ["ideas", "later"])

    # Like notebooks, chat tabs come back after a reload.
    wait_for_saved_workspace(
        lab_server, [f"omnipanel-chat:{other['id']}", f"omnipanel-chat:{chat['id']}"]
    )
    page.reload()
    page.locator(".lm-TabBar-tab", has_text="Second, renamed").wait_for(timeout=60_000)
    page.locator(".lm-TabBar-tab", has_text="Multiply x by 2").wait_for()
    expect(page.locator("#jp-main-dock-panel .jp-OmniPanel-chat")).to_have_count(2)
