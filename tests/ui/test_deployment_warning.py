"""The server's warnings about its set-up, in the browser: a lab started as JupyterHub
starts a user's server (JUPYTERHUB_USER set) on a PostgreSQL store lists
``shared-postgres-under-jupyterhub`` in GET /status, and the chat panel and chat tabs show
it as a banner (role=alert) above everything else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.lab import LabServer, running_lab
from playwright.sync_api import expect

pytestmark = pytest.mark.ui


@pytest.fixture
def lab_server(tmp_path: Path, postgres_url: str) -> Iterator[LabServer]:
    """This module's lab: a hub user's server on a PostgreSQL store."""
    with running_lab(
        tmp_path, f"--OmniPanelApp.db_url={postgres_url}", env={"JUPYTERHUB_USER": "alice"}
    ) as server:
        yield server


def test_a_shared_store_under_jupyterhub_is_a_banner_over_the_chat(
    page: Any, lab_server: LabServer, screenshots: Any
) -> None:
    warnings = lab_server.api("status")["warnings"]
    assert [warning["id"] for warning in warnings] == ["shared-postgres-under-jupyterhub"]
    message = warnings[0]["message"]
    project = lab_server.api("projects", "POST", {"name": "Warned"})
    chat = lab_server.api("chats", "POST", {"project_id": project["id"], "title": "Warned"})

    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    banner = panel.get_by_role("alert").filter(has_text=message)
    expect(banner).to_be_visible()  # over the list of chats
    panel.get_by_label("Project").select_option(label="Warned")
    panel.get_by_role("button", name="Warned", exact=True).click()
    panel.get_by_role("textbox", name="Message").wait_for()
    expect(banner).to_be_visible()  # over an open chat
    panel.get_by_role("button", name="Open in a tab").click()
    tab = page.locator(f"#omnipanel-chat-{chat['id']}")
    in_tab = tab.get_by_role("alert").filter(has_text=message)
    expect(in_tab).to_be_visible()
    # Its first lines show; the whole message is one click away.
    in_tab.get_by_role("button", name="More").click()
    expect(in_tab.get_by_role("button", name="Less")).to_have_attribute("aria-expanded", "true")
    screenshots("chat-server-warning")
