"""The built-in model's answers, checked: does the shipped Gemma 3 270M stay on the user's
topic, write a fenced code block when asked for code, and never repeat its prompt's
examples?

A fixed set of prompts (facts, code requests, everyday questions), each with an automatic
check, is sent through the path a chat uses: ``ModelService.stream("builtin", ...)`` with
the built-in provider of a default server (the shipped Gemma, the ``completion`` framing of
``omnipanel_lab/adapters/base_prompt.py``), one user message, no temperature (as a chat
sends none), ``max_tokens`` as below. The same prompts also go, in the same run and the same
engine, through what OmniPanel did before (a 2 + 2 few-shot example, no code prefill, the
engine's default temperature of 0.8, repeat penalty 1.3) as the peer to compare with.

Each request has its own fixed sampling seed, so a run is repeatable on the same machine
and llama.cpp build. Results are written after every prompt (a long run keeps its part).

Run: .venv/bin/python bench/builtin_eval.py   (about 5-8 minutes on 2 cores)
Writes bench/results/builtin_eval.json and the "Built-in model" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from foundation import ROOT, write_section

from omnipanel_lab.adapters import local
from omnipanel_lab.adapters.base_prompt import EXAMPLE_MARKERS, BasePrompt
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, TextDelta
from omnipanel_lab.models.providers import builtin_factory, local_catalog
from omnipanel_lab.models.service import ModelService

RESULTS = ROOT / "bench" / "results" / "builtin_eval.json"
MAX_TOKENS = 96
THREADS = 2

# The framing used before this benchmark existed (kept here as the peer).
OLD_HEADER = (
    "The following is a conversation between a User and a helpful, concise Assistant.\n\n"
    "User: Hello! Who are you?\n"
    "Assistant: I am a small assistant that runs locally in OmniPanel.\n\n"
    "User: What is 2 + 2?\n"
    "Assistant: 2 + 2 is 4.\n\n"
)
OLD_MARKERS = ("runs locally in OmniPanel", "2 + 2", "is 4")


@dataclass(frozen=True)
class Case:
    kind: str  # "fact", "code" or "topic"
    prompt: str
    expect: str  # a regular expression the answer must match (case-insensitive)


CASES = [
    Case("fact", "What is the capital of France?", r"\bparis\b"),
    Case("fact", "What is the capital of Japan?", r"\btokyo\b"),
    Case("fact", "What is the capital of Italy?", r"\brome\b"),
    Case("fact", "What is the capital of Germany?", r"\bberlin\b"),
    Case("fact", "What color is the sky on a clear day?", r"\bblue\b"),
    Case("fact", "How many days are in a week?", r"\b(seven|7)\b"),
    Case("fact", "What is the largest planet in our solar system?", r"\bjupiter\b"),
    Case("fact", "Which planet is known as the Red Planet?", r"\bmars\b"),
    Case("fact", "Who wrote Romeo and Juliet?", r"\bshakespeare\b"),
    Case("fact", "What language do people speak in Spain?", r"\bspanish\b"),
    Case("fact", "What is the opposite of hot?", r"\bcold\b"),
    Case("fact", "What gas do plants take in from the air?", r"carbon dioxide|\bco2\b"),
    Case("fact", "What is frozen water called?", r"\bice\b"),
    Case("fact", "What do bees make?", r"\bhoney\b"),
    Case("code", "Write a Python function that reverses a string.", r"\bdef\b"),
    Case("code", "Write a Python function that returns the sum of a list.", r"\bdef\b"),
    Case("code", "Show me a Python loop that prints the numbers 1 to 10.", r"\b(for|while)\b"),
    Case("code", "Write a JavaScript function that adds two numbers.", r"function|=>"),
    Case("code", "Write a SQL query that selects all rows from a table named users.", r"select"),
    Case("code", "Write a bash command that lists the files in a folder.", r"\bls\b"),
    Case("code", "Give me Python code that reads a text file.", r"\bopen\b|read"),
    Case("code", "Write a Python function that checks whether a number is even.", r"%|even"),
    Case("code", "Write a Python class for a point with x and y.", r"\bclass\b"),
    Case(
        "code",
        "Write a Python function that returns the squares of a list of numbers.",
        r"\bdef\b",
    ),
    Case("code", "Write an HTML page with a heading that says Hello.", r"<h1|<html"),
    Case("code", "Write a Python function to compute the factorial of n.", r"\bdef\b"),
    Case("topic", "Tell me one fact about the Moon.", r"\bmoon\b"),
    Case("topic", "What is a cat?", r"\b(cat|cats|animal|pet)\b"),
    Case("topic", "Why do people need sleep?", r"\b(sleep|rest|body|brain|tired)\b"),
    Case("topic", "What is Python?", r"programming|language|snake"),
    Case("topic", "What is the Sun?", r"\bstar\b"),
    Case("topic", "Say hello to me.", r"\b(hello|hi)\b"),
    Case("topic", "What is a tree?", r"\b(tree|plant|wood|leaves)\b"),
    Case("topic", "What is rain?", r"\b(water|rain|cloud|drops?)\b"),
]
FENCED = re.compile(r"```[a-z+]*\n.*?\S.*?\n?```", re.S)


def check(case: Case, answer: str, markers: tuple[str, ...]) -> dict[str, bool]:
    """The checks of one answer: on topic (its expected words), fenced when code was
    asked for, and free of the prompt's example text."""
    lowered = answer.lower()
    leaked = any(marker.lower() in lowered for marker in markers)
    fenced = FENCED.search(answer) is not None
    on_topic = re.search(case.expect, lowered) is not None
    passed = on_topic and not leaked and (fenced if case.kind == "code" else True)
    return {"on_topic": on_topic, "fenced": fenced, "leaked": leaked, "passed": passed}


def old_framing(messages: tuple[ChatMessage, ...]) -> BasePrompt:
    lines = [OLD_HEADER]
    for message in messages:
        speaker = "User" if message.role == "user" else "Assistant"
        lines.append(f"{speaker}: {message.content.strip()}\n")
    lines.append("Assistant:")
    return BasePrompt("".join(lines))


async def answer(
    service: ModelService, prompt: str, seed: int, peer: bool = False
) -> tuple[str, float]:
    request = ChatRequest(
        model="",
        messages=(ChatMessage("user", prompt),),
        max_tokens=MAX_TOKENS,
        # The peer as it ran before: the engine's default temperature, one repeat penalty.
        temperature=0.8 if peer else None,
        options={"seed": seed, **({"repeat_penalty": 1.3} if peer else {})},
    )
    started = time.perf_counter()
    events: AsyncIterator[Any] = service.stream("builtin", request)
    text = "".join([e.text async for e in events if isinstance(e, TextDelta)])
    return text, time.perf_counter() - started


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    code = [row for row in rows if row["kind"] == "code"]
    return {
        "prompts": len(rows),
        "passed": sum(row["passed"] for row in rows),
        "pass_rate": round(sum(row["passed"] for row in rows) / len(rows), 3),
        "code_requests": len(code),
        "code_fenced": sum(row["fenced"] for row in code),
        "code_fenced_rate": round(sum(row["fenced"] for row in code) / max(1, len(code)), 3),
        "leaked": sum(row["leaked"] for row in rows),
        "by_kind": {
            kind: f"{sum(r['passed'] for r in rows if r['kind'] == kind)}/"
            f"{sum(1 for r in rows if r['kind'] == kind)}"
            for kind in ("fact", "code", "topic")
        },
        "median_seconds": round(sorted(row["seconds"] for row in rows)[len(rows) // 2], 2),
    }


async def run() -> dict[str, Any]:
    models_dir = Path(tempfile.mkdtemp(prefix="omnipanel-eval-"))
    catalog = local_catalog("", "auto", models_dir)  # the shipped Gemma, as a server has it
    service = ModelService({"builtin": builtin_factory(catalog, THREADS, 900.0)})
    framings: dict[str, tuple[Callable[..., BasePrompt], tuple[str, ...]]] = {
        "tuned": (local.base_prompt, EXAMPLE_MARKERS),
        "before": (old_framing, OLD_MARKERS),
    }
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in framings}
    started = time.perf_counter()
    try:
        await answer(service, "Hello!", 0)  # the engine starts (not measured)
        for index, case in enumerate(CASES):
            # Both framings in turn, per prompt: the same engine, the same seed.
            for name, (framing, markers) in framings.items():
                local.base_prompt = framing
                try:
                    peer = name == "before"
                    text, seconds = await answer(service, case.prompt, 1000 + index, peer)
                finally:
                    local.base_prompt = framings["tuned"][0]
                row = {
                    "kind": case.kind,
                    "prompt": case.prompt,
                    "answer": text,
                    "seconds": round(seconds, 2),
                    **check(case, text, markers),
                }
                results[name].append(row)
                mark = "ok " if row["passed"] else "BAD"
                print(f"{name:6} {mark} {case.prompt[:50]!r}: {text[:70]!r}", flush=True)
            RESULTS.write_text(json.dumps(report(results, started), indent=2) + "\n")
    finally:
        await service.close()
    return report(results, started)


def report(results: dict[str, list[dict[str, Any]]], started: float) -> dict[str, Any]:
    load = os.getloadavg()[0]
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {THREADS} threads, Python {platform.python_version()}",
        "load_average_1min_at_end": round(load, 1),
        "run_seconds": round(time.perf_counter() - started, 1),
        "model": "Gemma 3 270M (Q4_K_M), shipped",
        "max_tokens": MAX_TOKENS,
        "summary": {name: summary(rows) for name, rows in results.items() if rows},
        "answers": results,
    }


def write_docs(result: dict[str, Any]) -> None:
    tuned, before = result["summary"]["tuned"], result["summary"]["before"]

    def pct(value: float) -> str:
        return f"{value * 100:.0f} %"

    lines = [
        "## Built-in model (`bench/builtin_eval.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']} (the whole run "
        f"{result['run_seconds'] / 60:.0f} min, load average {result['load_average_1min_at_end']}"
        f" at its end: the machine was shared): {tuned['prompts']} fixed "
        f"prompts ({tuned['by_kind']['fact'].split('/')[1]} facts, {tuned['code_requests']} "
        f"code requests, {tuned['by_kind']['topic'].split('/')[1]} everyday questions) "
        f"through the chat's path to the {result['model']}, max_tokens "
        f"{result['max_tokens']}, a fixed seed per prompt. A prompt passes when its answer "
        "has the expected words, has a fenced code block if code was asked for, and repeats "
        "none of the prompt's example text. The peer is the framing used before, on the "
        "same engine in the same run.",
        "",
        "| framing | passed | code requests fenced | answers repeating the examples "
        "| facts | code | everyday | median time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, stats in (("tuned (now)", tuned), ("before", before)):
        lines.append(
            f"| {name} | {stats['passed']}/{stats['prompts']} ({pct(stats['pass_rate'])}) "
            f"| {stats['code_fenced']}/{stats['code_requests']} "
            f"({pct(stats['code_fenced_rate'])}) | {stats['leaked']} "
            f"| {stats['by_kind']['fact']} | {stats['by_kind']['code']} "
            f"| {stats['by_kind']['topic']} | {stats['median_seconds']} s |"
        )
    lines += [
        "",
        "Targets: at least 70 % passed, at least 80 % of code requests fenced, no answer "
        "repeating the examples. Every answer is in `bench/results/builtin_eval.json`. "
        "Times are the shared machine's (Gemma alone streams about 80 tokens/s on 2 "
        "threads); the repetition check counts an example's own words, so the old framing's "
        'paraphrases of its 2 + 2 example ("How many days are in a week?" -> "2 + 1 is '
        '5.") are counted as wrong answers, not as repetitions.',
        "",
    ]
    write_section("\n".join(lines))


def main() -> None:
    result = asyncio.run(run())
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
