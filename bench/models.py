"""Models benchmark: what OmniPanel adds to a model's own latency, and 50 streams at once.

One llama.cpp server (the tiny random GGUF, deterministic with temperature 0) is streamed
three ways, interleaved, in the same run: directly with httpx, through OmniPanel's SSE API
(a real `jupyter server` child process), and through litellm (the path Jupyter AI uses).
Then 50 streams at once through OmniPanel while a probe measures how long the server takes
to answer `/api/status` (an event-loop lag proxy), and the cold start of the built-in engine.

How the streams are compared, so that no path is favoured:
- every path asks llama.cpp for the same thing (the direct call, like OmniPanel's adapter,
  requests `stream_options.include_usage`);
- tokens/s is the decode rate, (tokens - 1) / (last token - first token): it leaves out the
  time to first token (reported on its own) and the end of the stream after the last token
  (OmniPanel sends its usage, finish and stats events there), which is reported as
  `tail_ms`; `total_ms` and `e2e_tokens_per_s` (tokens / total) keep the whole request;
- the ratio to direct is the median of per-run ratios (each run's path against the direct
  run just before it), with its interquartile range and a bootstrap 90 % interval of the
  median: on a 2-core machine shared by llama.cpp, the server and the client, single runs
  of Gemma vary by +-7 % (more when anything else runs), so 10 runs cannot tell 0.96 from
  1.00; 40 paired runs give the median to about +-2 % on a quiet machine;
- the Jupyter server's CPU time per relayed token is measured too (`/proc`): with
  llama.cpp's threads on both cores, that CPU is what the relay takes from the decode.

Run: .venv/bin/pip install '.[bench]' && .venv/bin/python bench/models.py [--quick]
[--part all|fast|relay]. Writes bench/results/models.json and the "Models" section of
docs/benchmarks.md; then (``all``) the engine's memory after 100 and 1,000 requests
(bench/engine_memory.py). ``fast`` measures the fast model only and puts its rows in the
last full results (``--quick``: printed only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from engine_memory import run as measure_engine_memory
from foundation import (
    ROOT,
    Server,
    cpu_seconds,
    free_port,
    percentile,
    start_model_server,
    write_section,
)

from omnipanel_lab.adapters.local import LocalModelAdapter
from omnipanel_lab.adapters.types import ChatMessage, ChatRequest, TextDelta
from omnipanel_lab.engines.llama_cpp import EngineConfig, LlamaCppEngine
from omnipanel_lab.engines.tiny_model import write_tiny_gguf
from omnipanel_lab.models.providers import BUILTIN_ALIAS, locate_builtin_gemma

RESULTS = ROOT / "bench" / "results" / "models.json"
# A story opening keeps even the base Gemma writing until max_tokens (a question may get
# an empty answer from it), so every path streams the same tokens.
MESSAGES = [
    {"role": "system", "content": "You are a storyteller."},
    {"role": "user", "content": "Once upon a time, in a lighthouse by the sea,"},
]
MAX_TOKENS = 32  # the tiny model ends its reply (EOS) after ~30 tokens anyway
GEMMA_RUNS = 6  # Gemma at ~50 tokens/s: its runs take most of the time
# The fast model: a loopback OpenAI-format server in its own process, ~1,000 tokens/s (one
# word a millisecond), for streams long enough that a per-token cost shows in the rate.
FAST_TOKENS = 512
FAST_DELAY_S = 0.001
CONCURRENT_TOKENS = 128


class Sample(NamedTuple):
    """One stream, times in seconds from the request."""

    ttft: float
    total: float
    tokens: int  # the model's deltas (one a token for these models)
    last: float  # time of the last text
    first_tokens: float  # tokens in the first text event
    events: int  # text events received (the relay joins what arrives together)


async def direct(
    client: httpx.AsyncClient, url: str, token: str, max_tokens: int = MAX_TOKENS
) -> Sample:
    """A stream straight from llama.cpp, asking for what OmniPanel's adapter asks for."""
    body = {
        "model": "tiny",
        "messages": MESSAGES,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0,
    }
    started, first, last, chunks = time.perf_counter(), 0.0, 0.0, 0
    async with client.stream(
        "POST", f"{url}/chat/completions", json=body, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        async for line in response.aiter_lines():
            if line.startswith("data:") and '"content"' in line and line[5:].strip() != "[DONE]":
                delta = json.loads(line[5:])["choices"][0]["delta"].get("content")
                if delta:
                    chunks += 1
                    last = time.perf_counter()
                    first = first or last
    return Sample(first - started, time.perf_counter() - started, chunks, last - started, 1, chunks)


async def through_omnipanel(
    client: httpx.AsyncClient, server: Server, max_tokens: int = MAX_TOKENS, provider: str = "bench"
) -> Sample:
    body = {
        "provider": provider,
        "model": "tiny",
        "messages": MESSAGES,
        "max_tokens": max_tokens,
        "temperature": 0,
    }
    started, first, last, events = time.perf_counter(), 0.0, 0.0, 0
    first_chars, chars, tokens = 0, 0, 0
    event = ""
    async with client.stream(
        "POST",
        f"http://127.0.0.1:{server.port}/omnipanel/api/v1/chat/completions",
        json=body,
        headers={"Authorization": f"token {server.token}"},
    ) as response:
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif event == "text" and line.startswith("data: "):
                events += 1
                last = time.perf_counter()
                first = first or last
                chars += len(json.loads(line[6:])["text"])
                first_chars = first_chars or chars
            elif event == "stats" and line.startswith("data: "):
                tokens = json.loads(line[6:])["chunks"]  # the model's deltas, as counted direct
    # The relay joins deltas that arrive together: the first event's share of the tokens.
    first_tokens = tokens * first_chars / chars if chars else 0.0
    return Sample(
        first - started, time.perf_counter() - started, tokens, last - started, first_tokens, events
    )


async def through_litellm(url: str, token: str, max_tokens: int = MAX_TOKENS) -> Sample:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network fetch, offline
    import litellm

    started, first, last, chunks = time.perf_counter(), 0.0, 0.0, 0
    stream = await litellm.acompletion(
        model="openai/tiny",
        api_base=url,
        api_key=token,
        messages=MESSAGES,
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
    )
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            chunks += 1
            last = time.perf_counter()
            first = first or last
    return Sample(first - started, time.perf_counter() - started, chunks, last - started, 1, chunks)


def decode_rate(sample: Sample) -> float | None:
    """Tokens/s between the first and the last text (None: too few tokens to tell): the
    tokens after the first event over the time from the first event to the last."""
    after_first = sample.tokens - sample.first_tokens
    span = sample.last - sample.ttft
    return after_first / span if after_first > 0 and span > 0 else None


def summary(samples: list[Sample]) -> dict[str, float]:
    ttft = [s.ttft * 1000 for s in samples]
    rates = [r for r in map(decode_rate, samples) if r is not None]
    e2e = [s.tokens / s.total for s in samples if s.total > 0]
    return {
        "ttft_ms_median": round(statistics.median(ttft), 2),
        "ttft_ms_p95": round(percentile(ttft, 95), 2),
        "total_ms_median": round(statistics.median(s.total * 1000 for s in samples), 2),
        "tail_ms_median": round(statistics.median((s.total - s.last) * 1000 for s in samples), 2),
        "tokens_median": statistics.median(s.tokens for s in samples),
        "text_events_median": statistics.median(s.events for s in samples),
        "tokens_per_s_median": round(statistics.median(rates), 1) if rates else 0.0,
        "e2e_tokens_per_s_median": round(statistics.median(e2e), 1) if e2e else 0.0,
    }


def paired_ratio(samples: list[Sample], base: list[Sample]) -> dict[str, Any]:
    """Median and interquartile range of per-run decode-rate ratios to the direct run, and
    a bootstrap 90 % interval of that median (fixed seed, so the same samples agree)."""
    ratios = []
    for sample, reference in zip(samples, base, strict=True):
        rate, base_rate = decode_rate(sample), decode_rate(reference)
        if rate and base_rate:
            ratios.append(rate / base_rate)
    if not ratios:
        return {"tokens_per_s_ratio_to_direct": 0.0}
    rng = random.Random(0)
    medians = [statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(2000)]
    return {
        "tokens_per_s_ratio_to_direct": round(statistics.median(ratios), 3),
        "tokens_per_s_ratio_iqr": [
            round(percentile(ratios, 25), 3),
            round(percentile(ratios, 75), 3),
        ],
        "tokens_per_s_ratio_ci90": [
            round(percentile(medians, 5), 3),
            round(percentile(medians, 95), 3),
        ],
    }


async def compare_paths(
    url: str,
    token: str,
    server: Server,
    runs: int,
    provider: str = "bench",
    max_tokens: int = MAX_TOKENS,
) -> dict[str, Any]:
    """Each path in turn, ``runs`` times, every stream asking for ``max_tokens``."""
    samples: dict[str, list[Sample]] = {
        "direct": [],
        "omnipanel": [],
        "litellm": [],
    }
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(3):  # warm every path
            await direct(client, url, token, max_tokens)
            await through_omnipanel(client, server, max_tokens, provider)
            await through_litellm(url, token, max_tokens)
        server_cpu = 0.0
        for _ in range(runs):
            samples["direct"].append(await direct(client, url, token, max_tokens))
            before = cpu_seconds(server.process.pid) if server.process else 0.0
            samples["omnipanel"].append(
                await through_omnipanel(client, server, max_tokens, provider)
            )
            after = cpu_seconds(server.process.pid) if server.process else 0.0
            server_cpu += after - before
            samples["litellm"].append(await through_litellm(url, token, max_tokens))
    paths = {name: summary(values) for name, values in samples.items()}
    # The Jupyter server's own CPU per relayed token (whole streams: request handling too);
    # on 2 cores it is taken from llama.cpp's threads, so it is what slows the decode.
    relayed = sum(s.tokens for s in samples["omnipanel"])
    paths["omnipanel"]["server_cpu_us_per_token"] = (
        round(server_cpu / relayed * 1e6) if relayed else None
    )
    base = paths["direct"]
    for name in ("omnipanel", "litellm"):
        paths[name]["ttft_overhead_ms"] = round(
            paths[name]["ttft_ms_median"] - base["ttft_ms_median"], 2
        )
        paths[name].update(paired_ratio(samples[name], samples["direct"]))
        paths[name]["total_overhead_ms"] = round(
            paths[name]["total_ms_median"] - base["total_ms_median"], 2
        )
    return {"runs": runs, "max_tokens": max_tokens, **paths}


async def concurrent_streams(
    server: Server, url: str, token: str, streams: int, rounds: int = 2
) -> dict[str, Any]:
    """Many streams at once through OmniPanel and straight from llama.cpp, alternating
    (llama.cpp serves them one after another, so the wall time is the decode's); while
    OmniPanel relays them, the server's own event-loop lag and an outside probe."""
    probes: list[float] = []
    done = asyncio.Event()

    async def probe(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            started = time.perf_counter()
            await client.get(
                f"http://127.0.0.1:{server.port}/api/status",
                headers={"Authorization": f"token {server.token}"},
            )
            probes.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.01)

    walls: dict[str, list[float]] = {"direct": [], "omnipanel": []}
    results: list[Sample] = []
    async with httpx.AsyncClient(timeout=300, limits=httpx.Limits(max_connections=200)) as client:
        for _ in range(rounds):
            started = time.perf_counter()
            await asyncio.gather(
                *(direct(client, url, token, CONCURRENT_TOKENS) for _ in range(streams))
            )
            walls["direct"].append(time.perf_counter() - started)
            done.clear()
            prober = asyncio.ensure_future(probe(client))
            started = time.perf_counter()
            results = await asyncio.gather(
                *(
                    through_omnipanel(client, server, max_tokens=CONCURRENT_TOKENS)
                    for _ in range(streams)
                )
            )
            walls["omnipanel"].append(time.perf_counter() - started)
            done.set()
            await prober
        status = await client.get(
            f"http://127.0.0.1:{server.port}/omnipanel/api/v1/status",
            headers={"Authorization": f"token {server.token}"},
        )
        lag = status.json()["event_loop_lag_ms"]
    return {
        "streams": streams,
        "rounds": rounds,
        "max_tokens": CONCURRENT_TOKENS,
        "completed": sum(1 for r in results if r.tokens > 0),
        "wall_s": round(statistics.median(walls["omnipanel"]), 2),
        "direct_wall_s": round(statistics.median(walls["direct"]), 2),
        "wall_s_rounds": [round(w, 2) for w in walls["omnipanel"]],
        "direct_wall_s_rounds": [round(w, 2) for w in walls["direct"]],
        "wall_ratio_omnipanel_over_direct": round(
            sum(walls["omnipanel"]) / sum(walls["direct"]), 3
        ),
        "event_loop_lag_ms_p50": lag["p50"],
        "event_loop_lag_ms_p99": lag["p99"],
        "event_loop_lag_ms_max": lag["max"],
        "status_probe_ms_p50": round(percentile(probes, 50), 2),
        "status_probe_ms_p99": round(percentile(probes, 99), 2),
        "status_probes": len(probes),
    }


async def cold_start(model: str, locate: Any, base_model: bool) -> float:
    """Seconds from starting the engine process to the first token of a reply."""
    engine = LlamaCppEngine(EngineConfig(locate_model=locate, model_alias=model, n_threads=2))
    adapter = LocalModelAdapter(engine, base_model=base_model)
    engine.model_path = await asyncio.to_thread(locate)  # locating the file is not start-up
    request = ChatRequest(
        model,
        (ChatMessage("user", "What is the capital of France?"),),
        max_tokens=8,
        temperature=0.0,
    )
    started = time.perf_counter()
    try:
        async for event in adapter.stream_chat(request):
            if isinstance(event, TextDelta):
                return time.perf_counter() - started
    finally:
        await adapter.aclose()
    raise RuntimeError("no token")


def format_load(load: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


def write_docs(result: dict[str, Any]) -> None:
    paths, load = result["paths"], result["concurrency"]
    tiny_tokens = paths["direct"].get("tokens_median", paths["direct"].get("chunks_median"))
    lines = [
        "## Models (`bench/models.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']}. Three models, each "
        "streamed straight (direct), through OmniPanel's SSE API (a real `jupyter server` "
        "child process) and through litellm (the path Jupyter AI takes), interleaved in the "
        f"same run: a fast model ({result['paths_fast']['max_tokens']} tokens at ~1,000 "
        "tokens/s, a loopback server speaking OpenAI's streaming format in its own process, "
        "one word every millisecond, as fast cloud APIs and vLLM stream; "
        f"{result['paths_fast']['runs']} runs per path), llama.cpp with the tiny random "
        f"GGUF ({paths['runs']} runs, asked for {paths['max_tokens']} tokens; it ends its "
        f"reply after {tiny_tokens:g}) and llama.cpp with Gemma 3 270M "
        f"({result['paths_gemma']['runs']} runs, {result['paths_gemma']['max_tokens']} "
        "tokens), temperature 0. At ~1,000 tokens/s per-token costs show in full; at "
        "Gemma's pace they are what a user feels. tokens/s is the decode rate: the tokens "
        "after the first text event over the time from the first text to the last. OmniPanel "
        "joins the deltas that reach it together (one event a network read, reads at most "
        "5 ms apart once a stream is fast: `adapters/http_base.py`), so its tokens are the "
        "model's deltas as its `stats` event counts them, and the first event's share of them "
        "by its characters; text events = events the client received. "
        '"vs direct" is the median of per-run ratios to the '
        "direct run just before (bootstrap 90 % interval of that median in brackets), since "
        "single runs vary by several percent on this shared 2-core machine. The end of the "
        "stream after the last token (tail) and the whole request (total) are shown apart, so "
        "overhead that the decode rate leaves out is still visible.",
        "",
        "| model: path | TTFT median | TTFT p95 | TTFT overhead vs direct | tokens/s | "
        "tokens/s vs direct | text events | tail | total | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    tables = (
        ("fast (1,000 tokens/s)", result["paths_fast"]),
        ("tiny", paths),
        ("Gemma 3 270M", result["paths_gemma"]),
    )
    for model, table in tables:
        for name in ("direct", "omnipanel", "litellm"):
            row = table[name]
            target = "< 2 ms, >= 0.97" if name == "omnipanel" else ""
            ratio = str(row.get("tokens_per_s_ratio_to_direct", 1.0))
            if "tokens_per_s_ratio_ci90" in row:
                low, high = row["tokens_per_s_ratio_ci90"]
                ratio += f" ({low}-{high})"
            lines.append(
                f"| {model}: {name} | {row['ttft_ms_median']} ms | {row['ttft_ms_p95']} ms "
                f"| {row.get('ttft_overhead_ms', 0)} ms | {row['tokens_per_s_median']} "
                f"| {ratio} | {row.get('text_events_median', 'not counted')} "
                f"| {row['tail_ms_median']} ms "
                f"| {row['total_ms_median']} ms | {target} |"
            )
    if "fast_measured_at" in result:
        fast_load = result["fast_load_average"]
        lines += [
            "",
            f"The fast model's rows were measured again {result['fast_measured_at']} "
            "(`--part fast`, on the relay's fast path; machine load average "
            f"{format_load(fast_load['start'])} at the start, "
            f"{format_load(fast_load['end'])} at the end); the tiny model, Gemma, the 50 "
            f"streams and the cold start are from {result['measured_at']}, before it.",
        ]
    lines += [
        "",
        "The Jupyter server spent "
        f"{result['paths_fast']['omnipanel'].get('server_cpu_us_per_token')} µs (fast), "
        f"{paths['omnipanel'].get('server_cpu_us_per_token')} µs (tiny) and "
        f"{result['paths_gemma']['omnipanel'].get('server_cpu_us_per_token')} µs (Gemma) of "
        "CPU per relayed token, whole requests included (target < 100 µs at the fast model; "
        "the tiny model's and Gemma's short replies carry a whole request's cost on a few "
        "tokens). llama.cpp's 2 threads use both cores, so that CPU is taken from the decode. "
        "Before the relay's fast path (httpx's own transport, a write per network read, "
        "measured 2026-12-01 14:40 UTC at a load average of ~15): fast model 0.788 of direct, "
        "347 µs per token.",
        "",
        f"{load['streams']} streams at once, {load['max_tokens']} tokens each (llama.cpp "
        "serves them one after another), through OmniPanel and straight from llama.cpp, "
        f"alternating ({load['rounds']} rounds each): OmniPanel {load['wall_s']} s, direct "
        f"{load['direct_wall_s']} s (median round), ratio "
        f"{load['wall_ratio_omnipanel_over_direct']} (total time; target < 1.05); "
        f"{load['completed']} of {load['streams']} completed. While OmniPanel relayed them, "
        f"the server's event-loop lag p50 {load['event_loop_lag_ms_p50']} ms, "
        f"p99 {load['event_loop_lag_ms_p99']} ms, max {load['event_loop_lag_ms_max']} ms "
        "(target p99 < 50 ms); an outside `/api/status` probe answered in "
        f"p50 {load['status_probe_ms_p50']} ms, p99 {load['status_probe_ms_p99']} ms "
        f"({load['status_probes']} probes; the 2 cores are shared with llama.cpp and the "
        "client).",
        "",
        "Machine load average (1, 5, 15 min), shared with other work: "
        f"{format_load(result['load_average']['start'])} at the start, "
        f"{format_load(result['load_average']['end'])} at the end.",
        "",
        "Cold start of the built-in engine, process start to first token: "
        f"Gemma 3 270M {result['cold_start_s']['gemma']} s, tiny test model "
        f"{result['cold_start_s']['tiny']} s.",
    ]
    write_section("\n".join(lines) + "\n")


async def main(quick: bool) -> None:
    runs, gemma_runs, streams = (8, 3, 10) if quick else (40, GEMMA_RUNS, 50)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tiny = write_tiny_gguf(Path(tmp) / "tiny.gguf")
        engine = LlamaCppEngine(
            EngineConfig(
                locate_model=lambda: tiny, model_alias="tiny", n_threads=2, idle_timeout=3600
            )
        )
        url = await engine.ensure_started()
        os.environ["OMNIPANEL_BENCH_KEY"] = engine.token
        # The same Gemma the built-in provider ships, for tokens/s at a real model's pace.
        gemma = LlamaCppEngine(
            EngineConfig(
                locate_model=locate_builtin_gemma,
                model_alias="tiny",
                n_threads=2,
                idle_timeout=3600,
            )
        )
        gemma_url = await gemma.ensure_started()
        os.environ["OMNIPANEL_BENCH_GEMMA_KEY"] = gemma.token
        fast_port = free_port()
        fast_model = start_model_server(fast_port, FAST_DELAY_S)
        fast_url = f"http://127.0.0.1:{fast_port}/v1"
        config = {
            "OmniPanelApp": {
                "model_endpoints": {
                    "bench": {"base_url": url, "api_key_env": "OMNIPANEL_BENCH_KEY"},
                    "bench-fast": {"base_url": fast_url},
                    "bench-gemma": {
                        "base_url": gemma_url,
                        "api_key_env": "OMNIPANEL_BENCH_GEMMA_KEY",
                    },
                }
            }
        }
        server = Server(Path(tmp) / "server", omnipanel=True)
        config_file = server.home / "config" / "jupyter_server_config.json"
        config = {**json.loads(config_file.read_text()), "OmniPanelApp": config["OmniPanelApp"]}
        config_file.write_text(json.dumps(config))
        server.start()
        try:
            fast_paths = await compare_paths(
                fast_url, "none", server, runs, provider="bench-fast", max_tokens=FAST_TOKENS
            )
            paths = await compare_paths(url, engine.token, server, runs)
            gemma_paths = await compare_paths(
                gemma_url, gemma.token, server, gemma_runs, provider="bench-gemma"
            )
            concurrency = await concurrent_streams(server, url, engine.token, streams)
        finally:
            server.stop()
            fast_model.terminate()
            fast_model.wait(timeout=10)
            await engine.stop()
            await gemma.stop()
        cold = {
            "tiny": round(await cold_start("tiny", lambda: tiny, base_model=False), 3),
            "gemma": round(await cold_start(BUILTIN_ALIAS, locate_builtin_gemma, True), 3),
        }
    result = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        "paths_fast": fast_paths,
        "paths": paths,
        "paths_gemma": gemma_paths,
        "concurrency": concurrency,
        "cold_start_s": cold,
        # The machine is shared: its load (1, 5, 15 min) at the start and at the end.
        "load_average": {"start": load_before, "end": os.getloadavg()},
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(json.dumps(result, indent=2))


async def fast_only(runs: int) -> None:
    """The fast model alone, direct vs OmniPanel vs litellm: printed, and (unless quick)
    put in the last full results and docs in place of the fast model's rows."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        fast_port = free_port()
        fast_model = start_model_server(fast_port, FAST_DELAY_S)
        fast_url = f"http://127.0.0.1:{fast_port}/v1"
        server = Server(Path(tmp) / "server", omnipanel=True)
        config_file = server.home / "config" / "jupyter_server_config.json"
        endpoints = {"model_endpoints": {"bench-fast": {"base_url": fast_url}}}
        config_file.write_text(
            json.dumps({**json.loads(config_file.read_text()), "OmniPanelApp": endpoints})
        )
        server.start()
        try:
            paths = await compare_paths(
                fast_url, "none", server, runs, provider="bench-fast", max_tokens=FAST_TOKENS
            )
        finally:
            server.stop()
            fast_model.terminate()
            fast_model.wait(timeout=10)
    load = {"start": load_before, "end": os.getloadavg()}
    print(json.dumps({"paths_fast": paths, "load_average": load}, indent=2))
    if runs >= 40:  # a full measure goes into the last full results, said as such
        result = json.loads(RESULTS.read_text())
        result["paths_fast"] = paths
        result["fast_measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        result["fast_load_average"] = load
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        write_docs(result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--part",
        choices=("all", "fast", "relay"),
        default="all",
        help="fast: the fast model only (written into the last full results unless --quick); "
        "relay: everything but the engine's memory (bench/engine_memory.py)",
    )
    args = parser.parse_args()
    if args.part == "fast":
        asyncio.run(fast_only(8 if args.quick else 40))
    else:
        asyncio.run(main(args.quick))
    if args.part == "all":
        # The engine's own memory over 100 and 1,000 requests: its own results and section.
        asyncio.run(measure_engine_memory(args.quick))
