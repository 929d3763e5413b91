"""How a base model's prompt is framed: which messages ask for code, and the fence begun
for them (the model itself is bench/builtin_eval.py's and test_builtin_gemma.py's)."""

from __future__ import annotations

import pytest

from omnipanel_lab.adapters.base_prompt import (
    EXAMPLE_MARKERS,
    HEADER,
    base_prompt,
    closing_fence,
    code_language,
)
from omnipanel_lab.adapters.types import ChatMessage


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Write a Python function that reverses a string.", "python"),
        ("Show me a loop that prints 1 to 10", "python"),
        ("Write a JavaScript function that adds two numbers.", "javascript"),
        ("Write a SQL query that selects all users", "sql"),
        ("Give me a bash command to list files", "bash"),
        ("Create an HTML page with a heading", "html"),
        ("What is the capital of Germany?", None),
        ("What is Python?", None),
        ("What does this code do?", None),
        ("Tell me about the history of Java island", None),
    ],
)
def test_requests_for_code_are_told_apart(text: str, language: str | None) -> None:
    assert code_language(text) == language


def test_a_request_for_code_gets_its_fence_begun() -> None:
    framed = base_prompt((ChatMessage("user", "Write a Python function that adds two numbers."),))
    assert framed.prefill == "```python\n"
    assert framed.text.startswith(HEADER)
    assert framed.text.endswith(
        "User: Write a Python function that adds two numbers.\nAssistant: ```python\n"
    )


def test_a_question_is_left_to_the_model_and_the_examples_are_prose() -> None:
    history = (
        ChatMessage("system", "Be brief."),
        ChatMessage("user", "Hi"),
        ChatMessage("assistant", "Hello!"),
        ChatMessage("user", "What is the capital of Italy?"),
    )
    framed = base_prompt(history)
    assert not framed.fenced
    assert framed.text.endswith(
        "Be brief.\n\nUser: Hi\nAssistant: Hello!\n\nUser: What is the capital of Italy?\n"
        "Assistant:"
    )
    assert "```" not in HEADER  # an example with code made it answer questions with code
    assert all(marker in HEADER for marker in EXAMPLE_MARKERS)


def test_the_fence_is_closed_on_its_own_line() -> None:
    assert closing_fence("print(1)\n") == "```"
    assert closing_fence("print(1)") == "\n```"
