"""Turning untrusted JSON into checked project fields, with messages fit for a user."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..common import MAX_PAGE, int_arg
from ..errors import InvalidInputError

MAX_NAME = 200
MAX_DESCRIPTION = 10_000
MAX_FOLDER = 1024
MAX_TAGS = 50
MAX_TAG = 50
MAX_ICON = 64
MAX_MODEL_SETTINGS_BYTES = 16_384
MAX_CONTEXT_FILES = 20
SORT_KEYS = ("updated", "-updated", "name", "-name", "created", "-created")

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 control characters

EDITABLE_FIELDS = (
    "name",
    "description",
    "folder",
    "tags",
    "icon",
    "color",
    "model",
    "favorite",
    "context_files",
)


@dataclass
class ProjectFields:
    """Checked values of a create or update request; ``present`` says which were sent."""

    name: str = ""
    description: str = ""
    folder: str | None = None
    tags: list[str] = field(default_factory=list)
    icon: str | None = None
    color: str | None = None
    model: dict[str, Any] = field(default_factory=dict)
    favorite: bool = False
    context_files: list[str] = field(default_factory=list)
    present: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProjectQuery:
    """Filters, order and page of a project list."""

    text: str = ""
    tags: tuple[str, ...] = ()
    favorite: bool | None = None
    sort: str = "-updated"
    limit: int = 50
    offset: int = 0


def parse_project_fields(payload: Any, *, creating: bool) -> ProjectFields:
    """Check a JSON object of project fields; unknown fields are refused, not ignored."""
    if not isinstance(payload, dict):
        raise InvalidInputError("The request body must be a JSON object.")
    unknown = sorted(set(payload) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInputError(f"Unknown field(s): {', '.join(unknown)}.")
    if creating and "name" not in payload:
        raise InvalidInputError("A project needs a name.")
    if not creating and not payload:
        raise InvalidInputError("Nothing to change: send at least one field.")

    fields = ProjectFields(present=frozenset(payload))
    if "name" in payload:
        fields.name = text_field(payload["name"], "name", MAX_NAME, required=True)
    if "description" in payload:
        fields.description = text_field(payload["description"], "description", MAX_DESCRIPTION)
    if "folder" in payload and (payload["folder"] is not None or not creating):
        fields.folder = normalize_folder(payload["folder"])  # null: a new folder, on create
    if "tags" in payload:
        fields.tags = normalize_tags(payload["tags"])
    if "icon" in payload:
        fields.icon = _optional_text(payload["icon"], "icon", MAX_ICON)
    if "color" in payload:
        fields.color = _color(payload["color"])
    if "model" in payload:
        fields.model = _model_settings(payload["model"])
    if "context_files" in payload:
        fields.context_files = normalize_context_files(payload["context_files"])
    if "favorite" in payload:
        if not isinstance(payload["favorite"], bool):
            raise InvalidInputError("'favorite' must be true or false.")
        fields.favorite = payload["favorite"]
    return fields


def parse_project_query(args: dict[str, list[str]]) -> ProjectQuery:
    """Check list filters given as query arguments (each may repeat)."""

    def one(name: str, default: str = "") -> str:
        values = args.get(name) or [default]
        return values[-1]

    text = one("q").strip()
    if len(text) > MAX_NAME:
        raise InvalidInputError(f"'q' is longer than {MAX_NAME} characters.")
    favorite_arg = one("favorite").lower()
    if favorite_arg not in ("", "true", "false"):
        raise InvalidInputError("'favorite' must be 'true' or 'false'.")
    sort = one("sort", "-updated")
    if sort not in SORT_KEYS:
        raise InvalidInputError(f"'sort' must be one of: {', '.join(SORT_KEYS)}.")
    return ProjectQuery(
        text=text,
        tags=tuple(normalize_tags(args.get("tag", []))),
        favorite=None if favorite_arg == "" else favorite_arg == "true",
        sort=sort,
        limit=int_arg(one("limit", "50"), "limit", 1, MAX_PAGE),
        offset=int_arg(one("offset", "0"), "offset", 0, 10**9),
    )


def normalize_folder(value: Any) -> str:
    """A relative path in the Jupyter contents tree, without '..', '.', or hidden parts."""
    if not isinstance(value, str):
        raise InvalidInputError("'folder' must be a string path.")
    if "\\" in value or _CONTROL.search(value):
        raise InvalidInputError("'folder' may not contain backslashes or control characters.")
    parts = [part for part in value.strip().strip("/").split("/") if part]
    if not parts:
        raise InvalidInputError("'folder' must name a folder, not the root.")
    for part in parts:
        if part in (".", "..") or part.startswith("."):
            raise InvalidInputError(f"'folder' may not contain '{part}'.")
        if part != part.strip():
            raise InvalidInputError("Folder names may not start or end with spaces.")
    folder = "/".join(parts)
    if len(folder) > MAX_FOLDER:
        raise InvalidInputError(f"'folder' is longer than {MAX_FOLDER} characters.")
    return folder


def normalize_context_files(value: Any) -> list[str]:
    """Paths of files inside the project folder (relative to it), in the order given."""
    if not isinstance(value, list) or not all(isinstance(path, str) for path in value):
        raise InvalidInputError("'context_files' must be a list of paths in the project folder.")
    if len(value) > MAX_CONTEXT_FILES:
        raise InvalidInputError(f"At most {MAX_CONTEXT_FILES} context files per project.")
    paths: list[str] = []
    for raw in value:
        try:
            path = normalize_folder(raw)  # the same rules: relative, no '..', nothing hidden
        except InvalidInputError:
            raise InvalidInputError(
                f"Context file '{raw}' must be a path inside the project folder."
            ) from None
        if path not in paths:
            paths.append(path)
    return paths


def normalize_tags(value: Any) -> list[str]:
    """Tags are trimmed, lower-cased, de-duplicated and sorted (the order they are shown in)."""
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise InvalidInputError("'tags' must be a list of strings.")
    tags: list[str] = []
    for raw in value:
        if _CONTROL.search(raw):
            raise InvalidInputError("Tags may not contain control characters.")
        tag = " ".join(raw.split()).lower()
        if not tag:
            raise InvalidInputError("Tags may not be empty.")
        if len(tag) > MAX_TAG:
            raise InvalidInputError(f"Tag '{tag[:MAX_TAG]}…' is too long (max {MAX_TAG}).")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInputError(f"A project may have at most {MAX_TAGS} tags.")
    return sorted(tags)


def slugify(name: str) -> str:
    """A folder-friendly form of a project name ("My Project!" -> "my-project")."""
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-_")
    return slug[:80] or "project"


def text_field(value: Any, name: str, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"'{name}' must be a string.")
    text = value.strip()
    if required and not text:
        raise InvalidInputError(f"'{name}' may not be empty.")
    if len(text) > limit:
        raise InvalidInputError(f"'{name}' is longer than {limit} characters.")
    return text


def _optional_text(value: Any, name: str, limit: int) -> str | None:
    if value is None:
        return None
    return text_field(value, name, limit) or None


def _color(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _COLOR.match(value):
        raise InvalidInputError("'color' must be a hex colour like '#3b82f6', or null.")
    return value.lower()


def _model_settings(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError("'model' must be a JSON object of model settings.")
    if len(json.dumps(value)) > MAX_MODEL_SETTINGS_BYTES:
        raise InvalidInputError(f"'model' is larger than {MAX_MODEL_SETTINGS_BYTES} bytes.")
    return value
