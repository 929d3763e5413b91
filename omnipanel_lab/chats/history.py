"""Fitting a long chat into the model's context window.

The system prompt and the newest messages that fit are sent; older ones are left out
(the reply says how many). Tokens are estimated, on the high side, so that a prompt that
is said to fit does fit: the built-in engine still counts exactly before it answers, and a
cloud model's own limit answers with a typed "context too long" error.
"""

from __future__ import annotations

from ..adapters.types import ChatMessage

CHARS_PER_TOKEN = 3  # English runs ~4 characters a token, code and other scripts fewer
TOKENS_PER_MESSAGE = 8  # the chat template's role markers
TOKENS_PER_IMAGE = 1_000  # providers charge images at a few hundred to ~1,500 tokens


def estimate_tokens(message: ChatMessage) -> int:
    text = len(message.content) // CHARS_PER_TOKEN
    return text + TOKENS_PER_MESSAGE + TOKENS_PER_IMAGE * len(message.images)


def fit_to_window(
    messages: list[ChatMessage], window: int, reserve: int
) -> tuple[list[ChatMessage], int]:
    """(the messages to send, how many earlier ones were left out) for a model that holds
    ``window`` tokens, ``reserve`` of them kept for the reply. The newest message is
    always sent; the history after the system prompt starts with a user's message."""
    system = messages[:1] if messages and messages[0].role == "system" else []
    history = messages[len(system) :]
    budget = window - reserve - sum(estimate_tokens(m) for m in system)
    kept: list[ChatMessage] = []
    for message in reversed(history):
        cost = estimate_tokens(message)
        if kept and cost > budget:
            break
        kept.append(message)
        budget -= cost
    kept.reverse()
    while len(kept) > 1 and kept[0].role != "user":
        kept.pop(0)
    return system + kept, len(history) - len(kept)
