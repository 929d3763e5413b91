"""The chat list of the side panel in a real JupyterLab: chats stored with their first
message (no empty ones), grouped by date with pins first, acted on from a context menu and
the keyboard, searched; the panel reopens on its project and chat after a reload and
follows the project chosen in the Projects panel; a restored tab of a deleted chat closes
with a notice."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fakes.composer import choose_model
from fakes.lab import command
from playwright.sync_api import expect
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from omnipanel_lab.store.models import Chat

pytestmark = pytest.mark.ui

DONE = '.jp-OmniPanel-message-assistant[data-status="complete"]'


def chat_panel(page: Any) -> Any:
    command(page, "omnipanel:open-chat")
    panel = page.locator("#omnipanel-chat")
    panel.wait_for(state="visible")
    return panel


def chats_of(lab_server: Any, project: dict[str, Any]) -> list[dict[str, Any]]:
    return list(lab_server.api(f"chats?project_id={project['id']}")["items"])


def set_updated(lab_server: Any, chat_id: str, when: datetime) -> None:
    """Date a chat's last activity, in the store the server uses (its default SQLite)."""
    path = lab_server.root_dir.parent / "data" / "omnipanel" / "omnipanel.db"
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        session.execute(update(Chat).where(Chat.id == uuid.UUID(chat_id)).values(updated_at=when))
    engine.dispose()


def saved_panel_state(lab_server: Any, wanted: dict[str, Any]) -> None:
    """Wait until JupyterLab has saved the chat panel's state to the server."""
    data: dict[str, Any] = {}
    for _ in range(100):
        request = urllib.request.Request(
            f"{lab_server.url}lab/api/workspaces/default",
            headers={"Authorization": f"token {lab_server.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            data = json.loads(response.read()).get("data", {})
        if data.get("omnipanel-lab:chat-panel") == wanted:
            return
        time.sleep(0.1)
    raise AssertionError(f"the panel state never saved {wanted}: {data}")


def reload(page: Any) -> None:
    page.reload()
    page.wait_for_selector("#jp-main-dock-panel", state="visible", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored")


def test_new_chat_is_stored_only_when_its_first_message_is_sent(
    page: Any, lab_server: Any, fake_openai: Any
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Drafts"})
    panel = chat_panel(page)
    panel.get_by_label("Project").select_option(label="Drafts")

    # "New chat" and back, twice, then palette -> New Chat: nothing is stored.
    for _ in range(2):
        panel.get_by_role("button", name="New chat").click()
        expect(panel.get_by_role("textbox", name="Message")).to_be_focused()
        panel.get_by_role("button", name="Back to chats").click()
    command(page, "omnipanel:new-chat")
    message = panel.get_by_role("textbox", name="Message")
    expect(message).to_be_focused()
    assert chats_of(lab_server, project) == []
    expect(panel.get_by_role("button", name="Open in a tab")).to_have_count(0)

    # The model chosen in the draft goes with the first message.
    choose_model(panel, "scripted/code")
    message.fill("Write the answer")
    message.press("Enter")
    panel.locator(DONE).wait_for(timeout=30_000)
    stored = chats_of(lab_server, project)
    assert [(c["title"], c["model"]) for c in stored] == [
        ("Write the answer", {"provider": "scripted", "model": "code"})
    ]
    assert fake_openai.requests[-1]["model"] == "code"
    panel.get_by_role("button", name="Back to chats").click()
    rows = panel.get_by_label("Chats").locator(".jp-OmniPanel-chatOpen")
    expect(rows).to_have_text(["Write the answer"])


def test_chats_are_grouped_by_date_and_acted_on_by_menu_and_keyboard(
    page: Any, lab_server: Any, screenshots: Any
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Dated"})
    now = datetime.now(UTC)
    # Earlier today in the browser's time zone (this machine's), even just after midnight.
    local = datetime.now().astimezone()
    hours = 3 if local.hour >= 4 else 0
    dated = {
        "Pinned long ago": now - timedelta(days=90),
        "Three hours ago": now - timedelta(hours=hours, minutes=0 if hours else 1),
        "Started just now": now,
        "Four days ago": now - timedelta(days=4),
        "Last spring": now - timedelta(days=300),
        "Older still": now - timedelta(days=400),
    }
    ids = {}
    for title, when in dated.items():
        ids[title] = lab_server.api("chats", "POST", {"project_id": project["id"], "title": title})[
            "id"
        ]
        set_updated(lab_server, ids[title], when)
    lab_server.api(f"chats/{ids['Pinned long ago']}", "PATCH", {"pinned": True})

    panel = chat_panel(page)
    panel.get_by_label("Project").select_option(label="Dated")
    chats = panel.get_by_label("Chats")

    def group(name: str) -> Any:
        return chats.get_by_role("region", name=name, exact=True).locator(".jp-OmniPanel-chatOpen")

    expect(group("Pinned")).to_have_text(["Pinned long ago"])
    expect(group("Today")).to_have_text(["Started just now", "Three hours ago"])
    expect(group("Previous 7 days")).to_have_text(["Four days ago"])
    expect(group("Older")).to_have_text(["Last spring", "Older still"])
    # Title, project and a relative date; the full date on hover.
    row = chats.locator(".jp-OmniPanel-chatRow", has_text="Three hours ago")
    expect(row.locator(".jp-OmniPanel-chatProject")).to_have_text("Dated")
    expect(row.locator("time")).to_have_text("3 h ago" if hours else "1 min ago")
    older = dated["Older still"]
    assert str(older.year) in chats.locator(
        ".jp-OmniPanel-chatRow", has_text="Older still"
    ).locator("time").get_attribute("title")

    # Right click -> Pin: the chat joins the pinned ones.
    panel_row = chats.locator(".jp-OmniPanel-chatRow", has_text="Last spring")
    panel_row.click(button="right")
    menu = page.locator(".jp-OmniPanel-chatListMenu")
    menu.get_by_text("Pin", exact=True).click()
    expect(group("Pinned")).to_have_text(["Pinned long ago", "Last spring"])
    assert lab_server.api(f"chats/{ids['Last spring']}")["pinned"] is True

    # The "..." button -> Rename.
    chats.get_by_role("button", name="More actions for Four days ago").click()
    menu.get_by_text("Rename…").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("Renamed by menu")
    dialog.locator("input").press("Enter")
    expect(group("Previous 7 days")).to_have_text(["Renamed by menu"])
    assert lab_server.api(f"chats/{ids['Four days ago']}")["title"] == "Renamed by menu"
    expect(page.locator(".jp-Dialog")).to_have_count(0)

    # Keyboard: arrows move, F2 renames, Delete deletes after asking, Enter opens.
    first = group("Pinned").first
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(group("Pinned").nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(group("Today").nth(1)).to_be_focused()  # "Three hours ago"
    page.keyboard.press("F2")
    dialog.locator("input").fill("Renamed by keyboard")
    page.keyboard.press("Enter")
    expect(group("Today")).to_have_text(["Started just now", "Renamed by keyboard"])
    expect(group("Today").nth(1)).to_be_focused()
    page.keyboard.press("Delete")
    expect(dialog).to_contain_text("Renamed by keyboard")
    dialog.get_by_role("button", name="Cancel").click()
    expect(group("Today")).to_have_count(2)
    group("Today").nth(1).focus()
    page.keyboard.press("Delete")
    dialog.get_by_role("button", name="Delete").click()
    expect(group("Today")).to_have_text(["Started just now"])
    titles = [c["title"] for c in chats_of(lab_server, project)]
    assert "Renamed by keyboard" not in titles and len(titles) == 5
    # The focus goes to the row that took the deleted one's place.
    expect(group("Previous 7 days").first).to_be_focused()
    page.keyboard.press("Shift+F10")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(group("Previous 7 days").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.locator(".jp-OmniPanel-chatTitle")).to_have_text("Renamed by menu")
    # Last: the screenshots leave JupyterLab's layout resized (desktop, phone, desktop).
    panel.get_by_role("button", name="Back to chats").click()
    screenshots("chat-list")


def test_search_finds_titles_of_every_project_and_messages(page: Any, lab_server: Any) -> None:
    here = lab_server.api("projects", "POST", {"name": "Harbour"})
    there = lab_server.api("projects", "POST", {"name": "Inland"})
    lab_server.api("chats", "POST", {"project_id": here["id"], "title": "Tide tables"})
    lab_server.api("chats", "POST", {"project_id": there["id"], "title": "River tides"})
    exported = {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": "Weather", "tags": [], "pinned": False, "model": None},
        "messages": [
            {
                "id": str(uuid.uuid4()),
                "parent_id": None,
                "role": "user",
                "content": "When is the next spring tide at the pier?",
                "status": "complete",
                "context": [],
                "stats": {},
                "created_at": None,
            }
        ],
    }
    lab_server.api(f"chats/import?project_id={here['id']}", "POST", exported)

    panel = chat_panel(page)
    panel.get_by_label("Project").select_option(label="Harbour")
    panel.get_by_label("Search chats").fill("tide")  # searched as it is typed
    titles = panel.get_by_role("region", name="Titles").locator(".jp-OmniPanel-chatRow")
    expect(titles).to_have_count(2)
    inland = titles.filter(has_text="River tides")
    expect(inland.locator(".jp-OmniPanel-chatProject")).to_have_text("Inland")
    hit = panel.get_by_label("Search results").get_by_role("button")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark")).to_have_text("tide")
    page.screenshot(path=str(lab_server.root_dir.parent / "search.png"))
    hit.click()
    panel.locator(".jp-OmniPanel-message-user").get_by_text("next spring tide").wait_for()
    panel.get_by_role("button", name="Back to chats").click()
    search = panel.get_by_label("Search chats")
    search.press("Escape")  # back to the project's list
    expect(search).to_have_value("")
    expect(panel.get_by_label("Chats").locator(".jp-OmniPanel-chatOpen")).to_have_count(2)


def test_the_panel_follows_the_projects_panel_and_reopens_after_a_reload(
    page: Any, lab_server: Any
) -> None:
    first = lab_server.api("projects", "POST", {"name": "Aardvark"})  # first by name
    chosen = lab_server.api("projects", "POST", {"name": "Zebra"})
    lab_server.api("chats", "POST", {"project_id": chosen["id"], "title": "Stripes"})
    panel = chat_panel(page)
    picker = panel.get_by_label("Project")

    # Choosing a project in the Projects panel shows its chats in the chat panel...
    command(page, "omnipanel:open-projects")
    projects = page.locator("#omnipanel-projects")
    projects.locator(f'[data-project-id="{chosen["id"]}"] .jp-OmniPanel-projectFolder').click()
    expect(picker).to_have_value(chosen["id"])
    expect(panel.get_by_label("Chats").locator(".jp-OmniPanel-chatOpen")).to_have_text(["Stripes"])
    # ... and the chat panel's choice is the Projects panel's selection.
    picker.select_option(label="Aardvark")
    expect(projects.locator(f'[data-project-id="{first["id"]}"]')).to_have_attribute(
        "aria-current", "true"
    )
    projects.locator(f'[data-project-id="{chosen["id"]}"] .jp-OmniPanel-projectFolder').click()
    expect(picker).to_have_value(chosen["id"])

    # Palette -> New Chat files the chat in the chosen project.
    command(page, "omnipanel:new-chat")
    choose_model(panel, "scripted/code")
    message = panel.get_by_role("textbox", name="Message")
    message.fill("Count the stripes")
    message.press("Enter")
    panel.locator(DONE).wait_for(timeout=30_000)
    assert chats_of(lab_server, first) == []
    new = next(c for c in chats_of(lab_server, chosen) if c["title"] == "Count the stripes")
    saved_panel_state(lab_server, {"projectId": chosen["id"], "chatId": new["id"]})

    # After a reload: the same chat, the same project, in both panels.
    reload(page)
    panel = page.locator("#omnipanel-chat")
    expect(panel.locator(".jp-OmniPanel-chatTitle")).to_have_text("Count the stripes")
    panel.locator(DONE).wait_for()
    panel.get_by_role("button", name="Back to chats").click()
    expect(panel.get_by_label("Project")).to_have_value(chosen["id"])
    command(page, "omnipanel:open-projects")
    expect(
        page.locator(f'#omnipanel-projects [data-project-id="{chosen["id"]}"]')
    ).to_have_attribute("aria-current", "true")


def test_a_restored_tab_of_a_deleted_chat_closes_with_a_notice(page: Any, lab_server: Any) -> None:
    project = lab_server.api("projects", "POST", {"name": "Vanishing"})
    kept = lab_server.api("chats", "POST", {"project_id": project["id"], "title": "Stays"})
    gone = lab_server.api("chats", "POST", {"project_id": project["id"], "title": "Goes"})
    for chat in (kept, gone):
        command(page, "omnipanel:open-chat-in-tab", {"chatId": chat["id"]})
    tabs = page.locator("#jp-main-dock-panel .lm-TabBar-tab")
    expect(tabs.filter(has_text="Goes")).to_have_count(1)
    for _ in range(100):  # JupyterLab saves its layout a moment later
        request = urllib.request.Request(
            f"{lab_server.url}lab/api/workspaces/default",
            headers={"Authorization": f"token {lab_server.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            data = json.loads(response.read()).get("data", {})
        if f"omnipanel-chat:{gone['id']}" in data:
            break
        time.sleep(0.1)
    lab_server.api(f"chats/{gone['id']}", "DELETE")  # e.g. from another browser tab

    reload(page)
    expect(tabs.filter(has_text="Stays")).to_have_count(1)
    notice = page.locator(".jp-Notification-Toast-warning, .Toastify__toast")
    expect(notice.first).to_contain_text("A chat tab was closed")
    expect(tabs.filter(has_text="Goes")).to_have_count(0)
    expect(page.locator(".jp-Dialog")).to_have_count(0)
