"""A chat as Markdown, JSON (the lossless format, which imports back) or a notebook."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError
from .validation import parse_chat_fields, parse_imported_message

if TYPE_CHECKING:  # the repository imports SQLAlchemy, which server start must not load
    from .repository import ChatView, MessageView

FORMAT = "omnipanel-chat"
VERSION = 1
ROLE_NAMES = {"user": "User", "assistant": "Assistant", "system": "System"}
# A fenced code block: ```lang\n...\n```
FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
NOTEBOOK_CODE_LANGUAGES = {"", "python", "py", "python3", "ipython"}
CHAT_FIELDS = ("title", "tags", "pinned", "model", "system_prompt")  # what an export carries


def to_json(chat: ChatView, messages: list[MessageView]) -> dict[str, Any]:
    """Every message of the tree (branches included), parents before children."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "chat": {name: getattr(chat, name) for name in CHAT_FIELDS},
        "messages": [
            {
                "id": m.id,
                "parent_id": m.parent_id,
                "role": m.role,
                "content": m.content,
                "status": m.status,
                "context": m.context,
                "stats": m.stats,
                "created_at": m.created_at,
            }
            for m in sorted(messages, key=lambda m: m.created_at)
        ],
    }


def to_markdown(chat: ChatView, branch: list[MessageView]) -> str:
    """The shown branch, readable anywhere."""
    lines = [f"# {chat.title or 'Chat'}", ""]
    if chat.system_prompt:
        lines += [f"> System: {chat.system_prompt}", ""]
    for message in branch:
        who = ROLE_NAMES.get(message.role, message.role)
        if message.role == "assistant" and message.stats.get("model"):
            who += f" ({message.stats['provider']}/{message.stats['model']})"
        lines += [f"**{who}:**", "", message.content, ""]
    return "\n".join(lines)


def to_notebook(chat: ChatView, branch: list[MessageView]) -> dict[str, Any]:
    """Messages as Markdown cells; Python code blocks of replies as code cells."""
    import nbformat.v4 as nbf

    cells = [nbf.new_markdown_cell(f"# {chat.title or 'Chat'}")]
    for message in branch:
        cells.append(nbf.new_markdown_cell(f"**{ROLE_NAMES.get(message.role, message.role)}:**"))
        for kind, text in split_code_blocks(message.content):
            if kind == "code" and message.role == "assistant":
                cells.append(nbf.new_code_cell(text))
            else:  # a user's code stays as they wrote it
                fenced = text if kind == "markdown" else f"```\n{text}\n```"
                cells.append(nbf.new_markdown_cell(fenced))
    notebook = nbf.new_notebook(cells=cells)
    notebook.metadata["omnipanel"] = {"chat_title": chat.title}
    return dict(notebook)


def split_code_blocks(content: str) -> list[tuple[str, str]]:
    """[("markdown", text) | ("code", source)]; non-Python fences stay Markdown."""
    parts: list[tuple[str, str]] = []
    position = 0
    for match in FENCE.finditer(content):
        if match.group(1).lower() not in NOTEBOOK_CODE_LANGUAGES:
            continue
        parts.append(("markdown", content[position : match.start()].strip()))
        parts.append(("code", match.group(2).rstrip("\n")))
        position = match.end()
    parts.append(("markdown", content[position:].strip()))
    return [(kind, text) for kind, text in parts if text]


def parse_import(payload: Any) -> dict[str, Any]:
    """Check an exported chat (JSON) before anything is written, everything that will be
    stored as a sent chat and message are checked; the checked export, normalized (so
    checking it again gives the same)."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InvalidInputError(f"This is not an OmniPanel chat export (format '{FORMAT}').")
    if payload.get("version") != VERSION:
        raise InvalidInputError(f"Chat exports of version {payload.get('version')} are unknown.")
    chat = payload.get("chat", {})
    if chat is None:
        chat = {}
    if not isinstance(chat, dict):
        raise InvalidInputError("The export's 'chat' must be an object.")
    chat = {name: chat[name] for name in CHAT_FIELDS if name in chat}
    parse_chat_fields({"project_id": "", **chat}, creating=True)
    messages = payload.get("messages")
    if not isinstance(messages, list):
        raise InvalidInputError("The export has no 'messages' list.")
    roles: dict[str, str] = {}
    checked = [parse_imported_message(item, index, roles) for index, item in enumerate(messages)]
    return {"format": FORMAT, "version": VERSION, "chat": chat, "messages": checked}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)
