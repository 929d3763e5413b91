"""The hooks a plugin may implement (``@omnipanel_lab.plugins.hookimpl``).

A package registers its plugin module in the ``omnipanel_lab.providers`` entry point group:

    [project.entry-points."omnipanel_lab.providers"]
    my-provider = "my_package.omnipanel_plugin"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT = "omnipanel_lab"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class ProviderSpecs:
    @hookspec
    def omnipanel_model_providers(self) -> dict[str, Callable[[], Any]]:  # type: ignore[empty-body]
        """Model providers to offer: ``{provider id: factory}``.

        The factory is called once, in a worker thread, the first time the provider is
        used, and returns an adapter with ``list_models``, ``health``, ``stream_chat`` and
        ``aclose`` (see ``omnipanel_lab.models.service.ChatAdapter``).
        """
