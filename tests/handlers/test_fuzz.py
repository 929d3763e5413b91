"""schemathesis over the whole OpenAPI document, against a real Jupyter server and store.

The server runs in this test's event loop (pytest-jupyter, jupyter_server's own token auth);
schemathesis' CLI runs as a subprocess against its port, so the loop keeps serving while it
fuzzes. Every phase runs (the document's examples, coverage of each constraint's edges,
random valid and invalid data, and stateful sequences that follow the document's links,
so that the ids of projects, chats and replies made by POSTs reach the other operations),
with every check: no 5xx, responses that match the document (status, content type, schema,
headers), valid data accepted, invalid data refused, deleted things gone, no operation that
ignores authentication. Settings (seed, examples per operation) live in
``tests/handlers/schemathesis.toml``.

Replies come from a loopback server speaking OpenAI's streaming format and pulls from a
loopback Ollama (tests/fakes); the built-in engine has no model file, so that no request
waits for llama.cpp.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.slow_openai import SlowOpenAI
from fakes.support import free_port, server_config

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
# A bound on the whole run: a hang fails the test with schemathesis' output, not a timeout.
RUN_SECONDS = 540


@pytest.fixture
def fake_openai() -> Iterator[SlowOpenAI]:
    server = SlowOpenAI(free_port(), delay=0).start()
    yield server
    server.stop()


@pytest.fixture
def jp_server_config(
    db_url: str, fake_openai: SlowOpenAI, fake_ollama_url: str, tmp_path: Path
) -> dict[str, Any]:
    return server_config(
        db_url=db_url,
        # No engine: its streams answer at once with an error event, which bounds the run
        # (its replies are tests/handlers/test_chat_api.py's and tests/engines').
        builtin_model_path=str(tmp_path / "absent.gguf"),
        models_dir=str(tmp_path / "models"),
        ollama_url=fake_ollama_url,
        model_endpoints={"fake": {"base_url": f"http://127.0.0.1:{fake_openai.port}/v1"}},
        default_model="fake/slow",
        cloud_providers=[],  # a key set by the fuzzer must never send a request off this machine
        # Nor may a connection it adds: loopback only, where a closed port answers at once
        # (and a listing that hangs is cut after a few seconds: models/connected.py).
        allowed_connection_hosts=["127.0.0.1"],
    )


@pytest.mark.timeout(RUN_SECONDS + 60)
async def test_schemathesis_finds_nothing_in_the_whole_document(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    # Thousands of expected 4xx would bury schemathesis' report under the server's log.
    caplog.set_level(logging.ERROR, logger="ServerApp")
    caplog.set_level(logging.ERROR, logger="tornado.access")
    api = f"http://127.0.0.1:{jp_http_port}{jp_base_url}omnipanel/api/v1"
    assert (await jp_fetch("omnipanel", "api", "v1", "status")).code == 200  # server is up
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{api}/openapi.json",
        "--url",
        api,
        "--header",
        f"Authorization: {jp_auth_header['Authorization']}",
        cwd=tmp_path,  # where schemathesis keeps its state, away from the work tree
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "NO_COLOR": "1", "COLUMNS": "120"},
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), RUN_SECONDS)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        pytest.fail(f"schemathesis ran over {RUN_SECONDS} s:\n{output.decode()}", pytrace=False)
    report = output.decode()
    if process.returncode != 0:
        pytest.fail(f"schemathesis found problems:\n{report}", pytrace=False)
    print(report[report.index("SUMMARY") :])  # operations and test cases, shown with -s
