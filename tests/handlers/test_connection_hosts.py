"""Which hosts a user's connection may point at, by default and as configured."""

from __future__ import annotations

import json
from typing import Any

import pytest

from omnipanel_lab.connections.hosts import HostNotAllowedError, HostPolicy


async def test_a_multi_user_server_allows_only_public_hosts_by_default(as_user: Any) -> None:
    """No ``allowed_connection_hosts`` on a server whose users are known (tests/conftest.py's
    identity provider): loopback and private addresses are refused, since the server would
    fetch them for anyone."""
    alice = as_user("alice")
    for url in ("http://127.0.0.1:8000/v1", "http://192.168.1.20/v1", "http://localhost:8000"):
        response = await alice(
            "connections", "local", method="PUT", body=json.dumps({"base_url": url})
        )
        assert response.code == 403, url
        assert "may not connect to" in json.loads(response.body)["message"]
    assert json.loads((await alice("connections")).body)["items"] == []


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["*"], "http://10.0.0.1/v1", True),
        ([], "http://127.0.0.1/v1", False),
        (["llm.example.com"], "https://LLM.example.com./v1", True),
        (["llm.example.com"], "https://evil.example.com/v1", False),
        (["*.example.com"], "https://a.b.example.com/v1", True),
        (["*.example.com"], "https://example.com.evil.org/v1", False),
        (["10.0.0.0/8"], "http://10.20.30.40:8000/v1", True),
        (["10.0.0.0/8"], "http://11.0.0.1/v1", False),
        (["::1"], "http://[::1]:11434", True),
        (["public"], "http://8.8.8.8/v1", True),
        (["public"], "http://127.0.0.1/v1", False),
        (["public"], "http://169.254.169.254/latest", False),
        (["public"], "http://10.0.0.1/v1", False),
        (["public"], "http://no-such-host.invalid/v1", False),
        (["10.0.0.0/8"], f"http://{'a' * 64}.example.com/v1", False),  # IDNA refuses it
    ],
)
async def test_host_policy(entries: list[str], url: str, allowed: bool) -> None:
    policy = HostPolicy(entries)
    if allowed:
        await policy.check(url)
    else:
        with pytest.raises(HostNotAllowedError):
            await policy.check(url)
