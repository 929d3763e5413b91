"""The models panel in a real JupyterLab: the built-in model is listed and streams a reply.

The built-in engine (llama.cpp in a child process) serves a tiny random-weight model here,
so the reply is gibberish, but every part between the browser and the engine is real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.ui


def test_models_panel_streams_a_reply_from_the_builtin_model(
    page: Any, lab_server: Any, artifacts: Path
) -> None:
    page.keyboard.press("Alt+Shift+M")
    panel = page.locator("#omnipanel-models")
    panel.wait_for(state="visible")
    builtin = panel.locator('[data-provider-id="builtin"]')
    builtin.get_by_text("available").wait_for()
    choice = builtin.get_by_role("radio", name="tiny")
    assert choice.is_checked()
    # The Gemma note is for the shipped model only; this server runs a tiny test model.
    assert "Gemma 3 270M" not in builtin.inner_text()

    panel.get_by_label("Prompt").fill("Say something")
    panel.get_by_label("Prompt").press("Enter")
    panel.locator(".jp-OmniPanel-stats").wait_for(timeout=60_000)
    reply = panel.get_by_label("Reply").inner_text()
    assert reply.strip()
    assert "tokens/s" in panel.locator(".jp-OmniPanel-stats").inner_text()
    builtin.get_by_text("engine ready").wait_for()
    page.screenshot(path=str(artifacts / "models-panel.png"))


def test_an_api_key_is_saved_and_shown_masked(page: Any, lab_server: Any, artifacts: Path) -> None:
    fake_key = "sk-fake-openai-key-for-tests-1234"
    page.keyboard.press("Alt+Shift+M")
    panel = page.locator("#omnipanel-models")
    # A cloud provider without a key is a row of "Add a provider" until it has one.
    row = panel.locator('[data-add-provider="openai"]')
    row.get_by_role("button").click()
    row.get_by_text("No API key").wait_for()
    row.get_by_label("API key for openai").fill(fake_key)
    row.get_by_role("button", name="Save key").click()
    openai = panel.locator('[data-provider-id="openai"]')
    masked = openai.get_by_text("Key ••••1234 (user)")
    masked.wait_for()
    assert row.count() == 0
    assert fake_key not in page.content()
    page.screenshot(path=str(artifacts / "models-key-masked.png"))
    secrets = lab_server.api("secrets")["items"]
    assert [(s["name"], s["last4"]) for s in secrets] == [("openai", "1234")]
    assert fake_key not in str(secrets)


def test_an_ollama_model_is_pulled_with_progress_cancelled_and_removed(
    page: Any, artifacts: Path
) -> None:
    """Ollama here is the loopback stand-in of tests/fakes/ollama.py (its documented API)."""
    page.keyboard.press("Alt+Shift+M")
    ollama = page.locator('#omnipanel-models [data-provider-id="ollama"]')
    ollama.get_by_text("llama3.2:latest").wait_for()

    ollama.get_by_label("Ollama model to pull").fill("phi3")
    ollama.get_by_role("button", name="Pull").click()
    progress = ollama.get_by_label("Download of phi3")
    progress.wait_for()
    page.screenshot(path=str(artifacts / "models-ollama-pull.png"))
    progress.wait_for(state="detached", timeout=30_000)
    ollama.get_by_text("phi3:latest").wait_for()

    ollama.get_by_label("Ollama model to pull").fill("mistral")
    ollama.get_by_role("button", name="Pull").click()
    ollama.get_by_label("Download of mistral").wait_for()
    ollama.get_by_role("button", name="Cancel").click()
    ollama.get_by_label("Download of mistral").wait_for(state="detached")
    ollama.get_by_role("button", name="Remove phi3:latest").click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    ollama.get_by_text("phi3:latest").wait_for(state="detached")
    assert "mistral:latest" not in ollama.inner_text()
    assert "llama3.2:latest" in ollama.inner_text()


def test_a_project_gets_its_own_model(page: Any, lab_server: Any) -> None:
    project = lab_server.api("projects", method="POST", data={"name": "Model pick"})
    page.keyboard.press("Alt+Shift+P")
    panel = page.locator("#omnipanel-projects")
    button = panel.get_by_role("button", name="Model of Model pick")
    assert "server default" in button.inner_text()
    button.click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("select").select_option("builtin/tiny")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    panel.get_by_text("model: builtin/tiny").wait_for()
    stored = lab_server.api(f"projects/{project['id']}")
    assert stored["model"] == {"provider": "builtin", "model": "tiny"}
