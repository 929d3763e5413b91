"""The local engine (llama.cpp's server as a child process) with a tiny random GGUF.

These run a real llama.cpp server on loopback; the model's words are gibberish, so the
checks are about the protocol and the process's life: streaming, crash, restart, idle stop.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
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
                # At the first text: the tiny model's whole reply takes a few ms and
                # arrives in two or three reads, so a later kill may come after its end.
                if len(received) == 1:
                    assert engine.pid is not None
                    os.kill(engine.pid, signal.SIGKILL)
    assert interrupted.value.partial_text == "".join(received)
    assert received

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


async def test_the_token_is_on_no_command_line(engine: LlamaCppEngine) -> None:
    """``ps`` shows every process's arguments to every local user."""
    base_url = await engine.ensure_started()
    assert engine.pid is not None
    with open(f"/proc/{engine.pid}/cmdline", "rb") as cmdline:
        assert engine.token.encode() not in cmdline.read()
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{base_url}/models")).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await client.get(f"{base_url}/models", headers=wrong)).status_code == 401
        right = {"Authorization": f"Bearer {engine.token}"}
        assert (await client.get(f"{base_url}/models", headers=right)).status_code == 200


async def test_llama_settings_in_the_environment_change_nothing(
    engine: LlamaCppEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """llama-cpp-python's server reads PORT, HOST and CONFIG_FILE from the environment
    (a config file replaces every setting, the token too); a user's shell may set them."""
    config = tmp_path / "engine.json"
    config.write_text(json.dumps({"host": "0.0.0.0", "port": 8765, "models": []}))
    monkeypatch.setenv("CONFIG_FILE", str(config))
    monkeypatch.setenv("PORT", "8765")
    monkeypatch.setenv("API_KEY", "from-the-environment")
    base_url = await engine.ensure_started()
    async with httpx.AsyncClient() as client:
        right = {"Authorization": f"Bearer {engine.token}"}
        assert (await client.get(f"{base_url}/models", headers=right)).status_code == 200
        other = {"Authorization": "Bearer from-the-environment"}
        assert (await client.get(f"{base_url}/models", headers=other)).status_code == 401


def never_loading_model(tmp_path: Path) -> Path:
    """A model file nobody writes: llama.cpp waits in open(), a start that never ends."""
    path = tmp_path / "loading.gguf"
    os.mkfifo(path)
    return path


async def wait_for_pid(engine: LlamaCppEngine) -> int:
    for _ in range(200):
        if engine.pid is not None:
            return engine.pid
        await asyncio.sleep(0.05)
    raise AssertionError("the engine process did not start")


def assert_ended(pid: int) -> None:
    try:
        ended = psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        ended = True
    assert ended, f"engine process {pid} still runs"


async def test_stop_while_starting_ends_the_start_at_once(
    tmp_path: Path, make_engine: Callable[..., LlamaCppEngine]
) -> None:
    engine = make_engine(model_path=never_loading_model(tmp_path), startup_timeout=60)
    starting = asyncio.ensure_future(engine.ensure_started())
    pid = await wait_for_pid(engine)
    assert engine.state == "starting"

    await asyncio.wait_for(engine.stop(), timeout=5)  # not the 60 s start-up timeout
    with pytest.raises(ProviderUnreachableError, match="stopped while it was starting"):
        await starting
    assert engine.state == "stopped" and engine.pid is None
    assert_ended(pid)


async def test_stop_while_the_model_is_located_starts_nothing(
    make_engine: Callable[..., LlamaCppEngine], tiny_gguf: Path
) -> None:
    located = threading.Event()

    def locate() -> Path:  # as the shipped Gemma is assembled on first use, slowly
        located.wait(30)
        return tiny_gguf

    engine = make_engine(locate_model=locate)
    starting = asyncio.ensure_future(engine.ensure_started())
    await asyncio.sleep(0.2)
    try:
        await asyncio.wait_for(engine.stop(), timeout=5)
        with pytest.raises(ProviderUnreachableError, match="stopped while it was starting"):
            await starting
    finally:
        located.set()
    assert engine.state == "stopped" and engine.pid is None
    # It starts again on the next use.
    await engine.ensure_started()
    assert engine.state == "ready"


async def test_a_cancelled_start_leaves_no_process(
    tmp_path: Path, make_engine: Callable[..., LlamaCppEngine]
) -> None:
    """A client that goes away while the engine starts cancels the start."""
    engine = make_engine(model_path=never_loading_model(tmp_path), startup_timeout=60)
    starting = asyncio.ensure_future(engine.ensure_started())
    pid = await wait_for_pid(engine)
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    assert engine.pid is None
    assert_ended(pid)
