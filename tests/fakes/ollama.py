"""A loopback Ollama: the documented API (docs/api.md of ollama/ollama).

`GET /api/tags`, NDJSON streams from `POST /api/chat` and `POST /api/pull`,
`DELETE /api/delete`, and `{"error": ...}` bodies. ``pull_delay`` slows the download
steps so that a browser can show (and cancel) the progress.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tornado import web


class Tags(web.RequestHandler):
    def get(self) -> None:
        self.finish(
            {
                "models": [
                    {
                        "name": name,
                        "model": name,
                        "modified_at": "2026-11-01T10:00:00Z",
                        "size": 2019393189,
                        "digest": "a80c4f17acd5",
                        "details": {
                            "format": "gguf",
                            "family": "llama",
                            "families": ["llama"],
                            "parameter_size": "3.2B",
                            "quantization_level": "Q4_K_M",
                        },
                    }
                    for name in sorted(self.settings["models"])
                ]
            }
        )


class Chat(web.RequestHandler):
    async def post(self) -> None:
        body = json.loads(self.request.body)
        if (
            body["model"] not in self.settings["models"]
            and f"{body['model']}:latest" not in self.settings["models"]
        ):
            self.set_status(404)
            self.finish({"error": f'model "{body["model"]}" not found, try pulling it first'})
            return
        assert body["stream"] is True and body["options"]["num_predict"] == 16
        words = ["Paris", " is", " the", " capital", "."]
        if body["messages"][-1]["content"] == "break":
            words = words[:2]  # then the connection drops without a final "done" line
        for word in words:
            line = {
                "model": body["model"],
                "message": {"role": "assistant", "content": word},
                "done": False,
            }
            self.write(json.dumps(line) + "\n")
            await self.flush()
        if body["messages"][-1]["content"] == "break":
            self.request.connection.close()
            return
        self.finish(
            json.dumps(
                {
                    "model": body["model"],
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "prompt_eval_count": 26,
                    "eval_count": 5,
                }
            )
            + "\n"
        )


class Pull(web.RequestHandler):
    async def post(self) -> None:
        name = json.loads(self.request.body)["model"]
        steps: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        steps += [
            {
                "status": "pulling a80c4f17acd5",
                "digest": "a80c4f17acd5",
                "total": 1000,
                "completed": done,
            }
            for done in (0, 400, 1000)
        ]
        steps += [{"status": "verifying sha256 digest"}, {"status": "success"}]
        for step in steps:
            self.write(json.dumps(step) + "\n")
            await self.flush()
            await asyncio.sleep(self.settings["pull_delay"])
        self.settings["models"].add(f"{name}:latest" if ":" not in name else name)


class Delete(web.RequestHandler):
    def delete(self) -> None:
        name = json.loads(self.request.body)["model"]
        full = name if ":" in name else f"{name}:latest"
        if full not in self.settings["models"]:
            self.set_status(404)
            self.finish({"error": f"model '{name}' not found"})
            return
        self.settings["models"].discard(full)


def make_app(pull_delay: float = 0.0) -> web.Application:
    """A fresh fake Ollama that knows one model, ``llama3.2:latest``."""
    return web.Application(
        [
            (r"/api/tags", Tags),
            (r"/api/chat", Chat),
            (r"/api/pull", Pull),
            (r"/api/delete", Delete),
        ],
        models={"llama3.2:latest"},
        pull_delay=pull_delay,
    )
