"""Connections added in the Models panel of a real JupyterLab: a loopback server in
OpenAI's format (tests/fakes/slow_openai.py) is tested, added, used in a chat and removed;
a host the deployment does not allow is refused with the server's message.

This module runs its own JupyterLab: one whose `allowed_connection_hosts` is 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.lab import LabServer, command, running_lab
from fakes.slow_openai import SlowOpenAI

pytestmark = pytest.mark.ui

KEY = "sk-loopback-test-key-9876"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    home = tmp_path_factory.mktemp("connections-lab")
    from omnipanel_lab.engines.tiny_model import write_tiny_gguf

    tiny_model = write_tiny_gguf(home / "tiny.gguf")
    # A config file, as a deployment would pin the hosts (a list does not go through
    # `jupyter lab`'s command line to an extension's traits).
    (home / "config").mkdir()
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"OmniPanelApp": {"allowed_connection_hosts": ["127.0.0.1"]}})
    )
    with running_lab(
        home,
        f"--OmniPanelApp.builtin_model_path={tiny_model}",
        "--OmniPanelApp.builtin_model_prompt=chat",
        "--OmniPanelApp.engine_threads=2",
        "--OmniPanelApp.ollama_url=",
    ) as server:
        yield server


def models_panel(page: Any) -> Any:
    page.keyboard.press("Alt+Shift+M")
    panel = page.locator("#omnipanel-models")
    panel.wait_for(state="visible")
    return panel


def models_shots(page: Any, artifacts: Path, name: str) -> None:
    """The Models panel at 1280x800 and on a 390x844 phone, light and dark."""
    for device, (width, height) in (("desktop", (1280, 800)), ("phone", (390, 844))):
        page.set_viewport_size({"width": width, "height": height})
        command(page, "omnipanel:open-models")
        for theme, shade in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
            command(page, "apputils:change-theme", {"theme": theme})
            light = "true" if shade == "light" else "false"
            page.locator(f'body[data-jp-theme-light="{light}"]').wait_for(state="attached")
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts / f"{name}-{device}-{shade}.png"))
    command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_connection_is_added_used_in_a_chat_and_removed(
    page: Any, lab_server: LabServer, fake_openai: SlowOpenAI, artifacts: Path
) -> None:
    panel = models_panel(page)
    add = panel.get_by_role("region", name="Add a provider")
    panel.locator('[data-provider-id="builtin"]').get_by_text("available").wait_for()
    # Eight cloud providers without a key are rows of one list, not eight cards.
    assert panel.locator(".jp-OmniPanel-providerCard").count() == 1  # the built-in model
    assert add.locator('[data-add-provider="anthropic"]').count() == 1
    add.get_by_role("button", name="OpenAI-compatible server").click()
    form = add.get_by_role("form", name="Connect OpenAI-compatible server")
    form.get_by_label("Connection name").fill("loopback")
    form.get_by_label("Base URL").fill(f"http://127.0.0.1:{fake_openai.port}/v1")
    form.get_by_label("API key (optional)").fill(KEY)
    form.get_by_role("button", name="Test").click()
    form.get_by_role("status").get_by_text("Connected: 2 models (slow, code)").wait_for()
    page.screenshot(path=str(artifacts / "models-connection-form.png"))
    form.get_by_role("button", name="Add connection").click()

    card = panel.locator('[data-provider-id="loopback"]')
    card.get_by_text("available", exact=True).wait_for()
    assert card.get_by_text("••••9876").is_visible()
    assert KEY not in page.content()
    assert KEY in fake_openai.keys  # the server used the stored key
    models_shots(page, artifacts, "models-connections")

    # A chat in a project whose model is the new connection.
    lab_server.api(
        "projects",
        "POST",
        {"name": "Connected", "model": {"provider": "loopback", "model": "code"}},
    )
    command(page, "omnipanel:new-chat")
    chat = page.locator("#omnipanel-chat")
    message = chat.get_by_role("textbox", name="Message")
    message.fill("Multiply six by seven in Python")
    message.press("Enter")
    reply = chat.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')
    reply.wait_for(timeout=30_000)
    assert "print(6 * 7)" in reply.inner_text()
    assert fake_openai.requests[-1]["model"] == "code"

    # Removed: gone from the panel and from the server.
    models_panel(page)
    card.get_by_role("button", name="Remove connection loopback").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    card.wait_for(state="detached")
    assert lab_server.api("connections")["items"] == []


def test_a_host_the_server_may_not_reach_is_refused_with_its_reason(
    page: Any, lab_server: LabServer, artifacts: Path
) -> None:
    panel = models_panel(page)
    add = panel.get_by_role("region", name="Add a provider")
    add.get_by_role("button", name="OpenAI-compatible server").click()
    form = add.get_by_role("form", name="Connect OpenAI-compatible server")
    form.get_by_label("Connection name").fill("elsewhere")
    form.get_by_label("Base URL").fill("http://10.255.1.2:8000/v1")
    form.get_by_role("button", name="Add connection").click()
    alert = form.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "may not connect to 10.255.1.2" in text
    assert text.rstrip().endswith("(c.OmniPanelApp.allowed_connection_hosts).")
    # The whole message is shown: nothing cut off or hidden.
    box = alert.evaluate("e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]")
    assert box[0] <= box[1] and box[2] <= box[3]
    page.screenshot(path=str(artifacts / "models-connection-refused.png"))
    assert lab_server.api("connections")["items"] == []


def test_an_ollama_url_is_set_per_user(
    page: Any, lab_server: LabServer, fake_ollama_url: str
) -> None:
    panel = models_panel(page)
    add = panel.get_by_role("region", name="Add a provider")
    add.get_by_role("button", name="Ollama").click()
    form = add.get_by_role("form", name="Connect Ollama")
    form.get_by_label("Ollama URL").fill(fake_ollama_url)
    form.get_by_role("button", name="Save URL").click()
    card = panel.locator('[data-provider-id="ollama"]')
    card.get_by_text("llama3.2:latest").wait_for()
    assert card.get_by_text(fake_ollama_url).is_visible()
    card.get_by_role("button", name="Remove connection ollama").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    card.wait_for(state="detached")
