"""The local engine (llama.cpp's server as a child process) with a tiny random GGUF.

These run a real llama.cpp server on loopback; the model's words are gibberish, so the
checks are about the protocol and the process's life: streaming, crash, restart, idle stop.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from omnipanel_lab.adapters.errors import (
    AuthenticationFailedError,
    ContextTooLongError,
    ProviderUnreachableError,
    StreamInterruptedError,
)
from omnipanel_lab.adapters.local import LocalModelAdapter
from omnipanel_lab.adapters.openai_compatible import OpenAICompatibleAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, Finish, TextDelta
from omnipanel_lab.engines.llama_cpp import LlamaCppEngine

HELLO = (ChatMessage("user", "Hello there"),)


async def collect(stream: object) -> tuple[str, list[object]]:
    events = [event async for event in stream]  # type: ignore[attr-defined]
    return "".join(e.text for e in events if isinstance(e, TextDelta)), events


async def test_engine_starts_on_first_use_and_streams(engine: LlamaCppEngine) -> None:
    assert engine.state == "stopped" and engine.pid is None
    adapter = LocalModelAdapter(engine, base_model=False)
    text, events = await collect(adapter.stream_chat(ChatRequest("any", HELLO, max_tokens=16)))
    assert engine.state == "ready" and engine.pid is not None
    assert await engine.health()
    assert text
    assert events[-1] == Finish("length")
    status = engine.status()
    assert status["state"] == "ready" and status["rss_bytes"] > 0


async def test_completion_framing_for_base_models(engine: LlamaCppEngine) -> None:
    adapter = LocalModelAdapter(engine, base_model=True)
    text, events = await collect(adapter.stream_chat(ChatRequest("any", HELLO, max_tokens=8)))
    assert isinstance(events[-1], Finish)
    assert "User:" not in text


async def test_openai_adapter_against_the_same_server(engine: LlamaCppEngine) -> None:
    base_url = await engine.ensure_started()
    adapter = OpenAICompatibleAdapter("llama.cpp", base_url, engine.token)
    assert [model.id for model in await adapter.list_models()] == ["tiny"]
    text, events = await collect(adapter.stream_chat(ChatRequest("tiny", HELLO, max_tokens=12)))
    assert text and events[-1] == Finish("length")
    await adapter.aclose()

    wrong_key = OpenAICompatibleAdapter("llama.cpp", base_url, "not-the-token")
    with pytest.raises(AuthenticationFailedError) as refused:
        await collect(wrong_key.stream_chat(ChatRequest("tiny", HELLO, max_tokens=4)))
    assert "not-the-token" not in refused.value.message
    await wrong_key.aclose()


async def test_unreachable_endpoint_is_a_clear_error() -> None:
    adapter = OpenAICompatibleAdapter("vllm", "http://127.0.0.1:9/v1")
    with pytest.raises(ProviderUnreachableError, match="Cannot reach vllm"):
        await collect(adapter.stream_chat(ChatRequest("m", HELLO)))
    assert not await adapter.health()
    await adapter.aclose()


async def test_crash_mid_stream_keeps_the_text_and_restarts(engine: LlamaCppEngine) -> None:
    adapter = LocalModelAdapter(engine, base_model=False)
    received: list[str] = []
    with pytest.raises(StreamInterruptedError) as interrupted:
        async for event in adapter.stream_chat(ChatRequest("any", HELLO, max_tokens=3000)):
            if isinstance(event, TextDelta):
                received.append(event.text)
                if len(received) == 3:
                    assert engine.pid is not None
                    os.kill(engine.pid, signal.SIGKILL)
    assert interrupted.value.partial_text == "".join(received)
    assert len(received) >= 3

    first_pid = engine.pid
    text, events = await collect(adapter.stream_chat(ChatRequest("any", HELLO, max_tokens=8)))
    assert text and isinstance(events[-1], Finish)
    assert engine.restarts == 1 and engine.pid not in (None, first_pid)


async def test_idle_engine_stops_by_itself(make_engine: Callable[..., LlamaCppEngine]) -> None:
    engine = make_engine(idle_timeout=0.4)
    await engine.ensure_started()
    pid = engine.pid
    for _ in range(40):
        if engine.state == "stopped":
            break
        await asyncio.sleep(0.1)
    assert engine.state == "stopped" and engine.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # type: ignore[arg-type]


async def test_a_broken_model_file_is_reported(
    tmp_path: Path, make_engine: Callable[..., LlamaCppEngine]
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF not really")
    engine = make_engine(model_path=broken)
    with pytest.raises(ProviderUnreachableError, match="exited while starting"):
        await engine.ensure_started()
    assert engine.state == "crashed"


async def test_a_prompt_longer_than_the_context_is_a_clear_error(engine: LlamaCppEngine) -> None:
    adapter = LocalModelAdapter(engine, base_model=False)
    too_long = ChatRequest("any", (ChatMessage("user", "word " * 3000),), max_tokens=8)
    with pytest.raises(ContextTooLongError, match="context"):
        await collect(adapter.stream_chat(too_long))
    # The engine is fine afterwards.
    text, _ = await collect(adapter.stream_chat(ChatRequest("any", HELLO, max_tokens=4)))
    assert text
