"""How the browser tests drive a chat's composer and header as a user does: `@` and the
context menu, the model dropdown, the chat's menu."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def add_context(panel: Any, query: str, option: str | None = None) -> None:
    """Type ``@query`` in the message box and pick from the @ menu: with Enter the first
    entry (which must be ``option`` when given), or ``option`` when it is not first."""
    message = panel.get_by_role("textbox", name="Message")
    message.press_sequentially(f"@{query}")
    menu = panel.get_by_role("listbox", name="Context to add")
    entries = menu.get_by_role("option")
    if option is None:
        option = f"@{query}:"
        entry = entries.first
        expect(entry).to_have_accessible_name(re.compile(f"^{re.escape(option)}"))
    else:
        entry = menu.get_by_role("option", name=option, exact=True)
        entry.wait_for()  # the project's files are listed once the menu opens
        for _ in range(entries.count()):  # the arrows move to it
            if entry.get_attribute("aria-selected") == "true":
                break
            message.press("ArrowDown")
    expect(entry).to_have_attribute("aria-selected", "true")
    message.press("Enter")
    expect(menu).to_have_count(0)


def model_button(panel: Any) -> Any:
    return panel.get_by_role("button", name=re.compile(r"^Model: "))


def choose_model(panel: Any, value: str) -> None:
    """Pick ``provider/model`` from the chat header's model dropdown (typed as a filter)."""
    model_button(panel).click()
    panel.get_by_role("combobox", name="Filter models").fill(value.split("/", 1)[1])
    panel.get_by_role("listbox", name="Models").get_by_role(
        "option", name=value, exact=True
    ).click()
    expect(model_button(panel)).to_have_accessible_name(f"Model: {value}")


def chat_menu(panel: Any, item: str) -> None:
    """Run an entry of the chat's "⋯" menu."""
    panel.get_by_role("button", name="Chat menu").click()
    panel.get_by_role("menu", name="Chat menu").get_by_role("menuitem", name=item).click()


def open_chat(page: Any, project: str, title: str) -> Any:
    """Open the chat ``title`` of ``project`` in the side panel; returns the panel."""
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.get_by_label("Project").select_option(label=project)
    panel.get_by_role("button", name=title, exact=True).click()
    panel.get_by_role("textbox", name="Message").wait_for()
    return panel


def put_file(lab_server: Any, path: str, content: Any, kind: str = "file") -> None:
    """Write a file (text), a notebook (JSON) or a directory through Jupyter's contents API."""
    body: dict[str, Any] = {"type": kind}
    if kind == "file":
        body |= {"format": "text", "content": content}
    elif kind == "notebook":
        body |= {"format": "json", "content": content}
    lab_server.request(f"api/contents/{path}", "PUT", body)
