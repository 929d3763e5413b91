"""A long chat in a real JupyterLab: the message list is virtual. Only the rows in view
are in the DOM; scrolling up loads earlier messages without moving what the user reads;
a new reply is followed at the bottom. The chat is brought in through the chat import API
(1,500 messages); replies come from the loopback OpenAI-format server of tests/ui."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

MESSAGES = 1_500
MAX_ROWS_IN_DOM = 40  # what a panel shows plus the overscan above and below


def long_chat(count: int) -> dict[str, Any]:
    """An exported chat of ``count`` messages on one branch, of varied heights."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    messages, parent = [], None
    for index in range(count):
        role = "user" if index % 2 == 0 else "assistant"
        lines = 1 + (index * 7) % 9  # 1-9 lines
        body = "\n\n".join(f"Line {n} of message {index}." for n in range(lines))
        if role == "assistant" and index % 10 == 1:
            body += f"\n\n```python\nprint({index})\n```"
        message_id = str(uuid.uuid4())
        messages.append(
            {
                "id": message_id,
                "parent_id": parent,
                "role": role,
                "content": f"Message {index}\n\n{body}",
                "status": "complete",
                "context": [],
                "stats": {},
                "created_at": (start + timedelta(seconds=index)).isoformat(),
            }
        )
        parent = message_id
    return {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": "A very long chat", "tags": [], "pinned": False, "model": None},
        "messages": messages,
    }


VISIBLE_IDS = """view => {
    const box = view.getBoundingClientRect();
    return [...view.querySelectorAll('[data-message-id]')]
        .filter(el => {
            const r = el.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
        })
        .map(el => el.dataset.messageId);
}"""


def test_a_long_chat_renders_only_what_is_in_view_and_loads_earlier_on_scroll(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Long"})
    exported = long_chat(MESSAGES)
    chat = lab_server.api(f"chats/import?project_id={project['id']}", "POST", exported)
    branch = [m["id"] for m in lab_server.api(f"chats/{chat['id']}")["messages"]]
    assert len(branch) == MESSAGES  # the import gives messages new ids
    ids = branch[-60:]  # the browser asks for the last 60

    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.get_by_label("Project").select_option(label="Long")
    panel.get_by_role("button", name="A very long chat").first.click()
    view = panel.locator(".jp-OmniPanel-messages")
    newest = panel.locator(f'[data-message-id="{ids[-1]}"]')
    expect(newest).to_be_in_viewport()
    rows = panel.locator(".jp-OmniPanel-message")
    assert 0 < rows.count() <= MAX_ROWS_IN_DOM
    page.screenshot(path=str(artifacts / "chat-long-end.png"))

    # Scroll to the top of what is loaded: earlier messages load above, and the message
    # that was at the top stays in view.
    top_before = ids[0]
    view.evaluate("view => { view.scrollTop = 0; }")
    earlier = panel.locator(f'[data-message-id="{branch[-61]}"]')
    earlier.wait_for(state="attached")
    expect(panel.locator(f'[data-message-id="{top_before}"]')).to_be_in_viewport()

    # All the way up: the chat's first message, and still only a window of rows.
    first = panel.locator(f'[data-message-id="{branch[0]}"]')
    for _ in range(12):  # loads double in size: 60 -> 120 -> ... -> 1,500 in 5 loads
        view.evaluate("view => { view.scrollTop = 0; }")
        if first.count():
            break
        page.wait_for_timeout(300)
    expect(first).to_be_in_viewport()
    assert rows.count() <= MAX_ROWS_IN_DOM
    assert view.evaluate(VISIBLE_IDS)[0] == branch[0]
    page.screenshot(path=str(artifacts / "chat-long-top.png"))

    # A new message from the top of the chat: the view goes to the end and follows the
    # reply while it streams.
    lab_server.api(
        f"chats/{chat['id']}", "PATCH", {"model": {"provider": "scripted", "model": "slow"}}
    )
    message = panel.get_by_role("textbox", name="Message")
    message.fill("And one more thing")
    message.press("Enter")
    streaming = panel.locator('.jp-OmniPanel-message-assistant[data-status="streaming"]')
    streaming.wait_for(timeout=30_000)
    page.wait_for_timeout(1_500)  # a few dozen words later
    expect(streaming).to_be_in_viewport()
    gap = view.evaluate("v => v.scrollHeight - v.scrollTop - v.clientHeight")
    assert gap < 40
    assert rows.count() <= MAX_ROWS_IN_DOM
    page.keyboard.press("Escape")
    panel.locator('.jp-OmniPanel-message-assistant[data-status="stopped"]').wait_for()
