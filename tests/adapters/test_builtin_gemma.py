"""The shipped built-in model (Gemma 3 270M, a base model) gives a sensible answer.

It runs the real model in the real engine, offline: the few-shot completion framing is
what turns this tiny base model into something that answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psutil
import pytest

from omnipanel_lab.adapters.base_prompt import EXAMPLE_MARKERS
from omnipanel_lab.adapters.local import LocalModelAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, Finish, TextDelta
from omnipanel_lab.engines.llama_cpp import EngineConfig, LlamaCppEngine
from omnipanel_lab.models.providers import BUILTIN_ALIAS, locate_builtin_gemma


@pytest.fixture
def gemma(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[LocalModelAdapter]:
    engine = LlamaCppEngine(
        EngineConfig(locate_model=locate_builtin_gemma, model_alias=BUILTIN_ALIAS, n_threads=2)
    )
    adapter = LocalModelAdapter(engine, base_model=True)
    yield adapter
    jp_asyncio_loop.run_until_complete(adapter.aclose())


async def ask(
    adapter: LocalModelAdapter, question: str, max_tokens: int = 32
) -> tuple[str, list[object]]:
    request = ChatRequest(
        BUILTIN_ALIAS, (ChatMessage("user", question),), max_tokens=max_tokens, temperature=0.0
    )
    events = [event async for event in adapter.stream_chat(request)]
    return "".join(e.text for e in events if isinstance(e, TextDelta)), events


async def test_gemma_knows_the_capital_of_france(gemma: LocalModelAdapter) -> None:
    answer, events = await ask(gemma, "What is the capital of France?")
    assert "Paris" in answer
    assert "User:" not in answer  # the transcript framing stops at the next turn
    assert isinstance(events[-1], Finish)


async def test_gemma_writes_a_code_block_when_asked_for_code(gemma: LocalModelAdapter) -> None:
    """The answer is begun with the fence for it (adapters/base_prompt.py) and closed where
    the model stops: a block Markdown renders as code, with code in it."""
    answer, events = await ask(gemma, "Write a Python function that reverses a string.", 80)
    assert answer.startswith("```python\n")
    assert answer.endswith("\n```")
    code = answer.removeprefix("```python\n").removesuffix("```")
    assert code.strip() and "```" not in code
    assert isinstance(events[-1], Finish)


async def test_gemma_does_not_repeat_its_examples(gemma: LocalModelAdapter) -> None:
    for question in ("What is the capital of France?", "How many days are in a week?"):
        answer, _ = await ask(gemma, question)
        assert not any(marker in answer.lower() for marker in EXAMPLE_MARKERS), answer


async def test_gemma_answers_a_second_question(gemma: LocalModelAdapter) -> None:
    answer, _ = await ask(gemma, "What color is the sky on a clear day?")
    assert "blue" in answer.lower()


async def test_a_long_conversation_does_not_grow_the_engine(gemma: LocalModelAdapter) -> None:
    """The engine's memory stays what it is after start: a long prompt (every position of
    it) costs its KV cache, not a row of 262,144 logits (1 MiB) per token, kept forever."""
    await ask(gemma, "Hello!")
    assert gemma.engine.pid is not None
    engine = psutil.Process(gemma.engine.pid)
    before = engine.memory_info().rss
    story = " ".join(f"On day {day} the lighthouse keeper counted the ships." for day in range(150))
    await ask(gemma, f"{story} How many days did he count?")  # ~1,800 tokens
    grown = engine.memory_info().rss - before
    assert grown < 200 * 2**20, f"the engine grew by {grown / 2**20:.0f} MiB"
