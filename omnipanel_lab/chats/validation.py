"""Turning untrusted JSON into checked chat fields, messages and queries."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..common import MAX_PAGE, int_arg, parse_id, parse_utc, parse_uuid, whole_number
from ..errors import InvalidInputError, PayloadTooLargeError
from ..projects.validation import normalize_folder, normalize_tags, text_field

MAX_TITLE = 200
MAX_SYSTEM_PROMPT = 20_000
MAX_MESSAGE = 100_000
MAX_CONTEXT_ITEMS = 20
MAX_CONTEXT_TEXT = 200_000
MAX_QUERY = 200
MAX_PROVIDER = 64  # the lengths of the store's columns
MAX_MODEL = 255
CONTEXT_KINDS = ("file", "notebook", "cell", "selection", "terminal", "diff", "text")
NOTE_KINDS = ("history",)  # chips the server puts on a reply (what the model did not see)
# A reply of 32,768 tokens is ~130k characters; PostgreSQL indexes up to ~1 MB per text.
MAX_IMPORTED_REPLY = 300_000
MAX_PROVIDER = 64  # the columns' lengths
MAX_MODEL = 255
KEPT_STATUSES = ("complete", "failed", "stopped")
# Stats an import keeps, with the length of their column.
IMPORTED_STATS = {"provider": 64, "model": 255, "finish_reason": 32, "error": 20_000}

CHAT_FIELDS = ("project_id", "title", "tags", "pinned", "model", "system_prompt")
EDITABLE_FIELDS = ("title", "tags", "pinned", "model", "system_prompt", "active_leaf_id")
MESSAGE_FIELDS = ("content", "parent_id", "context", "model", "max_tokens", "attachments")
MAX_IMAGES = 4
# What the providers take per image (OpenAI's limit; Anthropic and Gemini take less, and
# say so in their own error): a bigger file is refused before it is ever read.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass
class ChatFields:
    """Checked values of a chat create or update; ``present`` says which were sent."""

    project_id: str = ""
    title: str = ""
    tags: list[str] = field(default_factory=list)
    pinned: bool = False
    provider: str | None = None
    model: str | None = None
    system_prompt: str = ""
    active_leaf_id: uuid.UUID | None = None
    present: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NewMessage:
    """A user message to add: under ``parent_id`` (None: the end of the shown branch,
    or a new root when the chat is empty or ``root`` is set)."""

    content: str
    parent_id: uuid.UUID | None
    root: bool
    context: list[dict[str, str]]
    attachments: list[dict[str, str]]
    provider: str | None
    model: str | None
    max_tokens: int


@dataclass(frozen=True)
class SearchQuery:
    text: str
    project_id: str | None = None
    tag: str | None = None
    model: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20


def parse_chat_fields(payload: Any, *, creating: bool) -> ChatFields:
    if not isinstance(payload, dict):
        raise InvalidInputError("The request body must be a JSON object.")
    allowed = CHAT_FIELDS if creating else EDITABLE_FIELDS
    unknown = sorted(set(payload) - set(allowed))
    if unknown:
        raise InvalidInputError(f"Unknown field(s): {', '.join(unknown)}.")
    if creating and not isinstance(payload.get("project_id"), str):
        raise InvalidInputError("A chat belongs to a project: send 'project_id'.")
    if not creating and not payload:
        raise InvalidInputError("Nothing to change: send at least one field.")
    fields = ChatFields(present=frozenset(payload))
    if creating:
        fields.project_id = payload["project_id"]
    if "title" in payload:
        fields.title = no_nul(text_field(payload["title"], "title", MAX_TITLE), "title")
    if "tags" in payload:
        fields.tags = normalize_tags(payload["tags"])
    if "pinned" in payload:
        if not isinstance(payload["pinned"], bool):
            raise InvalidInputError("'pinned' must be true or false.")
        fields.pinned = payload["pinned"]
    if "model" in payload:
        fields.provider, fields.model = parse_model_choice(payload["model"])
    if "system_prompt" in payload:
        prompt = text_field(payload["system_prompt"], "system_prompt", MAX_SYSTEM_PROMPT)
        fields.system_prompt = no_nul(prompt, "system_prompt")
    if "active_leaf_id" in payload:
        fields.active_leaf_id = parse_message_id(payload["active_leaf_id"])
    return fields


def parse_model_choice(value: Any) -> tuple[str | None, str | None]:
    """``{"provider", "model"}`` or null (use the project's or the server's default)."""
    if value is None:
        return None, None
    if (
        not isinstance(value, dict)
        or set(value) - {"provider", "model"}
        or not isinstance(value.get("provider"), str)
        or not value["provider"]
        or not isinstance(value.get("model", ""), str)
        or len(value["provider"]) > MAX_PROVIDER
        or len(value.get("model", "")) > MAX_MODEL
    ):
        raise InvalidInputError('\'model\' must be {"provider": "...", "model": "..."} or null.')
    provider, model = value["provider"], value.get("model", "")
    if len(provider) > MAX_PROVIDER or len(model) > MAX_MODEL:
        raise InvalidInputError(
            f"A provider id has at most {MAX_PROVIDER} characters, a model {MAX_MODEL}."
        )
    return no_nul(provider, "provider"), no_nul(model, "model")


def parse_new_message(payload: Any) -> NewMessage:
    if not isinstance(payload, dict):
        raise InvalidInputError("The request body must be a JSON object.")
    unknown = sorted(set(payload) - set(MESSAGE_FIELDS))
    if unknown:
        raise InvalidInputError(f"Unknown field(s): {', '.join(unknown)}.")
    content = payload.get("content")
    if not isinstance(content, str) or not content.strip():
        raise InvalidInputError("The message is empty: type something to send.")
    no_nul(content, "content")
    if len(content) > MAX_MESSAGE:
        raise PayloadTooLargeError(
            f"The message is longer than {MAX_MESSAGE:,} characters; attach it as a file."
        )
    parent = payload.get("parent_id")
    provider, model = parse_model_choice(payload.get("model"))
    max_tokens = whole_number(payload.get("max_tokens", 1024))
    if max_tokens is None or max_tokens < 1:
        raise InvalidInputError("'max_tokens' must be a positive integer.")
    return NewMessage(
        content=content,
        parent_id=None if parent in (None, "root") else parse_message_id(parent),
        root=parent == "root",
        context=parse_context(payload.get("context", [])),
        attachments=parse_attachments(payload.get("attachments", [])),
        provider=provider,
        model=model,
        max_tokens=min(max_tokens, 32_768),
    )


def parse_context(value: Any, kinds: tuple[str, ...] = CONTEXT_KINDS) -> list[dict[str, str]]:
    """Context items from the ``@`` menu: ``{"kind", "label", "text"}`` each."""
    if not isinstance(value, list):
        raise InvalidInputError("'context' must be a list of {kind, label, text} items.")
    if len(value) > MAX_CONTEXT_ITEMS:
        raise InvalidInputError(f"At most {MAX_CONTEXT_ITEMS} context items per message.")
    items, total = [], 0
    for index, item in enumerate(value):
        if (
            not isinstance(item, dict)
            or set(item) - {"kind", "label", "text"}
            or item.get("kind") not in kinds
            or not isinstance(item.get("text"), str)
            or not isinstance(item.get("label", ""), str)
        ):
            raise InvalidInputError(
                f"Context item {index} must be {{kind, label, text}} with kind one of "
                f"{', '.join(kinds)}."
            )
        label, text = no_nul(item.get("label", ""), "label"), no_nul(item.get("text", ""), "text")
        total += len(text)
        items.append({"kind": item["kind"], "label": label, "text": text})
    if total > MAX_CONTEXT_TEXT:
        raise PayloadTooLargeError(
            f"The context is longer than {MAX_CONTEXT_TEXT:,} characters; remove some items."
        )
    return items


def parse_attachments(value: Any) -> list[dict[str, str]]:
    """Images by reference: ``{"kind": "image", "path", "media_type"}``, a file of the
    contents tree (the service checks it is in the chat's project and exists)."""
    if not isinstance(value, list) or len(value) > MAX_IMAGES:
        raise InvalidInputError(f"'attachments' must be a list of at most {MAX_IMAGES} images.")
    items = []
    for index, item in enumerate(value):
        if (
            not isinstance(item, dict)
            or item.get("kind") != "image"
            or item.get("media_type") not in IMAGE_TYPES
            or not isinstance(item.get("path"), str)
        ):
            raise InvalidInputError(
                f"Attachment {index} must be {{kind: 'image', path, media_type}} with a media "
                f"type of {', '.join(IMAGE_TYPES)}."
            )
        try:
            path = normalize_folder(item["path"])
        except InvalidInputError:
            message = f"Attachment {index}: '{item['path']}' is not a file path."
            raise InvalidInputError(message) from None
        items.append({"kind": "image", "path": path, "media_type": item["media_type"]})
    return items


def no_nul(text: str, name: str) -> str:
    """Text a store can hold: PostgreSQL's text refuses the NUL character."""
    if "\x00" in text:
        raise InvalidInputError(f"'{name}' contains a NUL character (\\u0000).")
    return text


def parse_imported_message(item: Any, index: int, roles: dict[str, str]) -> dict[str, Any]:
    """One message of a chat export, checked as a sent message is (and normalized):
    ``roles`` maps the ids seen so far (parents come first) to their role."""
    where = f"Message {index} of the export"
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise InvalidInputError(f"{where} is malformed (it needs an 'id').")
    role, parent, content = item.get("role"), item.get("parent_id"), item.get("content")
    if role not in ("user", "assistant") or not isinstance(content, str):
        raise InvalidInputError(f"{where} needs a 'role' (user or assistant) and 'content'.")
    if item["id"] in roles:
        raise InvalidInputError(f"{where} repeats the id '{item['id']}'.")
    if parent is not None and (not isinstance(parent, str) or parent not in roles):
        raise InvalidInputError(f"{where} comes before its parent.")
    if role == "assistant" and (parent is None or roles[parent] != "user"):
        raise InvalidInputError(f"{where} is a reply that answers no user message.")
    if role == "user" and parent is not None and roles[parent] != "assistant":
        raise InvalidInputError(f"{where} answers another user message.")
    limit = MAX_MESSAGE if role == "user" else MAX_IMPORTED_REPLY
    if len(content) > limit:
        raise PayloadTooLargeError(f"{where} is longer than {limit:,} characters.")
    try:
        context = parse_context(item.get("context") or [], (*CONTEXT_KINDS, *NOTE_KINDS))
        no_nul(content, "content")
    except InvalidInputError as error:
        raise type(error)(f"{where}: {error.message}") from None
    stats = item.get("stats") if isinstance(item.get("stats"), dict) else {}
    kept = {}
    for name, length in IMPORTED_STATS.items():
        value = stats.get(name)
        if isinstance(value, str):
            if len(value) > length:
                raise InvalidInputError(f"{where}: '{name}' is longer than {length} characters.")
            kept[name] = no_nul(value, name)
    status = item.get("status")
    if role == "user":
        status = "complete"
    elif status not in KEPT_STATUSES:
        status = "failed"  # e.g. a reply exported while it streamed
    try:
        created_at = parse_utc(str(item.get("created_at")))
    except ValueError:
        created_at = None  # the import's time; the order of branches is kept anyway
    roles[item["id"]] = role
    return {
        "id": item["id"],
        "parent_id": parent,
        "role": role,
        "content": content,
        "status": status,
        "context": context,
        "stats": kept,
        "created_at": created_at,
    }


def parse_message_id(value: Any) -> uuid.UUID:
    """A message id; a malformed one is simply not found (like any other unknown id)."""
    return parse_id(value, f"No message with id '{value}' in this chat.")


def parse_id_filter(value: str | None, name: str) -> str | None:
    """An id given as a query filter: absent, or a UUID (anything else is a 400, not an
    empty result that hides the typo)."""
    if value is None:
        return None
    parsed = parse_uuid(value)
    if parsed is None:
        raise InvalidInputError(f"'{name}' must be an id like {uuid.UUID(int=0)}.")
    return str(parsed)


def parse_id_list(values: list[str], name: str) -> list[str] | None:
    """Repeated ids of a query (``?id=a&id=b``): none given means no filter."""
    if not values:
        return None
    if len(values) > MAX_PAGE:
        raise InvalidInputError(f"At most {MAX_PAGE} '{name}' values at once.")
    return [str(parse_id_filter(value, name)) for value in values]


def parse_title_filter(value: str | None) -> str | None:
    """``?q=`` of the chat list: a piece of the title (any case); blank means no filter."""
    if value is None:
        return None
    if len(value) > MAX_QUERY:  # before stripping: the document's limit is on what is sent
        raise InvalidInputError(f"'q' is longer than {MAX_QUERY} characters.")
    return no_nul(value.strip(), "q") or None


def parse_search_query(args: dict[str, list[str]]) -> SearchQuery:
    def one(name: str) -> str | None:
        values = args.get(name)
        return values[-1] if values else None

    text = (one("q") or "").strip()
    if not text:
        raise InvalidInputError("Type something to search for ('q').")
    if len(text) > MAX_QUERY:
        raise InvalidInputError(f"'q' is longer than {MAX_QUERY} characters.")
    tag = one("tag")
    return SearchQuery(
        text=text,
        project_id=parse_id_filter(one("project_id"), "project_id"),
        tag=normalize_tags([tag])[0] if tag is not None else None,
        model=one("model") or None,
        since=_date(one("since"), "since"),
        until=_date(one("until"), "until"),
        limit=int_arg(one("limit") or "20", "limit", 1, MAX_PAGE),
    )


def search_terms(text: str) -> list[str]:
    """The words of a query (letters and digits); punctuation never reaches the engine."""
    return re.findall(r"\w+", text.lower())[:20]


def _date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        raise InvalidInputError(f"'{name}' must be an ISO date, e.g. 2026-01-31.") from None
