"""Google Gemini against a loopback server.

Gemini cannot be reached from here, so a loopback tornado app speaks its documented REST
format (ai.google.dev "generateContent" API): `models/{model}:streamGenerateContent?alt=sse`
with GenerateContentResponse chunks, `GET models`, and `{"error": {code, message, status}}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fakes.support import free_port
from tornado import httpserver, web

from omnipanel_lab.adapters.errors import (
    AuthenticationFailedError,
    StreamInterruptedError,
    UnknownModelError,
)
from omnipanel_lab.adapters.gemini import GeminiAdapter
from omnipanel_lab.adapters.types import (
    ChatMessage,
    ChatRequest,
    Finish,
    TextDelta,
    ToolCallDelta,
    Usage,
)

KEY = "AIzaSy-test-key-0000000000000-GEMI"
BURST = 40
SEEN: list[dict] = []


def invalid_key(key: str) -> dict:
    return {
        "error": {
            "code": 400,
            "message": f"API key not valid. Please pass a valid API key. ({key})",
            "status": "INVALID_ARGUMENT",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
            ],
        }
    }


class Stream(web.RequestHandler):
    async def post(self, model: str) -> None:
        body = json.loads(self.request.body)
        SEEN.append({"model": model, "query": self.request.query, "body": body})
        key = self.request.headers.get("x-goog-api-key", "")
        if key != KEY:
            self.set_status(400)
            self.finish(invalid_key(key))
            return
        if model != "gemini-2.0-flash":
            self.set_status(404)
            self.finish(
                {
                    "error": {
                        "code": 404,
                        "status": "NOT_FOUND",
                        "message": f"models/{model} is not found for API version v1beta",
                    }
                }
            )
            return
        self.set_header("Content-Type", "text/event-stream")
        chunks = [
            {
                "candidates": [
                    {"content": {"role": "model", "parts": [{"text": "Bonjour"}]}, "index": 0}
                ]
            },
            {
                "candidates": [
                    {"content": {"role": "model", "parts": [{"text": " Paris"}]}, "index": 0}
                ]
            },
        ]
        last = {
            "candidates": [
                {
                    "content": {
                        "role": "model",
                        "parts": [{"functionCall": {"name": "get_time", "args": {"tz": "CET"}}}],
                    },
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 12,
                "candidatesTokenCount": 4,
                "totalTokenCount": 16,
            },
        }
        if body["contents"][-1]["parts"][0]["text"] == "cut":
            last = None
        if body["contents"][-1]["parts"][0]["text"] == "burst":
            # A fast model's stream as a busy relay reads it: every chunk in one write.
            chunks = [
                {"candidates": [{"content": {"role": "model", "parts": [{"text": f"w{n} "}]}}]}
                for n in range(BURST)
            ]
            self.write("".join(f"data: {json.dumps(c)}\r\n\r\n" for c in [*chunks, last]))
            return
        for chunk in [*chunks, *([last] if last else [])]:
            self.write(f"data: {json.dumps(chunk)}\r\n\r\n")
            await self.flush()


class Models(web.RequestHandler):
    def get(self) -> None:
        self.finish(
            {
                "models": [
                    {
                        "name": "models/gemini-2.0-flash",
                        "displayName": "Gemini 2.0 Flash",
                        "inputTokenLimit": 1048576,
                        "supportedGenerationMethods": ["generateContent"],
                    },
                    {
                        "name": "models/text-embedding-004",
                        "displayName": "Embedding",
                        "supportedGenerationMethods": ["embedContent"],
                    },
                ]
            }
        )


@pytest.fixture
def gemini() -> Iterator[GeminiAdapter]:
    port = free_port()
    server = httpserver.HTTPServer(
        web.Application(
            [
                (r"/v1beta/models/([^/:]+):streamGenerateContent", Stream),
                (r"/v1beta/models", Models),
            ]
        )
    )
    server.listen(port, "127.0.0.1")
    SEEN.clear()
    yield GeminiAdapter("gemini", f"http://127.0.0.1:{port}/v1beta")
    server.stop()


def ask(text: str, model: str = "gemini-2.0-flash") -> ChatRequest:
    messages = (
        ChatMessage("system", "Answer in French."),
        ChatMessage("user", "Hi"),
        ChatMessage("assistant", "Salut"),
        ChatMessage("user", text),
    )
    return ChatRequest(model, messages, max_tokens=32, temperature=0.3, stop=("END",))


async def test_streams_text_function_calls_usage(gemini: GeminiAdapter) -> None:
    events = [e async for e in gemini.stream_chat(ask("Capital?"), api_key=KEY)]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Bonjour Paris"
    call = next(e for e in events if isinstance(e, ToolCallDelta))
    assert (call.name, json.loads(call.arguments)) == ("get_time", {"tz": "CET"})
    assert Usage(12, 4) in events and events[-1] == Finish("stop")
    sent = SEEN[-1]
    assert sent["query"] == "alt=sse"
    assert sent["body"]["systemInstruction"] == {"parts": [{"text": "Answer in French."}]}
    assert [c["role"] for c in sent["body"]["contents"]] == ["user", "model", "user"]
    assert sent["body"]["generationConfig"] == {
        "maxOutputTokens": 32,
        "temperature": 0.3,
        "stopSequences": ["END"],
    }
    models = await gemini.list_models(api_key=KEY)
    assert [(m.id, m.context_length) for m in models] == [("gemini-2.0-flash", 1048576)]
    await gemini.aclose()


async def test_faults(gemini: GeminiAdapter) -> None:
    wrong = "AIzaSy-wrong-key-99999999999-NOPE"
    with pytest.raises(AuthenticationFailedError) as refused:
        [e async for e in gemini.stream_chat(ask("Hi"), api_key=wrong)]
    assert wrong not in refused.value.message
    with pytest.raises(UnknownModelError, match="not found"):
        [e async for e in gemini.stream_chat(ask("Hi", model="gemini-9"), api_key=KEY)]
    with pytest.raises(StreamInterruptedError) as cut:
        [e async for e in gemini.stream_chat(ask("cut"), api_key=KEY)]
    assert cut.value.partial_text == "Bonjour Paris"
    await gemini.aclose()


async def test_text_parts_that_arrive_together_leave_as_one(gemini: GeminiAdapter) -> None:
    """The relay's fast path (adapters/http_base.py): one network read, one TextDelta."""
    events = [e async for e in gemini.stream_chat(ask("burst"), api_key=KEY)]
    texts = [e for e in events if isinstance(e, TextDelta)]
    assert "".join(t.text for t in texts) == "".join(f"w{n} " for n in range(BURST))
    assert sum(t.count for t in texts) == BURST
    assert len(texts) <= 2  # one read (two if the kernel splits the write)
    assert events[-1] == Finish("stop")
    await gemini.aclose()
