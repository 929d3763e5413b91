"""A provider added by a plugin (pluggy hook) is offered and streams, without touching the core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes.support import server_config

PLUGIN = '''
from omnipanel_lab.adapters.types import Finish, ModelInfo, TextDelta
from omnipanel_lab.plugins import hookimpl


class EchoAdapter:
    """Streams the last user message back, word by word."""

    async def list_models(self, api_key=None):
        return [ModelInfo(id="echo-1", provider="echo")]

    async def health(self):
        return True

    async def stream_chat(self, request, api_key=None):
        for word in request.messages[-1].content.split(" "):
            yield TextDelta(word + " ")
        yield Finish("stop")

    async def aclose(self):
        pass


class ShoutAdapter(EchoAdapter):
    async def stream_chat(self, request, api_key=None):
        async for event in super().stream_chat(request, api_key):
            yield TextDelta(event.text.upper()) if isinstance(event, TextDelta) else event


@hookimpl
def omnipanel_model_providers():
    # "builtin" is taken by the core: ignored.
    return {"echo": EchoAdapter, "shout": ShoutAdapter, "builtin": EchoAdapter}
'''


@pytest.fixture
def jp_server_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    (tmp_path / "omnipanel_echo_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    return server_config(
        db_url=f"sqlite:///{tmp_path / 'omnipanel.db'}",
        # A plugin that cannot be imported is logged and skipped; the others still load.
        plugin_modules=["omnipanel_missing_plugin", "omnipanel_echo_plugin"],
        default_model="echo/echo-1",
        cloud_providers=[],
        ollama_url="",
    )


async def test_a_plugin_provider_is_listed_and_streams(jp_fetch: Any) -> None:
    listing = json.loads((await jp_fetch("omnipanel", "api", "v1", "models", "providers")).body)
    providers = {item["id"]: item for item in listing["items"]}
    assert set(providers) == {"builtin", "echo", "shout"}
    assert listing["default"] == {"provider": "echo", "model": "echo-1"}
    assert [m["id"] for m in providers["echo"]["models"]] == ["echo-1"]
    # The core's built-in provider kept its id: the plugin's duplicate was ignored.
    assert providers["builtin"]["models"][0]["provider"] == "builtin"

    assert await reply(jp_fetch, provider="echo") == "a b c "


async def reply(jp_fetch: Any, **fields: Any) -> str:
    body = {"messages": [{"role": "user", "content": "a b c"}], **fields}
    response = await jp_fetch(
        "omnipanel", "api", "v1", "chat", "completions", method="POST", body=json.dumps(body)
    )
    return "".join(
        json.loads(block.split("data: ", 1)[1])["text"]
        for block in response.body.decode().split("\n\n")
        if block.startswith("event: text")
    )


async def test_the_default_model_comes_from_the_project_then_the_config(jp_fetch: Any) -> None:
    assert await reply(jp_fetch) == "a b c "  # c.OmniPanelApp.default_model: echo
    project = await jp_fetch(
        "omnipanel",
        "api",
        "v1",
        "projects",
        method="POST",
        body=json.dumps({"name": "Loud", "model": {"provider": "shout"}}),
    )
    project_id = json.loads(project.body)["id"]
    assert await reply(jp_fetch, project_id=project_id) == "A B C "
    assert await reply(jp_fetch, project_id=project_id, provider="echo") == "a b c "
