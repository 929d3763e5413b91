"""A real llama.cpp server on loopback, serving a tiny random-weight GGUF made at test time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from omnipanel_lab.engines.llama_cpp import EngineConfig, LlamaCppEngine
from omnipanel_lab.engines.tiny_model import write_tiny_gguf


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture
def make_engine(
    tiny_gguf: Path, jp_asyncio_loop: asyncio.AbstractEventLoop
) -> Iterator[Callable[..., LlamaCppEngine]]:
    """``make_engine(model_path=..., idle_timeout=..., locate_model=...)``; every engine is
    stopped afterwards, on the test's own event loop (pytest-jupyter runs async tests on it)."""
    engines: list[LlamaCppEngine] = []

    def make(model_path: Path = tiny_gguf, **overrides: Any) -> LlamaCppEngine:
        overrides.setdefault("locate_model", lambda: model_path)
        config = EngineConfig(model_alias="tiny", n_threads=2, **overrides)
        engines.append(LlamaCppEngine(config))
        return engines[-1]

    yield make
    for engine in engines:
        jp_asyncio_loop.run_until_complete(engine.stop())


@pytest.fixture
def engine(make_engine: Callable[..., LlamaCppEngine]) -> LlamaCppEngine:
    return make_engine()
