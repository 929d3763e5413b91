"""The relay keeps up with fast models: deltas that reach the server together leave together.

The model is a loopback server speaking OpenAI's documented streaming format
(tests/fakes/slow_openai.py) that sends its words in bursts, each burst in one write, as a
fast model's deltas reach a busy server; the relay is a real Jupyter server. Writes are
counted on the real event-stream handler (its ``flush``, which is one socket write).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI
from fakes.support import free_port, server_config, sse_events

from omnipanel_lab.handlers.base import EventStreamHandler

BURSTS = 4
BURST = 64


@pytest.fixture
def model_port() -> int:
    return free_port()


@pytest.fixture
def jp_server_config(model_port: int, tmp_path: Any) -> dict[str, Any]:
    return server_config(
        db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}",
        model_endpoints={"fast": {"base_url": f"http://127.0.0.1:{model_port}/v1"}},
    )


@pytest.fixture
def flushes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The handler's flushes (socket writes), by handler class."""
    seen: list[str] = []
    original = EventStreamHandler.flush

    def counting(self: EventStreamHandler, *args: Any, **kwargs: Any) -> Any:
        seen.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EventStreamHandler, "flush", counting)
    return seen


def start_model(port: int, **options: Any) -> Iterator[SlowOpenAI]:
    server = SlowOpenAI(port, delay=0.05, burst=BURST, **options).start()
    yield server
    server.stop()


@pytest.fixture
def bursty_model(model_port: int) -> Iterator[SlowOpenAI]:
    yield from start_model(model_port)


@pytest.fixture
def breaking_model(model_port: int) -> Iterator[SlowOpenAI]:
    yield from start_model(model_port, break_after=2 * BURST)


@pytest.fixture
def fast_model(model_port: int) -> Iterator[SlowOpenAI]:
    """~1,000 tokens/s, one token a write, each on time whatever the loop's load."""
    server = SlowOpenAI(model_port, delay=0.001, steady=True).start()
    yield server
    server.stop()


async def complete(jp_fetch: Any, max_tokens: int) -> list[tuple[str, dict[str, Any]]]:
    response = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "chat",
        "completions",
        method="POST",
        body=json.dumps(
            {
                "provider": "fast",
                "model": "slow",
                "messages": [{"role": "user", "content": "Count"}],
                "max_tokens": max_tokens,
            }
        ),
        request_timeout=60,
    )
    assert response.code == 200
    return sse_events(response.body)


def words(count: int) -> str:
    return "".join(f"word{n} " for n in range(1, count + 1))


@pytest.mark.usefixtures("bursty_model")
async def test_deltas_that_arrive_together_leave_as_one_write(
    jp_fetch: Any, flushes: list[str]
) -> None:
    events = await complete(jp_fetch, BURSTS * BURST)
    texts = [data["text"] for kind, data in events if kind == "text"]
    # Every token, in order, and the stats still count the model's deltas, not the writes.
    assert "".join(texts) == words(BURSTS * BURST)
    assert [kind for kind, _ in events][-2:] == ["finish", "stats"]
    assert events[-1][1]["chunks"] == BURSTS * BURST
    # A burst is one network read (two if the kernel splits it): one event, one write.
    assert len(texts) <= 2 * BURSTS
    relayed = flushes.count("ChatCompletionsHandler")
    assert relayed <= 2 * BURSTS + 2, relayed  # + the end of the stream


@pytest.mark.usefixtures("breaking_model")
async def test_a_broken_model_stream_keeps_every_delta_that_arrived(jp_fetch: Any) -> None:
    events = await complete(jp_fetch, BURSTS * BURST)
    kind, error = events[-1]
    assert kind == "error" and error["reason"]
    streamed = "".join(data["text"] for kind, data in events if kind == "text")
    assert streamed == error["partial_text"] == words(2 * BURST)


@pytest.mark.usefixtures("fast_model")
async def test_a_fast_model_is_read_once_a_window_not_once_a_token(
    jp_fetch: Any, flushes: list[str]
) -> None:
    """At ~1,000 tokens/s, a token a write, the relay reads (and writes) at most once per
    read window (adapters/http_base.py READ_WINDOW_S, 5 ms) once the stream is fast,
    instead of waking for every token."""
    tokens = 300
    events = await complete(jp_fetch, tokens)
    texts = [data["text"] for kind, data in events if kind == "text"]
    assert "".join(texts) == words(tokens)
    assert events[-1][1]["chunks"] == tokens
    # ~60 reads for 300 ms of tokens; without the window, one a token or two (150-300).
    assert len(texts) <= tokens // 3, len(texts)
    assert flushes.count("ChatCompletionsHandler") <= tokens // 3 + 2
