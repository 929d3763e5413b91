"""Archive benchmark: exporting and importing a project with one 50 MB file, and what the
other users of the server feel meanwhile.

Run with the project's virtualenv:  .venv/bin/python bench/archive.py [--quick]
Writes bench/results/archive.json and the "Project archives" section of docs/benchmarks.md.

Two `jupyter server` child processes run side by side on fresh SQLite stores: one with
this tree's `omnipanel_lab` ("after"), one with the code of ``--before`` (a git revision,
default the last commit before streaming archives; "before"), each put first on the
server's PYTHONPATH. For each run, interleaved between the two:

* export: `GET /projects/{id}/export` read as a stream into a file;
* import: `POST /projects/import` of that zip (then the copy is deleted);

and during each, a second client (its own process) asks `GET /omnipanel/api/v1/status`
again and again, one request after another: its latency is what any other user of the
server waits (max, p50);
the server's own event-loop lag monitor (`event_loop_lag_ms`, 50 ms ticks, the last 5 s)
is read after each transfer, once its window holds only that transfer. The peak resident
memory of each server (VmHWM) is read at the end. Direct = the same zip written and
extracted in-process with zipfile, no server, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from foundation import ROOT, Server, write_section

RESULTS = ROOT / "bench" / "results" / "archive.json"
BEFORE = "775845a"  # main before streamed archives landed
SIZE = 50 << 20
API = "omnipanel/api/v1"
LAG_WINDOW_S = 5.2


class Version:
    """One server running one version of the code."""

    def __init__(self, name: str, home: Path, source: Path) -> None:
        self.name, self.server = name, Server(home, omnipanel=True)
        self.server.env["PYTHONPATH"] = str(source)
        self.project_id = ""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}/{API}/{path}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.server.token}"}

    def peak_rss_mb(self) -> float:
        assert self.server.process is not None
        status = Path(f"/proc/{self.server.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)


def source_of(revision: str, target: Path) -> Path:
    """``omnipanel_lab`` and ``schema`` of a git revision, unpacked into ``target``."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "omnipanel_lab", "schema"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


# Another user: its own process, asking /status one request after another until its
# stdin closes, then printing each request's latency (ms) as JSON.
PROBE = """
import json, sys, threading, time, urllib.request
url, token = sys.argv[1], sys.argv[2]
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
latencies = []
while not done.is_set():
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    latencies.append((time.perf_counter() - started) * 1000)
print(json.dumps(latencies))
"""


async def watched(version: Version, transfer: Any) -> dict[str, Any]:
    """Run ``transfer`` while another user, in its own process, asks /status in a loop."""
    await asyncio.sleep(LAG_WINDOW_S)  # the lag window then holds only this transfer
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PROBE,
        version.url("status"),
        version.server.token,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    started = time.perf_counter()
    await transfer()
    wall = time.perf_counter() - started
    out, _ = await probe.communicate(b"")
    latencies = json.loads(out)
    async with httpx.AsyncClient(headers=version.headers, timeout=120) as client:
        lag = (await client.get(version.url("status"))).json()["event_loop_lag_ms"]
    return {
        "wall_s": round(wall, 3),
        "status_requests": len(latencies),
        "status_max_ms": round(max(latencies), 1),
        "status_p50_ms": round(statistics.median(latencies), 1),
        "loop_lag_max_ms": lag["max"],
    }


async def export_once(version: Version, target: Path) -> dict[str, Any]:
    async def transfer() -> None:
        async with httpx.AsyncClient(headers=version.headers, timeout=300) as client:
            url = version.url(f"projects/{version.project_id}/export")
            async with client.stream("GET", url) as response:
                response.raise_for_status()
                with target.open("wb") as out:
                    async for chunk in response.aiter_raw():
                        out.write(chunk)

    return await watched(version, transfer)


async def import_once(version: Version, archive: Path, run: int) -> dict[str, Any]:
    data = archive.read_bytes()
    created: list[str] = []

    async def transfer() -> None:
        async with httpx.AsyncClient(headers=version.headers, timeout=300) as client:
            response = await client.post(
                version.url("projects/import"), content=data, params={"folder": f"copy-{run}"}
            )
            response.raise_for_status()
            created.append(response.json()["id"])

    figures = await watched(version, transfer)
    async with httpx.AsyncClient(headers=version.headers, timeout=120) as client:
        url = version.url(f"projects/{created[0]}")
        (await client.delete(url, params={"delete_files": "true"})).raise_for_status()
    return figures


def direct(big: Path, tmp: Path) -> dict[str, float]:
    """The same zip made and unpacked in-process: no server, no HTTP."""
    tmp.mkdir()
    archive = tmp / "direct.zip"
    started = time.perf_counter()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(big, "files/big.bin")
    export = time.perf_counter() - started
    started = time.perf_counter()
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp / "direct")
    unzip = time.perf_counter() - started
    return {"export_s": export, "import_s": unzip}


def summary(rows: list[dict[str, Any]], direct_s: float) -> dict[str, Any]:
    walls = [row["wall_s"] for row in rows]
    return {
        "runs": len(rows),
        "wall_s_median": round(statistics.median(walls), 3),
        "direct_s_median": round(direct_s, 3),
        "wall_over_direct": round(statistics.median(walls) / direct_s, 2),
        "status_max_ms_median": statistics.median(row["status_max_ms"] for row in rows),
        "status_max_ms_worst": max(row["status_max_ms"] for row in rows),
        "status_p50_ms": round(statistics.median(row["status_p50_ms"] for row in rows), 1),
        "status_requests_median": statistics.median(row["status_requests"] for row in rows),
        "loop_lag_max_ms_median": statistics.median(row["loop_lag_max_ms"] for row in rows),
        "loop_lag_max_ms_worst": max(row["loop_lag_max_ms"] for row in rows),
        "rows": rows,
    }


async def bench(runs: int, before: str, tmp: Path) -> dict[str, Any]:
    versions = [
        Version("before", tmp / "before", source_of(before, tmp / "src-before")),
        Version("after", tmp / "after", ROOT),
    ]
    big_data = os.urandom(SIZE)  # random: deflate cannot shrink it
    for version in versions:
        version.server.start()
        async with httpx.AsyncClient(headers=version.headers, timeout=60) as client:
            response = await client.post(version.url("projects"), json={"name": "Big"})
            response.raise_for_status()
            project = response.json()
        version.project_id = project["id"]
        (version.server.home / "root" / project["folder"] / "big.bin").write_bytes(big_data)
    big = tmp / "big.bin"
    big.write_bytes(big_data)
    exports: dict[str, list[dict[str, Any]]] = {v.name: [] for v in versions}
    imports: dict[str, list[dict[str, Any]]] = {v.name: [] for v in versions}
    directs: list[dict[str, float]] = []
    try:
        for run in range(runs):
            for version in versions:  # interleaved, so drift hits both alike
                archive = tmp / f"{version.name}-{run}.zip"
                exports[version.name].append(await export_once(version, archive))
                imports[version.name].append(await import_once(version, archive, run))
                archive.unlink()
            directs.append(await asyncio.to_thread(direct, big, tmp / f"direct-{run}"))
        peak = {version.name: version.peak_rss_mb() for version in versions}
    finally:
        for version in versions:
            version.server.stop()
    direct_export = statistics.median(d["export_s"] for d in directs)
    direct_import = statistics.median(d["import_s"] for d in directs)
    return {
        version.name: {
            "export": summary(exports[version.name], direct_export),
            "import": summary(imports[version.name], direct_import),
            "server_peak_rss_mb": peak[version.name],
        }
        for version in versions
    }


def write_docs(result: dict[str, Any]) -> None:
    lines = [
        "## Project archives (`bench/archive.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']}. A project with one 50 MB "
        f"file (random bytes) exported and imported {result['runs']} times through a "
        "`jupyter server`, interleaved between the code before streamed archives "
        f"(`{result['before']}`) and after; meanwhile a second client (its own "
        "process) asks `/status` one request after another (what any other user waits: "
        "its latency). Loop lag = the server's own event-loop lag monitor (50 ms ticks) "
        "over the transfer. Direct = the same zip written / extracted in-process with "
        "`zipfile`, no server. Max figures: the median over runs of each run's maximum, and "
        "in brackets the worst run (the machine is shared: other work also delays the loop).",
        "",
        "| code | transfer | wall (median) | direct | wall/direct | `/status` max (worst run) "
        "| `/status` p50 | `/status` answered | loop lag max (worst run) | server peak RSS "
        "| target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("before", "after"):
        version = result["versions"][name]
        for transfer in ("export", "import"):
            row = version[transfer]
            target = "loop lag max < 100 ms" if name == "after" else ""  # median of runs
            lines.append(
                f"| {name} | {transfer} | {row['wall_s_median']} s | {row['direct_s_median']} s "
                f"| {row['wall_over_direct']} | {row['status_max_ms_median']} ms "
                f"({row['status_max_ms_worst']} ms) | {row['status_p50_ms']} ms "
                f"| {row['status_requests_median']} | {row['loop_lag_max_ms_median']} ms "
                f"({row['loop_lag_max_ms_worst']} ms) | {version['server_peak_rss_mb']} MB "
                f"| {target} |"
            )
    write_section("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run, for a smoke check")
    parser.add_argument("--before", default=BEFORE, help="git revision of the 'before' code")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        versions = asyncio.run(bench(runs, args.before, Path(tmp)))
    result = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        "runs": runs,
        "file_bytes": SIZE,
        "before": args.before,
        "versions": versions,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
