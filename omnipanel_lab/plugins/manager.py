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
    """A plugin that fails to load is logged and left out: the others still work."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(ProviderSpecs)
    try:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except Exception as error:
        log.warning("OmniPanel plugins of %r not loaded: %s", ENTRY_POINT_GROUP, error)
    for name in modules:
        try:
            manager.register(importlib.import_module(name), name=name)
        except Exception as error:
            log.warning("OmniPanel plugin module %r not loaded: %s", name, error)
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
