"""The extension's services, built once the store is open.

Opening the store (connect, migrate) is slow compared with server start, so it runs in a
worker thread: started in the background when the server starts, awaited by the first
request that needs it. A failed open is not cached: the next request tries again.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models.service import ModelService
    from .projects.service import ProjectService
    from .store.database import Database


class Services:
    def __init__(
        self,
        db_url: str,
        contents_manager: Any,
        projects_root: str,
        max_archive_bytes: int,
        model_settings: dict[str, Any],
    ) -> None:
        self.db_url = db_url
        self.model_settings = model_settings
        self._models: ModelService | None = None
        self.contents_manager = contents_manager
        self.projects_root = projects_root
        self.max_archive_bytes = max_archive_bytes
        self.database: Database | None = None
        self._projects: ProjectService | None = None
        # A thread lock, not an asyncio one: opening may be started from any event loop.
        self._lock = threading.Lock()

    async def open(self) -> None:
        if self._projects is None:
            await asyncio.to_thread(self._open)

    def _open(self) -> None:
        with self._lock:
            if self._projects is not None:
                return
            from .projects.folders import ProjectFolders
            from .projects.repository import ProjectRepository
            from .projects.service import ProjectService
            from .store.database import Database

            database = Database(self.db_url)
            database.open()
            self.database = database
            self._projects = ProjectService(
                ProjectRepository(database),
                ProjectFolders(self.contents_manager, self.max_archive_bytes),
                self.projects_root,
            )

    async def projects(self) -> ProjectService:
        if self._projects is None:
            await self.open()
        assert self._projects is not None
        return self._projects

    def models(self) -> ModelService:
        """The model providers (cheap: adapters and engines start on first use)."""
        if self._models is None:
            from .models.providers import builtin_factory, endpoint_factory
            from .models.service import ModelService

            settings = self.model_settings
            factories = {
                "builtin": builtin_factory(
                    settings["builtin_model_path"],
                    settings["builtin_model_prompt"],
                    settings["engine_threads"],
                    settings["engine_idle_timeout"],
                )
            }
            for name, endpoint in settings["model_endpoints"].items():
                factories[name] = endpoint_factory(name, endpoint)
            self._models = ModelService(factories)
        return self._models

    async def store_status(self) -> dict[str, Any]:
        from .store.database import Database

        backend = Database(self.db_url).backend
        try:
            await self.open()
        except Exception as error:  # reported to the user, not raised: status must answer
            return {"backend": backend, "ready": False, "error": str(error)}
        return {"backend": backend, "ready": True}

    async def close(self) -> None:
        if self._models is not None:
            await self._models.close()  # stops the local engine's process
        if self.database is not None:
            self.database.close()
