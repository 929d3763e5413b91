"""Plugins: pluggy hooks through which other packages extend OmniPanel."""

from .hookspecs import hookimpl

__all__ = ["hookimpl"]
