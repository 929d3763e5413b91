"""Engine memory benchmark: the built-in engine's RSS after 100 and after 1,000 short requests.

The engine is started as OmniPanel starts it (``LlamaCppEngine``), and asked what a chat
asks through the built-in adapter: short questions in conversations that grow by one turn
per request, a new conversation every ``TURNS`` requests (so prompts reach a few hundred
tokens, as a real chat's do). The resident set size of the engine process is read after
start, then after each checkpoint. Target: RSS after 1,000 within 10 % of RSS after 100.

Run: .venv/bin/python bench/engine_memory.py [--quick]  (bench/models.py runs it too)
Writes bench/results/engine_memory.json and the "Engine memory" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from foundation import ROOT, write_section

from omnipanel_lab.adapters.local import LocalModelAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, TextDelta
from omnipanel_lab.engines.llama_cpp import EngineConfig, LlamaCppEngine
from omnipanel_lab.engines.tiny_model import write_tiny_gguf
from omnipanel_lab.models.providers import BUILTIN_ALIAS, locate_builtin_gemma

RESULTS = ROOT / "bench" / "results" / "engine_memory.json"
CHECKPOINTS = (1, 10, 50, 100, 250, 500, 750, 1000)
MAX_TOKENS = 16
TURNS = 12  # requests per conversation
QUESTIONS = (
    "What is the capital of France?",
    "Name a fruit that is yellow.",
    "How many legs does a spider have?",
    "What colour is the sky on a clear day?",
    "Say hello in Spanish.",
    "What is 7 times 6?",
    "Which planet is called the red planet?",
    "What do bees make?",
)


def rss_mib(pid: int) -> float:
    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


async def measure(name: str, locate: Any, base_model: bool, requests: int) -> dict[str, Any]:
    """RSS of the engine process after start and after each checkpoint up to ``requests``."""
    engine = LlamaCppEngine(
        EngineConfig(locate_model=locate, model_alias=name, n_threads=2, idle_timeout=3600)
    )
    adapter = LocalModelAdapter(engine, base_model=base_model)
    await engine.ensure_started()
    assert engine.pid is not None
    rss: dict[str, float] = {"start": rss_mib(engine.pid)}
    history: list[ChatMessage] = []
    started = time.perf_counter()
    try:
        for done in range(1, requests + 1):
            if (done - 1) % TURNS == 0:
                history = []
            history.append(ChatMessage("user", QUESTIONS[done % len(QUESTIONS)]))
            request = ChatRequest(name, tuple(history), max_tokens=MAX_TOKENS, temperature=0.7)
            reply = "".join(
                [e.text async for e in adapter.stream_chat(request) if isinstance(e, TextDelta)]
            )
            history.append(ChatMessage("assistant", reply.strip() or "..."))
            if done in CHECKPOINTS:
                await asyncio.sleep(0.5)  # at rest: the engine hands memory back after a reply
                rss[str(done)] = rss_mib(engine.pid)
    finally:
        elapsed = time.perf_counter() - started
        await adapter.aclose()
    at_100 = rss.get("100")
    last = rss[str(max(c for c in CHECKPOINTS if c <= requests))]
    return {
        "requests": requests,
        "rss_mib": rss,
        "ratio_last_to_100": round(last / at_100, 3) if at_100 else None,
        "seconds": round(elapsed, 1),
    }


def write_docs(result: dict[str, Any]) -> None:
    lines = [
        "## Engine memory (`bench/engine_memory.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']} (1-minute load average "
        f"{result['load_average']['start']} at the start, {result['load_average']['end']} at "
        "the end): the built-in engine "
        "(llama-cpp-python's server, started by `LlamaCppEngine`) answers short requests "
        f"through the built-in adapter ({MAX_TOKENS} tokens each; conversations that grow by "
        f"a turn per request, a new one every {TURNS} requests). Resident memory of the "
        "engine process:",
        "",
        "| model | after start | after 10 | after 100 | after 1,000 | 1,000 vs 100 | target "
        "| met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, key in (("tiny test model", "tiny"), ("Gemma 3 270M", "gemma")):
        run = result[key]
        rss = run["rss_mib"]
        lines.append(
            f"| {label} | {rss['start']} MiB | {rss.get('10')} MiB | {rss.get('100')} MiB "
            f"| {rss.get('1000')} MiB | {run['ratio_last_to_100']} | < 1.10 "
            f"| {'yes' if (run['ratio_last_to_100'] or 9) < 1.10 else 'no'} |"
        )
    lines += [
        "",
        "Every checkpoint (MiB): "
        + "; ".join(
            f"{key}: " + ", ".join(f"{n} → {v}" for n, v in result[key]["rss_mib"].items())
            for key in ("tiny", "gemma")
        )
        + ".",
        "",
        "Why it grew, and what bounds it. Before (0.69 GB after start, 1.86 GB after about 70 "
        "requests) three causes, all from Gemma's 262,144-token vocabulary. (1) "
        "llama-cpp-python's server defaults to `logits_all=True`, which keeps the logits of "
        "every context position (n_ctx x vocabulary floats, 4 GiB of address space at n_ctx "
        "4096), touched further as conversations grew (1,071 MiB after 100 requests): the "
        "engine starts with `logits_all=False` (only logprobs need it; nothing here asks for "
        "them). (2) Each request runs in one of the server's worker threads, each with its own "
        "glibc malloc arena, and what a request freed stayed in its arena (704 MiB after 500): "
        "the engine calls `malloc_trim(0)` after each request. (3) The slower growth that "
        "remained (1,000 vs 100: 1.16, about 0.1 MiB per request): each generation's sampler "
        "chain holds a buffer of one `llama_token_data` per vocabulary entry (3 MiB), and "
        "llama-cpp-python's `LlamaSampler` sits in a reference cycle, so a replaced sampler was "
        "freed only when Python's cyclic collector ran, which a long-lived server does rarely "
        "(1 or 2 full collections per 300 requests). Measured in the engine with a debug "
        "route: 7 to 10 dead samplers alive at rest, 31 MiB freed by one `gc.collect()`, "
        "memory swinging by 30 MiB between checkpoints and creeping up as the buffers, freed "
        "late in other threads' arenas, fragmented them. The engine now closes the replaced "
        "sampler when the next generation makes its own "
        "(`llama_server.close_replaced_samplers`): one sampler alive at any time; over 300 "
        "requests the same probe read 456-462 MiB from the 25th request on. The model file "
        "itself (263 MiB mapped) stays resident and constant; it is counted in the figures. "
        "What still moves between the 100th and the 1,000th request in this run: "
        + ", ".join(
            f"{key} {round(result[key]['rss_mib']['1000'] - result[key]['rss_mib']['100'], 1)} MiB"
            for key in ("tiny", "gemma")
            if "1000" in result[key]["rss_mib"] and "100" in result[key]["rss_mib"]
        )
        + " (the tiny model's small drift was not traced further).",
    ]
    write_section("\n".join(lines) + "\n")


async def run(quick: bool) -> dict[str, Any]:
    requests = 100 if quick else 1000
    load_at_start = round(os.getloadavg()[0], 1)
    with tempfile.TemporaryDirectory() as tmp:
        tiny = write_tiny_gguf(Path(tmp) / "tiny.gguf")
        result = {
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}",
            "max_tokens": MAX_TOKENS,
            "turns_per_conversation": TURNS,
            "tiny": await measure("tiny", lambda: tiny, False, requests),
            "gemma": await measure(BUILTIN_ALIAS, locate_builtin_gemma, True, requests),
            # A shared machine: how busy it was (1-minute load average).
            "load_average": {"start": load_at_start, "end": round(os.getloadavg()[0], 1)},
        }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 requests, not 1,000")
    print(json.dumps(asyncio.run(run(parser.parse_args().quick)), indent=2))
