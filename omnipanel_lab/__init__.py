"""OmniPanel Lab: a JupyterLab server extension that turns JupyterLab into an LLM workspace."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "omnipanel-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import OmniPanelApp

    return [{"module": "omnipanel_lab", "app": OmniPanelApp}]
