"""The vocabulary every model adapter speaks: requests, stream events and model facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class ImagePart:
    """An image sent with a message, for vision models: base64 data and its media type."""

    media_type: str
    data: str

    @property
    def data_url(self) -> str:
        return f"data:{self.media_type};base64,{self.data}"


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str
    images: tuple[ImagePart, ...] = ()


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion. ``max_tokens`` is always set: unbounded generation can hang
    llama.cpp-style servers (they ignore ``max_completion_tokens``)."""

    model: str
    messages: tuple[ChatMessage, ...]
    max_tokens: int = 512
    temperature: float | None = None
    stop: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TextDelta:
    """Text of the reply. ``count`` is how many of the provider's deltas it joins: an
    adapter yields what arrived in one network read as one delta, not one per token."""

    text: str
    count: int = 1
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class ToolCallDelta:
    index: int
    id: str | None
    name: str | None
    arguments: str
    type: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True)
class Usage:
    input_tokens: int | None
    output_tokens: int | None
    type: Literal["usage"] = "usage"


@dataclass(frozen=True)
class Finish:
    reason: str
    type: Literal["finish"] = "finish"


StreamEvent = TextDelta | ToolCallDelta | Usage | Finish


@dataclass(frozen=True)
class ModelInfo:
    id: str
    provider: str
    name: str = ""
    context_length: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
