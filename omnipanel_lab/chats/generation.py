"""Replies are generated on the server, apart from any browser connection.

A generation is an asyncio task that streams from the model, keeps the text in memory,
and has the reply writer put it in the store in batches (every ``flush_interval``
seconds, never per token), so a closed tab loses nothing and a crash loses at most one
batch. Any number of tabs follow it; any of them can stop it. The protocol between the
runner, its followers and the writer is described in ``chats.reply_stream``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from ..adapters.errors import ModelError
from ..adapters.types import ChatRequest, Finish, TextDelta, Usage
from ..models.service import ModelService, Own, StreamStats
from .reply_stream import Generation
from .reply_writer import ReplySave, ReplyWriter, SaveReplies

log = logging.getLogger(__name__)


class GenerationRunner:
    def __init__(
        self,
        models: ModelService,
        save_replies: SaveReplies,
        flush_interval: float = 0.25,
        spool: Path | None = None,
    ) -> None:
        self.models = models
        self.writer = ReplyWriter(save_replies, flush_interval, spool)
        self._running: dict[str, Generation] = {}

    def running(self, message_id: str) -> Generation | None:
        return self._running.get(message_id)

    def live_text(self, message_id: str) -> str | None:
        """A reply's text when the store may be behind: still streaming, or ended while
        the store was unreachable (its final state not written yet)."""
        generation = self._running.get(message_id)
        if generation is not None:
            return generation.text
        unsaved = self.writer.unsaved(message_id)
        return unsaved.content if unsaved is not None else None

    def start(
        self,
        message_id: str,
        chat_id: str,
        provider: str,
        request: ChatRequest,
        api_key: str | None,
        own: Own | None = None,
    ) -> Generation:
        generation = Generation(message_id, chat_id)
        generation.stats = {"provider": provider, "model": request.model}
        self._running[message_id] = generation
        generation.task = asyncio.ensure_future(
            self._run(generation, provider, request, api_key, own)
        )
        return generation

    async def stop(self, message_id: str) -> bool:
        """Stop a reply (from any tab); False when it was not running."""
        generation = self._running.get(message_id)
        if generation is None or generation.task is None:
            return False
        await generation.started.wait()  # a Stop right after the send must not jam the chat
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
        await self.writer.close()

    async def _run(
        self,
        generation: Generation,
        provider: str,
        request: ChatRequest,
        api_key: str | None,
        own: Own | None = None,
    ) -> None:
        generation.started.set()
        started = time.perf_counter()
        error: str | None = None
        try:
            async for event in self.models.stream(provider, request, api_key, own):
                if isinstance(event, TextDelta):
                    generation.add_text(event.text)
                    self.writer.changed(generation)
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
            generation.stats["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            generation.stats["error"] = error
            end = ReplySave(
                generation.message_id, generation.text, generation.status, dict(generation.stats)
            )
            await self.writer.finish(end)
            del self._running[generation.message_id]
            generation.end(generation.status)
