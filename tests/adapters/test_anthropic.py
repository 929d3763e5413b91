"""Anthropic's Messages API against a loopback server.

Anthropic cannot be reached from here, so a loopback tornado app speaks its documented
streaming format (docs.anthropic.com "Streaming Messages": message_start,
content_block_start/delta/stop, message_delta, message_stop, ping, error events) and its
error bodies ({"type": "error", "error": {"type", "message"}}).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fakes.support import free_port
from tornado import httpserver, web

from omnipanel_lab.adapters.anthropic import AnthropicAdapter
from omnipanel_lab.adapters.errors import (
    AuthenticationFailedError,
    ContextTooLongError,
    ModelError,
)
from omnipanel_lab.adapters.types import (
    ChatMessage,
    ChatRequest,
    Finish,
    TextDelta,
    ToolCallDelta,
    Usage,
)

KEY = "sk-ant-test-key-000000000000-ANTH"
BURST = 40
SEEN: list[dict] = []


class Messages(web.RequestHandler):
    async def send(self, event: str, data: dict) -> None:
        self.write(f"event: {event}\ndata: {json.dumps(data)}\n\n")
        await self.flush()

    async def post(self) -> None:
        body = json.loads(self.request.body)
        SEEN.append({"headers": dict(self.request.headers), "body": body})
        if self.request.headers.get("x-api-key") != KEY:
            self.set_status(401)
            self.finish(
                {
                    "type": "error",
                    "error": {
                        "type": "authentication_error",
                        "message": f"invalid x-api-key {self.request.headers.get('x-api-key')}",
                    },
                }
            )
            return
        question = body["messages"][-1]["content"]
        if question == "long":
            self.set_status(400)
            self.finish(
                {
                    "type": "error",
                    "error": {
                        "type": "invalid_request_error",
                        "message": "prompt is too long: 210000 tokens > 200000 maximum",
                    },
                }
            )
            return
        self.set_header("Content-Type", "text/event-stream")
        if question == "burst":
            await self.burst()
            return
        await self.send(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "usage": {"input_tokens": 25, "output_tokens": 1},
                },
            },
        )
        await self.send(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        )
        await self.send("ping", {"type": "ping"})
        for text in ("Hello", "!"):
            await self.send(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": text},
                },
            )
        if question == "overload":
            await self.send(
                "error",
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            )
            return
        await self.send("content_block_stop", {"type": "content_block_stop", "index": 0})
        await self.send(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {},
                },
            },
        )
        await self.send(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": '{"city": "Paris"}'},
            },
        )
        await self.send(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 15},
            },
        )
        await self.send("message_stop", {"type": "message_stop"})

    async def burst(self) -> None:
        """A fast model's stream as a busy relay reads it: every event in one write."""
        events = [
            ("message_start", {"type": "message_start", "message": {"usage": {}}}),
            *(
                (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": 0,
                        "delta": {"type": "text_delta", "text": f"w{n} "},
                    },
                )
                for n in range(BURST)
            ),
            ("ping", {"type": "ping"}),
            (
                "message_delta",
                {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {}},
            ),
            ("message_stop", {"type": "message_stop"}),
        ]
        self.write("".join(f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in events))
        await self.flush()


class Models(web.RequestHandler):
    def get(self) -> None:
        self.finish(
            {
                "data": [
                    {
                        "type": "model",
                        "id": "claude-sonnet-4-5",
                        "display_name": "Claude Sonnet 4.5",
                    }
                ],
                "has_more": False,
            }
        )


@pytest.fixture
def anthropic() -> Iterator[AnthropicAdapter]:
    port = free_port()
    server = httpserver.HTTPServer(
        web.Application([(r"/v1/messages", Messages), (r"/v1/models", Models)])
    )
    server.listen(port, "127.0.0.1")
    SEEN.clear()
    yield AnthropicAdapter("anthropic", f"http://127.0.0.1:{port}/v1")
    server.stop()


def ask(text: str) -> ChatRequest:
    return ChatRequest(
        "claude-sonnet-4-5",
        (ChatMessage("system", "Be brief."), ChatMessage("user", text)),
        max_tokens=64,
        temperature=1.5,
    )


async def test_streams_text_tool_calls_usage_and_finish(anthropic: AnthropicAdapter) -> None:
    events = [event async for event in anthropic.stream_chat(ask("Hi"), api_key=KEY)]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello!"
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert (calls[0].id, calls[0].name) == ("toolu_1", "get_weather")
    assert calls[1].arguments == '{"city": "Paris"}'
    assert Usage(25, 15) in events and events[-1] == Finish("tool_use")
    sent = SEEN[-1]
    assert sent["headers"]["Anthropic-Version"] == "2023-06-01"
    assert sent["body"]["system"] == "Be brief."
    assert [m["role"] for m in sent["body"]["messages"]] == ["user"]
    assert sent["body"]["temperature"] == 1.0  # clamped to Anthropic's range
    models = await anthropic.list_models(api_key=KEY)
    assert [(m.id, m.name) for m in models] == [("claude-sonnet-4-5", "Claude Sonnet 4.5")]
    await anthropic.aclose()


async def test_errors_are_typed_and_never_echo_the_key(anthropic: AnthropicAdapter) -> None:
    wrong = "sk-ant-wrong-key-99999999999-NOPE"
    with pytest.raises(AuthenticationFailedError) as refused:
        [e async for e in anthropic.stream_chat(ask("Hi"), api_key=wrong)]
    assert wrong not in refused.value.message and "***" in refused.value.message
    with pytest.raises(ContextTooLongError, match="prompt is too long"):
        [e async for e in anthropic.stream_chat(ask("long"), api_key=KEY)]
    with pytest.raises(ModelError, match="Overloaded") as overloaded:
        [e async for e in anthropic.stream_chat(ask("overload"), api_key=KEY)]
    assert overloaded.value.partial_text == "Hello!"
    await anthropic.aclose()


async def test_text_deltas_that_arrive_together_leave_as_one(anthropic: AnthropicAdapter) -> None:
    """The relay's fast path (adapters/http_base.py): one network read, one TextDelta."""
    events = [e async for e in anthropic.stream_chat(ask("burst"), api_key=KEY)]
    texts = [e for e in events if isinstance(e, TextDelta)]
    assert "".join(t.text for t in texts) == "".join(f"w{n} " for n in range(BURST))
    assert sum(t.count for t in texts) == BURST  # the model's deltas are still counted
    assert len(texts) <= 2  # one read (two if the kernel splits the write)
    assert events[-1] == Finish("end_turn")
    await anthropic.aclose()
