"""Keyboard shortcuts and a phone-sized screen, in Debian's Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.composer import choose_model
from fakes.lab import command, settled_box

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


# -- a phone: 390x844, touch, a mobile browser's viewport ---------------------------------

PHONE_WIDTH = 390

# What sticks out of a 390 px screen: the page (wider than the screen, it scrolls sideways
# and a mobile browser zooms out) and any element of OmniPanel's panels.
OUTSIDE_JS = """(width) => {
    const outside = [];
    const page = document.scrollingElement.scrollWidth;
    if (page > width) outside.push(`the page is ${page} px wide`);
    const elements = document.querySelectorAll("[id^='omnipanel-'], [id^='omnipanel-'] *");
    for (const element of elements) {
        const box = element.getBoundingClientRect();
        if (!box.width || !box.height) continue;  // not shown
        if (box.left < -0.5 || box.right > width + 0.5) {
            const name = element.id || element.className || element.tagName;
            outside.push(`${name}: ${Math.round(box.left)} to ${Math.round(box.right)}`);
        }
    }
    return outside;
}"""

# Controls of an OmniPanel panel smaller than a finger (44 x 44 px, WCAG 2.5.5).
SMALL_TARGETS_JS = """(root) => {
    const controls = root.querySelectorAll(
        "button, select, textarea, summary, [role='button'], [role='tab'], "
        + "[role='menuitem'], input:not([type='checkbox'], [type='radio'], [type='file'])"
    );
    const small = [];
    for (const control of controls) {
        const box = control.getBoundingClientRect();
        if (!box.width || getComputedStyle(control).visibility === "hidden") continue;
        if (box.width < 44 || box.height < 44) {
            const name = control.getAttribute("aria-label") || control.textContent.trim();
            small.push(`${name.slice(0, 30)}: ${Math.round(box.width)}x${Math.round(box.height)}`);
        }
    }
    return small;
}"""


def outside_the_screen(page: Any) -> list[str]:
    return page.evaluate(OUTSIDE_JS, PHONE_WIDTH)


def open_documents(phone: Any) -> Any:
    """Open a new notebook and a terminal, as a user at work has them; the notebook."""
    ids = phone.evaluate(
        """async () => {
            const run = (name, args) => window.jupyterapp.commands.execute(name, args);
            const notebook = await run("notebook:create-new", {kernelName: "python3"});
            await notebook.context.ready;
            await notebook.sessionContext.ready;
            const terminal = await run("terminal:create-new", {});
            return [notebook.id, terminal.id];
        }"""
    )
    phone.locator(f"#{ids[1]} .xterm-screen").wait_for()
    return phone.locator(f"#{ids[0]}")


def tap_chat_icon(phone: Any) -> Any:
    """Tap the chat's icon in the right side bar (a phone has no shortcuts); the panel."""
    phone.locator('.jp-SideBar.jp-mod-right [data-id="omnipanel-chat"]').tap()
    return phone.locator("#omnipanel-chat")


def start_chat(phone: Any, lab_server: Any, project_name: str) -> Any:
    """A chat in a new project with the scripted model (it answers with code), opened by
    tapping the chat's icon and then the chat in the list; the panel."""
    project = lab_server.api("projects", "POST", {"name": project_name})
    chat = lab_server.api(
        "chats",
        "POST",
        {"project_id": project["id"], "title": f"{project_name} chat"},
    )
    lab_server.api(
        f"chats/{chat['id']}", "PATCH", {"model": {"provider": "scripted", "model": "code"}}
    )
    panel = phone.locator("#omnipanel-chat")
    if not panel.is_visible():
        tap_chat_icon(phone)
    panel.wait_for(state="visible")
    back = panel.get_by_role("button", name="Back to chats")
    if back.is_visible():  # the panel reopened on the chat of an earlier test
        back.tap()
    panel.get_by_label("Project").select_option(label=project_name)
    panel.get_by_role("button", name=f"{project_name} chat", exact=True).tap()
    panel.get_by_role("textbox", name="Message").wait_for()
    return panel


def test_phone_with_a_notebook_and_a_terminal_open(
    phone: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    """On a phone JupyterLab shows one document at a time, the chat is a full-width view
    of its own in their place, nothing is wider than the screen, Send answers a tap, and
    every control of the chat is a 44 px target."""
    notebook = open_documents(phone)
    assert phone.evaluate("window.jupyterapp.shell.mode") == "single-document"
    assert outside_the_screen(phone) == []
    phone.evaluate("id => window.jupyterapp.shell.activateById(id)", notebook.get_attribute("id"))
    box = settled_box(notebook)
    # The notebook has the screen's width but for JupyterLab's two icon bars, not a column
    # beside a sidebar; its toolbar is one row.
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert box["width"] >= 300, box
    toolbar = notebook.locator(".jp-NotebookPanel-toolbar")
    button = toolbar.locator(".jp-ToolbarButtonComponent").first
    assert settled_box(toolbar)["height"] < 2 * settled_box(button)["height"]
    phone.screenshot(path=str(artifacts / "notebook-phone-light.png"))

    panel = start_chat(phone, lab_server, "Pocket phone")
    box = settled_box(panel)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert box["width"] >= 300, box
    assert not notebook.is_visible()  # the chat is a view of its own, in the documents' place
    message = panel.get_by_role("textbox", name="Message")
    message.tap()
    message.fill("Print the answer")
    panel.get_by_role("button", name="Send").tap()  # fails if anything else takes the tap
    reply = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply.wait_for(timeout=30_000)
    reply.locator("pre").first.wait_for()
    assert outside_the_screen(phone) == []
    assert panel.evaluate(SMALL_TARGETS_JS) == []
    for theme, shade in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        command(phone, "apputils:change-theme", {"theme": theme})
        light = "true" if shade == "light" else "false"
        phone.locator(f'body[data-jp-theme-light="{light}"]').wait_for(state="attached")
        phone.wait_for_timeout(300)  # the theme settles
        phone.screenshot(path=str(artifacts / f"chat-phone-{shade}.png"))
    command(phone, "apputils:change-theme", {"theme": "JupyterLab Light"})

    # Tapping the chat's icon again goes back to the documents, full width again.
    tap_chat_icon(phone)
    notebook.wait_for(state="visible")
    assert settled_box(notebook)["width"] >= 300
    assert outside_the_screen(phone) == []


def test_send_stays_above_the_on_screen_keyboard(
    phone: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    """With the keyboard open, the message box and Send stay in sight and answer a tap:
    when the browser resizes the page for the keyboard (Chrome on Android, asked to by the
    viewport's interactive-widget) and when it lays the keyboard over it (Safari on iOS:
    only the visual viewport shrinks)."""
    viewport = phone.evaluate("document.querySelector('meta[name=viewport]').content")
    assert "interactive-widget=resizes-content" in viewport
    open_documents(phone)
    panel = start_chat(phone, lab_server, "Pocket keyboard")
    message = panel.get_by_role("textbox", name="Message")
    send = panel.get_by_role("button", name="Send")
    above_keyboard = 844 - 336  # a phone keyboard is about 40 % of the screen

    message.tap()
    phone.set_viewport_size({"width": PHONE_WIDTH, "height": above_keyboard})
    for element in (message, send):
        box = settled_box(element)
        assert box["y"] >= 0 and box["y"] + box["height"] <= above_keyboard, box
    message.fill("Sent over the keyboard")
    send.tap()
    panel.locator(".jp-OmniPanel-message-user", has_text="Sent over the keyboard").wait_for()
    phone.screenshot(path=str(artifacts / "chat-phone-keyboard.png"))

    # The keyboard over the page: the layout keeps its height, the visual viewport shrinks.
    phone.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    message.tap()
    phone.evaluate(
        """(height) => {
            Object.defineProperty(visualViewport, "height", {get: () => height});
            visualViewport.dispatchEvent(new Event("resize"));
        }""",
        above_keyboard,
    )
    for element in (message, send):
        box = settled_box(element)
        assert box["y"] >= 0 and box["y"] + box["height"] <= above_keyboard, box
    message.fill("Sent over the laid-over keyboard")
    send.tap()
    panel.locator(".jp-OmniPanel-message-user", has_text="laid-over keyboard").wait_for()


def test_a_wider_screen_brings_the_documents_back_side_by_side(phone: Any, lab_server: Any) -> None:
    """Turning the phone (or widening the window) past 600 px gives back JupyterLab's
    usual layout: documents side by side in tabs, the chat beside them."""
    open_documents(phone)
    panel = tap_chat_icon(phone)
    panel.wait_for(state="visible")
    assert phone.evaluate("window.jupyterapp.shell.mode") == "single-document"
    phone.set_viewport_size({"width": 1024, "height": 768})
    phone.wait_for_function("window.jupyterapp.shell.mode === 'multiple-document'")
    dock = phone.locator("#jp-main-dock-panel")
    dock.wait_for(state="visible")
    assert phone.locator("#jp-main-dock-panel .lm-TabBar-tab").count() >= 2
    assert panel.is_visible()
    box = settled_box(panel)
    assert box["width"] < 600  # a sidebar again, beside the documents
