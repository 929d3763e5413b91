"""Loading plugins: entry points of installed packages, plus modules named in the config."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

import pluggy

from .hookspecs import PROJECT, ProviderSpecs

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "omnipanel_lab.providers"


def load_plugins(modules: Iterable[str] = ()) -> pluggy.PluginManager:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(ProviderSpecs)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name in modules:
        manager.register(importlib.import_module(name), name=name)
    return manager


def plugin_providers(
    manager: pluggy.PluginManager, taken: Iterable[str]
) -> dict[str, Callable[[], Any]]:
    """Every plugin's providers; an id already taken keeps its first owner."""
    providers: dict[str, Callable[[], Any]] = {}
    seen = set(taken)
    for offered in manager.hook.omnipanel_model_providers():
        for provider, factory in offered.items():
            if provider in seen:
                log.warning("Plugin provider %r ignored: that id is already in use", provider)
                continue
            seen.add(provider)
            providers[provider] = factory
    return providers
