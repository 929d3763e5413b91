"""Warnings about how the server is deployed, shown in the log at start and in ``/status``."""

from __future__ import annotations

SHARED_POSTGRES_UNDER_JUPYTERHUB = (
    "This server runs under JupyterHub on a PostgreSQL store. If the same database URL is "
    "given to every user's server, every user's kernel can read it, and with it read and "
    "change all users' chats and projects. Until team sync gives each server access to its own "
    "data only, give each user a store of their own (the default SQLite file in their "
    "home, or a database and role per user)."
)


def deployment_warnings(*, under_jupyterhub: bool, store_backend: str) -> list[dict[str, str]]:
    """Each warning as ``{"id", "message"}``; the ids are stable for the UI."""
    warnings = []
    if under_jupyterhub and store_backend == "postgresql":
        warnings.append(
            {"id": "shared-postgres-under-jupyterhub", "message": SHARED_POSTGRES_UNDER_JUPYTERHUB}
        )
    return warnings
