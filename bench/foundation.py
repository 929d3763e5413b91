"""Foundation benchmark: server start with and without OmniPanel, import cost, list latency.

Run with the project's virtualenv:  .venv/bin/python bench/foundation.py [--quick]
Writes bench/results/foundation.json and the "Foundation" table of docs/benchmarks.md.
Every comparison is a ratio measured in the same run, with runs interleaved.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "foundation.json"
DOCS = ROOT / "docs" / "benchmarks.md"
JUPYTER = str(Path(sys.executable).with_name("jupyter"))
# (an empty variable means the default too)
PG_URL = os.environ.get("OMNIPANEL_BENCH_PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux; 0 elsewhere)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Server:
    """A `jupyter server` child process with its own config, data and root dirs."""

    def __init__(self, home: Path, *, omnipanel: bool, db_url: str | None = None) -> None:
        self.home, self.port, self.token = home, free_port(), secrets.token_hex(8)
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "root").mkdir(exist_ok=True)
        config: dict[str, Any] = {
            "ServerApp": {"jpserver_extensions": {"omnipanel_lab": omnipanel}}
        }
        if db_url:
            config["OmniPanelApp"] = {"db_url": db_url}
        (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        self.env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def get(self, path: str) -> bytes:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path}",
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return bytes(response.read())

    def start(self) -> float:
        """Seconds from process start until the server answers /api/status."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                JUPYTER,
                "server",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.home / 'root'}",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self.wait_for("api/status", started)

    def wait_for(self, path: str, started: float) -> float:
        while True:
            try:
                self.get(path)
                return time.perf_counter() - started
            except OSError:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(f"server exited with {self.process.returncode}") from None
                time.sleep(0.005)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def bench_server_start(runs: int) -> dict[str, Any]:
    without, with_ext, first_answer = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(runs):
            for omnipanel in (False, True):  # interleaved, so drift hits both alike
                home = Path(tmp) / f"{index}-{omnipanel}"
                server = Server(home, omnipanel=omnipanel)
                try:
                    started = time.perf_counter()
                    ready = server.start()
                    if omnipanel:
                        with_ext.append(ready)
                        first_answer.append(server.wait_for("omnipanel/api/v1/projects", started))
                    else:
                        without.append(ready)
                finally:
                    server.stop()
    base, ext = statistics.median(without), statistics.median(with_ext)
    return {
        "runs": runs,
        "server_start_without_s_median": round(base, 4),
        "server_start_with_s_median": round(ext, 4),
        "server_start_ratio": round(ext / base, 4),
        "server_start_added_pct": round((ext / base - 1) * 100, 2),
        "first_projects_answer_s_median": round(statistics.median(first_answer), 4),
    }


def bench_import(runs: int) -> dict[str, Any]:
    code = (
        "import time, jupyter_server.serverapp; t = time.perf_counter(); "
        "import omnipanel_lab.app; print(time.perf_counter() - t)"
    )
    alone = (
        "import time; t = time.perf_counter(); import omnipanel_lab; print(time.perf_counter() - t)"
    )
    in_server = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(runs)]
    cold = [float(subprocess.check_output([sys.executable, "-c", alone])) for _ in range(runs)]
    return {
        "import_extension_app_after_jupyter_server_ms_median": round(
            statistics.median(in_server) * 1000, 2
        ),
        "import_omnipanel_lab_ms_median": round(statistics.median(cold) * 1000, 2),
    }


def seed_projects(db_url: str, count: int) -> None:
    """``count`` projects owned by the bench user, written in bulk (tags on every 10th)."""
    from sqlalchemy import insert

    from omnipanel_lab.identity import Identity
    from omnipanel_lab.projects.repository import ProjectRepository
    from omnipanel_lab.store.database import Database
    from omnipanel_lab.store.models import Project, ProjectMember, ProjectTag, Role, utcnow

    database = Database(db_url)
    database.open()
    user_id = ProjectRepository(database).user_id(Identity(getpass.getuser()))
    ids = [uuid.uuid4() for _ in range(count)]
    now = utcnow()
    with database.session() as session:
        session.execute(
            insert(Project),
            [
                {
                    "id": pid,
                    "name": f"Project {index:05d}",
                    "description": f"benchmark project number {index}",
                    "folder": f"projects/p{index}",
                    "model_settings": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for index, pid in enumerate(ids)
            ],
        )
        session.execute(
            insert(ProjectMember),
            [
                {"project_id": pid, "user_id": user_id, "role": Role.owner, "favorite": i % 7 == 0}
                for i, pid in enumerate(ids)
            ],
        )
        session.execute(insert(ProjectTag), [{"project_id": pid, "tag": "ml"} for pid in ids[::10]])
    # A store that grew to 10k projects has planner statistics; a bulk load has none yet.
    assert database.engine is not None
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    database.close()


LIST_QUERIES = {
    "first_page": "limit=50",
    "name_sorted_deep_page": "limit=50&sort=name&offset=5000",
    "text_search": "limit=50&q=number%2099",
    "tag_filter": "limit=50&tag=ml",
    "favorites": "limit=50&favorite=true",
}


def bench_list(db_url: str, backend: str, count: int, requests: int) -> dict[str, Any]:
    from urllib.parse import parse_qs

    from omnipanel_lab.identity import Identity
    from omnipanel_lab.projects.repository import ProjectRepository
    from omnipanel_lab.projects.validation import parse_project_query
    from omnipanel_lab.store.database import Database

    seed_projects(db_url, count)
    database = Database(db_url)
    database.open()
    repository = ProjectRepository(database)
    identity = Identity(getpass.getuser())
    results: dict[str, Any] = {"backend": backend, "projects": count, "requests": requests}
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp), omnipanel=True, db_url=db_url)
        server.start()
        try:
            for name, query in LIST_QUERIES.items():
                parsed = parse_project_query(parse_qs(query))
                server.get(f"omnipanel/api/v1/projects?{query}")  # warm
                http, direct = [], []
                for _ in range(requests):  # interleaved: HTTP, then the same call in-process
                    started = time.perf_counter()
                    server.get(f"omnipanel/api/v1/projects?{query}")
                    http.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    repository.list(identity, parsed)
                    direct.append((time.perf_counter() - started) * 1000)
                results[name] = {
                    "http_p50_ms": round(percentile(http, 50), 2),
                    "http_p95_ms": round(percentile(http, 95), 2),
                    "direct_p50_ms": round(percentile(direct, 50), 2),
                    "direct_p95_ms": round(percentile(direct, 95), 2),
                    "http_over_direct_p50_ratio": round(
                        percentile(http, 50) / percentile(direct, 50), 2
                    ),
                }
        finally:
            server.stop()
            database.close()
    return results


def postgres_database() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL + "postgres", isolation_level="AUTOCOMMIT")
    name = f"omnipanel_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_URL + name, drop


def write_section(section: str) -> None:
    """Put a benchmark's section (starting with its "## " title) into docs/benchmarks.md,
    replacing the previous one."""
    header = (
        "# Benchmarks\n\nEach benchmark writes `bench/results/NAME.json` and its section here.\n"
        "Re-run with `.venv/bin/python bench/NAME.py`.\n\n"
    )
    text = DOCS.read_text() if DOCS.exists() else header
    marker = section.split("\n", 1)[0]
    if marker in text:
        before, _, after = text.partition(marker)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text)


def write_docs(result: dict[str, Any]) -> None:
    start, imports = result["server_start"], result["import"]
    lines = [
        "## Foundation (`bench/foundation.py`)",
        "",
        f"Measured {result['measured_at']} on {result['machine']}. "
        f"Server start: {start['runs']} interleaved runs each of `jupyter server` with and "
        "without OmniPanel, until `/api/status` answers.",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        "| server start without OmniPanel (median) "
        f"| {start['server_start_without_s_median']} s | |",
        f"| server start with OmniPanel (median) | {start['server_start_with_s_median']} s | |",
        f"| added to server start | {start['server_start_added_pct']} % "
        f"(ratio {start['server_start_ratio']}) | < 10 % |",
        f"| first `/projects` answer after process start (store opened, migrated) "
        f"| {start['first_projects_answer_s_median']} s | |",
        f"| `import omnipanel_lab.app` after jupyter_server is loaded "
        f"| {imports['import_extension_app_after_jupyter_server_ms_median']} ms | |",
        f"| `import omnipanel_lab` in a fresh interpreter "
        f"| {imports['import_omnipanel_lab_ms_median']} ms | |",
        "",
        "List latency at 10,000 projects of one user (bulk-loaded, then `ANALYZE`): "
        "`GET /omnipanel/api/v1/projects` over HTTP vs the same query called in-process "
        "(direct), interleaved:",
        "",
        "| backend | projects | query | HTTP p50 | HTTP p95 | direct p50 | direct p95 "
        "| HTTP/direct (p50) | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for listing in result["list"]:
        for name in LIST_QUERIES:
            row = listing[name]
            lines.append(
                f"| {listing['backend']} | {listing['projects']:,} | {name} "
                f"| {row['http_p50_ms']} ms | {row['http_p95_ms']} ms "
                f"| {row['direct_p50_ms']} ms | {row['direct_p95_ms']} ms "
                f"| {row['http_over_direct_p50_ratio']} | p95 < 20 ms |"
            )
    write_section("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke check")
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    runs, requests = (2, 20) if args.quick else (7, 200)

    result: dict[str, Any] = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        "server_start": bench_server_start(runs),
        "import": bench_import(runs),
        "list": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        result["list"].append(bench_list(sqlite_url, "sqlite", args.projects, requests))
    pg_url, drop = postgres_database()
    try:
        result["list"].append(bench_list(pg_url, "postgresql", args.projects, requests))
    finally:
        drop()

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()


def start_model_server(port: int, delay_s: float) -> subprocess.Popen[bytes]:
    """tests/fakes/slow_openai.py writing a word every ``delay_s``, in its own process (not
    on the bench client's loop)."""
    code = (
        "import asyncio, sys; sys.path.insert(0, sys.argv[1]); "
        "from fakes.slow_openai import SlowOpenAI\n"
        "async def main():\n"
        "    SlowOpenAI(int(sys.argv[2]), float(sys.argv[3])).start()\n"
        "    await asyncio.Event().wait()\n"
        "asyncio.run(main())"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT / "tests"), str(port), str(delay_s)]
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the loopback model server did not start")
