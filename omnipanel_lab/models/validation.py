"""Checking what a client sends about models: chat requests and model names."""

from __future__ import annotations

import re
from typing import Any

from ..adapters.types import ChatMessage, ChatRequest
from ..common import whole_number
from ..errors import InvalidInputError

ROLES = ("system", "user", "assistant")
MAX_MESSAGES = 1000
MAX_CONTENT = 200_000
MAX_TOKENS = 32_768
MAX_STOP = 4
FIELDS = {"provider", "model", "messages", "max_tokens", "temperature", "stop", "project_id"}


def parse_chat_request(payload: Any) -> tuple[str | None, ChatRequest, str | None]:
    """Return (provider id or None for the default, request, project id); refuse anything
    malformed, clearly."""
    if not isinstance(payload, dict):
        raise InvalidInputError("The request body must be a JSON object.")
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise InvalidInputError(f"Unknown field(s): {', '.join(unknown)}.")
    provider = payload.get("provider")
    if provider is not None and (not isinstance(provider, str) or not provider):
        raise InvalidInputError("'provider' must name a provider, e.g. 'builtin'.")
    model = payload.get("model", "")
    if not isinstance(model, str):
        raise InvalidInputError("'model' must be a string.")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidInputError("'messages' must be a non-empty list.")
    if len(messages) > MAX_MESSAGES:
        raise InvalidInputError(f"At most {MAX_MESSAGES} messages per request.")
    parsed = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise InvalidInputError(f"Message {index} must be {{'role', 'content'}}.")
        if message["role"] not in ROLES:
            raise InvalidInputError(f"Message {index}: 'role' must be one of {', '.join(ROLES)}.")
        content = message["content"]
        if not isinstance(content, str) or not content.strip():
            raise InvalidInputError(f"Message {index}: 'content' must be non-empty text.")
        if len(content) > MAX_CONTENT:
            raise InvalidInputError(f"Message {index} is longer than {MAX_CONTENT} characters.")
        parsed.append(ChatMessage(role=message["role"], content=content))
    max_tokens = whole_number(payload.get("max_tokens", 512))
    if max_tokens is None:
        raise InvalidInputError("'max_tokens' must be an integer.")
    if not 1 <= max_tokens <= MAX_TOKENS:
        raise InvalidInputError(f"'max_tokens' must be between 1 and {MAX_TOKENS}.")
    temperature = payload.get("temperature")
    if temperature is not None and (
        not isinstance(temperature, (int, float))
        or isinstance(temperature, bool)
        or not 0 <= temperature <= 2
    ):
        raise InvalidInputError("'temperature' must be a number between 0 and 2.")
    stop = payload.get("stop", [])
    if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
        raise InvalidInputError("'stop' must be a list of non-empty strings.")
    if len(stop) > MAX_STOP:
        raise InvalidInputError(f"At most {MAX_STOP} stop sequences.")
    project_id = payload.get("project_id")
    if project_id is not None and not isinstance(project_id, str):
        raise InvalidInputError("'project_id' must be a project's id.")
    return (
        provider,
        ChatRequest(
            model=model,
            messages=tuple(parsed),
            max_tokens=max_tokens,
            temperature=float(temperature) if temperature is not None else None,
            stop=tuple(stop),
        ),
        project_id,
    )


# Ollama's model reference, ``[host/][namespace/]name[:tag]`` (types/model/name.go in
# ollama/ollama): letters, digits, '_', '-' and '.' (not in a namespace, never two in a
# row), a port on the host. The OpenAPI document carries the same patterns.
OLLAMA_NAME_PATTERN = re.compile(
    r"^(?!.*\.\.)(?:(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}(?::[0-9]{1,5})?/)?"
    r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}/)?[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,79})?$"
)
# A file name: no folder, no control character, not "." or "..", not blank.
LOCAL_MODEL_NAME_PATTERN = re.compile(r"^(?!\s*$)(?!\.\.?$)[^/\\\x00-\x1f\x7f]{1,255}$")


def parse_ollama_model_name(value: Any) -> str:
    """An Ollama model name such as ``llama3.2``, ``qwen3:0.6b`` or
    ``hf.co/owner/repo:Q4_K_M``; a clear 400 for anything else."""
    if not isinstance(value, str) or not value:
        raise InvalidInputError("Name an Ollama model, e.g. 'llama3.2' or 'qwen3:0.6b'.")
    if not OLLAMA_NAME_PATTERN.fullmatch(value):
        raise InvalidInputError(
            f"{value[:100]!r} is not an Ollama model name ([namespace/]name[:tag] of "
            "letters, digits, '_', '-' and '.')."
        )
    return value


def parse_local_model_name(value: Any) -> str:
    """The name of a GGUF in the models folder: a file name without any path part."""
    if not isinstance(value, str) or not LOCAL_MODEL_NAME_PATTERN.fullmatch(value):
        raise InvalidInputError(
            f"{str(value)[:100]!r} is not a local model name (a file name, without a folder)."
        )
    return value
