"""A loopback server speaking OpenAI's documented chat/completions streaming format, with
one word every ``delay`` seconds, so that tests can act while a reply is being written
(or ``burst`` words at once, as a fast model's deltas reach a busy relay, and optionally a
connection that drops after ``break_after`` words). ``steady``: word N is due ``N * delay``
after the request, so a busy loop catches up with a larger write rather than slowing the
model down (a fast model's rate is its own, whatever the relay does); ``paces`` gives some
models their own delay, steady.

The reply is ``word1 word2 ... wordN`` (N = the request's ``max_tokens``), or, for a
model named in ``replies``, that text in small pieces; the request bodies it received are
kept in ``requests`` for assertions on what a model was sent (and the bearer keys of all
requests in ``keys``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tornado import httpserver, web


class SlowOpenAI:
    def __init__(
        self,
        port: int,
        delay: float = 0.02,
        replies: dict[str, str] | None = None,
        *,
        burst: int = 1,
        break_after: int | None = None,
        steady: bool = False,
        paces: dict[str, float] | None = None,
    ) -> None:
        self.port = port
        self.delay = delay
        self.replies = replies or {}
        self.burst = burst  # pieces sent in one write, as a fast model's deltas arrive together
        self.break_after = break_after  # pieces sent before the connection drops (None: never)
        self.steady = steady
        self.paces = paces or {}
        self.requests: list[dict[str, Any]] = []
        self.keys: list[str] = []  # the bearer token of each request ("" for none)
        owner = self

        class Completions(web.RequestHandler):
            async def post(self) -> None:
                body = json.loads(self.request.body)
                owner.requests.append(body)
                owner.keys.append(bearer(self.request))
                self.set_header("Content-Type", "text/event-stream")
                scripted = owner.replies.get(body["model"])
                if scripted is not None:
                    pieces = [scripted[i : i + 4] for i in range(0, len(scripted), 4)]
                else:
                    count = int(body.get("max_tokens", 16))
                    pieces = [f"word{index} " for index in range(1, count + 1)]
                if owner.steady or body["model"] in owner.paces:
                    await self.steadily(body["model"], pieces)
                    pieces = []
                for start in range(0, len(pieces), owner.burst):
                    for piece in pieces[start : start + owner.burst]:
                        delta = {"content": piece}
                        self.write(f"data: {json.dumps(chunk(body['model'], delta))}\n\n")
                    await self.flush()
                    if owner.break_after is not None and start + owner.burst >= owner.break_after:
                        self.request.connection.stream.close()  # type: ignore[attr-defined]
                        return
                    await asyncio.sleep(owner.delay)
                reason = "stop" if scripted is not None else "length"
                final = chunk(body["model"], {}, finish=reason)
                self.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n")

            async def steadily(self, model: str, pieces: list[str]) -> None:
                delay = owner.paces.get(model, owner.delay)
                loop = asyncio.get_running_loop()
                started, sent = loop.time(), 0
                while sent < len(pieces):
                    due = min(len(pieces), int((loop.time() - started) / delay) + 1)
                    for piece in pieces[sent:due]:
                        self.write(f"data: {json.dumps(chunk(model, {'content': piece}))}\n\n")
                    sent = due
                    await self.flush()
                    await asyncio.sleep(delay)

        class Models(web.RequestHandler):
            def get(self) -> None:
                owner.keys.append(bearer(self.request))
                ids = ["slow", *owner.replies]
                self.write({"object": "list", "data": [{"id": i, "object": "model"} for i in ids]})

        self.server = httpserver.HTTPServer(
            web.Application([(r"/v1/chat/completions", Completions), (r"/v1/models", Models)])
        )

    def start(self) -> SlowOpenAI:
        self.server.listen(self.port, "127.0.0.1")
        return self

    def stop(self) -> None:
        self.server.stop()


def bearer(request: Any) -> str:
    return str(request.headers.get("Authorization", "")).removeprefix("Bearer ")


def chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
