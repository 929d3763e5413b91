"""Which messages of a long chat are sent to a model with a given window."""

from __future__ import annotations

from omnipanel_lab.adapters.types import ChatMessage, ImagePart
from omnipanel_lab.chats.history import estimate_tokens, fit_to_window


def turn(index: int, chars: int = 300) -> list[ChatMessage]:
    return [
        ChatMessage("user", f"question {index} " + "q" * chars),
        ChatMessage("assistant", f"answer {index} " + "a" * chars),
    ]


def test_a_chat_that_fits_is_sent_whole() -> None:
    messages = [ChatMessage("system", "Be brief."), *turn(1), *turn(2)[:1]]
    assert fit_to_window(messages, window=4096, reserve=256) == (messages, 0)


def test_the_oldest_messages_are_left_out_and_the_system_prompt_kept() -> None:
    history = [m for index in range(50) for m in turn(index)]
    messages = [ChatMessage("system", "Be brief."), *history, ChatMessage("user", "And now?")]
    sent, left_out = fit_to_window(messages, window=2048, reserve=512)
    assert sent[0] == messages[0] and sent[-1].content == "And now?"
    assert sent[1].role == "user"  # the kept history starts with a question
    assert sent[1:] == messages[len(messages) - len(sent) + 1 :]  # the newest, in order
    assert left_out == len(messages) - len(sent) > 0
    assert sum(estimate_tokens(m) for m in sent) <= 2048 - 512


def test_the_newest_message_is_sent_even_when_it_alone_is_too_long() -> None:
    messages = [*turn(1), ChatMessage("user", "x" * 30_000)]
    sent, left_out = fit_to_window(messages, window=4096, reserve=256)
    assert sent == messages[-1:] and left_out == 2


def test_images_count_against_the_window() -> None:
    image = ImagePart("image/png", "aGVsbG8=")
    plain = ChatMessage("user", "look")
    assert estimate_tokens(ChatMessage("user", "look", (image,))) > estimate_tokens(plain) + 500
