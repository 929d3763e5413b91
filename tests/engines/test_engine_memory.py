"""The built-in engine's memory stays flat: each generation's sampler is freed when the next
generation replaces it, not whenever Python's cyclic garbage collector happens to run.

With Gemma's 262,144-token vocabulary each sampler chain holds a 3 MiB buffer, and dead
ones piled up between collections (see ``llama_server.close_replaced_samplers``); the tiny
random GGUF shows the same objects at a smaller size, fast.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from llama_cpp import Llama
from llama_cpp._internals import LlamaSampler

from omnipanel_lab.adapters.local import LocalModelAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, TextDelta
from omnipanel_lab.engines import llama_server
from omnipanel_lab.engines.llama_cpp import EngineConfig, LlamaCppEngine
from omnipanel_lab.engines.tiny_model import write_tiny_gguf


def live_samplers() -> int:
    """Sampler chains whose C side (and its vocabulary-sized buffer) is not freed yet."""
    return sum(1 for o in gc.get_objects() if isinstance(o, LlamaSampler) and o.sampler)


@pytest.fixture
def tiny_llama(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Llama:
    # The patch is global to the class: put the library's own method back afterwards.
    monkeypatch.setattr(Llama, "_init_sampler", Llama._init_sampler)
    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    return Llama(str(model), n_ctx=256, n_threads=1, logits_all=False, verbose=False)


def test_a_replaced_sampler_is_freed_at_once(tiny_llama: Llama) -> None:
    llama_server.close_replaced_samplers()
    llama_server.close_replaced_samplers()  # idempotent: one wrapper, not two
    gc.collect()
    gc.disable()  # only reference counting frees anything now, as between collections
    try:
        texts = [
            tiny_llama.create_completion(f"Question {n}:", max_tokens=4)["choices"][0]["text"]
            for n in range(6)
        ]
        # The last generation's sampler only; the library alone leaves all six alive.
        assert live_samplers() == 1
    finally:
        gc.enable()
    assert all(texts)


async def test_replies_go_on_after_one_is_abandoned_midway(tmp_path: Path) -> None:
    """A reply the client drops leaves its generator suspended; the next generation closes
    that generator's sampler, which must never be used again (the engine would crash)."""
    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    engine = LlamaCppEngine(
        EngineConfig(locate_model=lambda: model, model_alias="tiny", n_threads=1)
    )
    adapter = LocalModelAdapter(engine, base_model=False)
    hello = (ChatMessage("user", "Hello there"),)

    async def reply(max_tokens: int = 24) -> str:
        request = ChatRequest("tiny", hello, max_tokens=max_tokens)
        events = [e async for e in adapter.stream_chat(request)]
        return "".join(e.text for e in events if isinstance(e, TextDelta))

    try:
        assert await reply()
        pid = engine.pid
        for _ in range(3):
            stream = adapter.stream_chat(ChatRequest("tiny", hello, max_tokens=200))
            assert isinstance(await anext(stream), TextDelta)
            await stream.aclose()  # the user pressed Stop: the connection closes midway
            assert await reply()
        assert engine.pid == pid and await engine.health()
    finally:
        await adapter.aclose()
