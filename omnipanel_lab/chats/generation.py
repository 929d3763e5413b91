"""Replies are generated on the server, apart from any browser connection.

A generation is an asyncio task that streams from the model, keeps the text in memory,
and writes it to the store in batches (every ``flush_interval`` seconds, never per
token), so a closed tab loses nothing and a crash loses at most one batch. Any number of
tabs follow it through listener queues; any of them can stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..adapters.errors import ModelError
from ..adapters.types import ChatRequest, Finish, TextDelta, Usage
from ..models.service import ModelService, StreamStats

log = logging.getLogger(__name__)

SaveReply = Callable[..., None]  # (message_id, content, status, **stats)


@dataclass
class Generation:
    message_id: str
    chat_id: str
    parts: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    listeners: set[asyncio.Queue[tuple[str, Any]]] = field(default_factory=set)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    status: str = "streaming"

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def publish(self, kind: str, data: Any) -> None:
        for queue in self.listeners:
            queue.put_nowait((kind, data))


class GenerationRunner:
    def __init__(
        self, models: ModelService, save_reply: SaveReply, flush_interval: float = 0.25
    ) -> None:
        self.models = models
        self.save_reply = save_reply
        self.flush_interval = flush_interval
        self.store_writes = 0
        self._running: dict[str, Generation] = {}

    def running(self, message_id: str) -> Generation | None:
        return self._running.get(message_id)

    def start(
        self,
        message_id: str,
        chat_id: str,
        provider: str,
        request: ChatRequest,
        api_key: str | None,
    ) -> Generation:
        generation = Generation(message_id, chat_id)
        generation.stats = {"provider": provider, "model": request.model}
        self._running[message_id] = generation
        generation.task = asyncio.ensure_future(self._run(generation, provider, request, api_key))
        return generation

    async def stop(self, message_id: str) -> bool:
        """Stop a reply (from any tab); False when it was not running."""
        generation = self._running.get(message_id)
        if generation is None or generation.task is None:
            return False
        if not generation.task.cancelling():
            generation.task.cancel()
        await generation.finished.wait()
        return True

    async def stop_chat(self, chat_id: str) -> None:
        for generation in list(self._running.values()):
            if generation.chat_id == chat_id:
                await self.stop(generation.message_id)

    async def close(self) -> None:
        for message_id in list(self._running):
            await self.stop(message_id)

    async def _run(
        self, generation: Generation, provider: str, request: ChatRequest, api_key: str | None
    ) -> None:
        dirty, closing = asyncio.Event(), asyncio.Event()
        flusher = asyncio.ensure_future(self._flush_batches(generation, dirty, closing))
        started = time.perf_counter()
        error: str | None = None
        try:
            async for event in self.models.stream(provider, request, api_key):
                if isinstance(event, TextDelta):
                    generation.parts.append(event.text)
                    generation.publish("text", event.text)
                    dirty.set()
                elif isinstance(event, Usage):
                    generation.stats["input_tokens"] = event.input_tokens
                    generation.stats["output_tokens"] = event.output_tokens
                elif isinstance(event, Finish):
                    generation.stats["finish_reason"] = event.reason
                elif isinstance(event, StreamStats):
                    generation.stats["ttft_ms"] = event.ttft_ms
                    if generation.stats.get("output_tokens") is None:
                        generation.stats["output_tokens"] = event.output_tokens or event.chunks
            generation.status = "complete"
        except asyncio.CancelledError:
            generation.status = "stopped"
            generation.stats["finish_reason"] = "stopped"
        except ModelError as failure:
            generation.status, error = "failed", failure.message
        except Exception:  # a bug must not leave the reply 'streaming' forever
            log.exception("OmniPanel generation %s failed", generation.message_id)
            generation.status, error = "failed", "The reply failed unexpectedly; see the log."
        finally:
            closing.set()
            dirty.set()
            await flusher  # its last batch is written before the final state
            generation.stats["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            generation.stats["error"] = error
            await self._save(generation, generation.status)
            del self._running[generation.message_id]
            generation.publish("done", generation.status)
            generation.finished.set()

    async def _flush_batches(
        self, generation: Generation, dirty: asyncio.Event, closing: asyncio.Event
    ) -> None:
        while True:
            await dirty.wait()
            if closing.is_set():
                return
            dirty.clear()
            await self._save(generation, "streaming")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(closing.wait(), self.flush_interval)

    async def _save(self, generation: Generation, status: str) -> None:
        stats = generation.stats if status != "streaming" else {}
        try:
            await asyncio.to_thread(
                self.save_reply, generation.message_id, generation.text, status, **stats
            )
            self.store_writes += 1
        except Exception:  # the text stays in memory; the next batch tries again
            log.warning("OmniPanel could not save reply %s yet", generation.message_id)
