"""How a base model (no chat template, such as the shipped Gemma 3 270M) is prompted.

A base model continues text: it answers as the Assistant of a short transcript, cut at the
next "User:" turn. Measured with bench/builtin_eval.py on Gemma 3 270M:
- its examples leak into unrelated answers ("What is the capital of France?" -> "2 + 1 =
  4." after a 2 + 2 example), so the examples are few, short and far from what people ask;
- it did not write a fenced code block when asked for code, and an example with one made
  it answer "What is the capital of Germany?" with code; so the examples are prose, and
  when the last message asks for code the answer is begun for it with the fence (a
  prefill): the model writes the code, and the fence is closed where it stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import ChatMessage

HEADER = (
    "A conversation between a User and a helpful, concise Assistant. The Assistant "
    "answers the User's last message on its topic, in one or two sentences.\n\n"
    "User: How many legs does a spider have?\n"
    "Assistant: A spider has eight legs.\n\n"
    "User: At what temperature does water boil at sea level?\n"
    "Assistant: At sea level, water boils at 100 degrees Celsius.\n\n"
)
# Text of the examples that must never show up in an answer (bench/builtin_eval.py checks).
EXAMPLE_MARKERS = ("spider", "eight legs", "boils at 100", "sea level")
STOP = ("\nUser:", "\nAssistant:")
# Sampling when a request sets none: near-greedy keeps a tiny model on its best guess (at the
# server's default of 0.8 it named Pluto the largest planet); a milder repeat penalty for
# code, where indentation and brackets repeat by nature.
TEMPERATURE = 0.2
CODE_REPEAT_PENALTY = 1.1
FENCE = "```"

# A request for code: a verb of making and a word for code, or a language named with one.
_MAKE = r"\b(write|show|give|create|implement|make|generate)\b"
_CODE = (
    r"\b(code|function|script|program|snippet|class|method|regex|regular expression|query|"
    r"loop|one-liner|command)\b"
)
LANGUAGES = {
    "python": r"\bpython\b",
    "javascript": r"\b(javascript|js|node(\.js)?)\b",
    "typescript": r"\btypescript\b",
    "bash": r"\b(bash|shell|terminal|command line)\b",
    "sql": r"\bsql\b",
    "html": r"\bhtml\b",
    "css": r"\bcss\b",
    "rust": r"\brust\b",
    "go": r"\b(golang|go)\b(?= (function|code|program|snippet))",
    "java": r"\bjava\b",
    "cpp": r"\bc\+\+",
    "c": r"\bc\b(?= (function|code|program|snippet))",
    "json": r"\bjson\b",
    "yaml": r"\byaml\b",
}


@dataclass(frozen=True)
class BasePrompt:
    """The text the model continues, and the start of the answer given to it (a code
    fence when the user asked for code; "" otherwise)."""

    text: str
    prefill: str = ""

    @property
    def fenced(self) -> bool:
        return bool(self.prefill)


def code_language(text: str) -> str | None:
    """The fence language of a request for code, or None when it asks for none."""
    lowered = text.lower()
    named = next((lang for lang, pattern in LANGUAGES.items() if re.search(pattern, lowered)), None)
    making = re.search(_MAKE, lowered) is not None
    if making and (re.search(_CODE, lowered) or named):
        return named or "python"
    return None


def base_prompt(messages: tuple[ChatMessage, ...]) -> BasePrompt:
    """The conversation as a transcript that ends where the assistant speaks."""
    lines = [HEADER]
    for message in messages:
        if message.role == "system":
            lines.append(f"{message.content.strip()}\n\n")
        elif message.role in ("user", "assistant"):
            speaker = "User" if message.role == "user" else "Assistant"
            lines.append(f"{speaker}: {message.content.strip()}\n")
            if message.role == "assistant":
                lines.append("\n")
    lines.append("Assistant:")
    last = next((m for m in reversed(messages) if m.role == "user"), None)
    language = code_language(last.content) if last else None
    if language is None:
        return BasePrompt("".join(lines))
    prefill = f"{FENCE}{language}\n"
    return BasePrompt("".join(lines) + " " + prefill, prefill)


def closing_fence(text: str) -> str:
    """What ends a fenced answer whose model output was ``text`` (the model is stopped
    at its own closing fence, which the stop sequence leaves out)."""
    return FENCE if text.endswith("\n") else f"\n{FENCE}"
