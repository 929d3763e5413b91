"""The extension's services, built once the store is open.

Opening the store (connect, migrate) is slow compared with server start, so it runs in a
worker thread: started in the background when the server starts, awaited by the first
request that needs it. A failed open is not cached: the next request tries again.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chats.service import ChatService
    from .identity import Identity
    from .models.service import ModelService
    from .projects.service import ProjectService
    from .secrets.service import SecretService
    from .store.database import Database


@dataclass(frozen=True)
class ApiKey:
    """A provider key for one request (never sent to a client: ``value`` is in clear)."""

    value: str
    source: str  # "user", "project" or "environment"
    last4: str

    def status(self) -> dict[str, Any]:
        """What the UI may know about it."""
        status: dict[str, Any] = {"set": True, "source": self.source}
        if self.source != "environment":
            status["last4"] = self.last4
        return status


class Services:
    def __init__(
        self,
        db_url: str,
        contents_manager: Any,
        projects_root: str,
        max_archive_bytes: int,
        model_settings: dict[str, Any],
        secret_key_file: Path,
        reply_spool_file: Path | None = None,
    ) -> None:
        self.db_url = db_url
        self.contents_manager = contents_manager
        self.projects_root = projects_root
        self.max_archive_bytes = max_archive_bytes
        self.model_settings = model_settings
        self.secret_key_file = secret_key_file
        self.reply_spool_file = reply_spool_file
        self.database: Database | None = None
        self._projects: ProjectService | None = None
        self._models: ModelService | None = None
        self._secrets: SecretService | None = None
        self._chats: ChatService | None = None
        # Thread locks, not asyncio ones: set-up may run from any event loop or a thread.
        self._lock = threading.Lock()
        self._models_lock = threading.Lock()

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
        with self._models_lock:
            if self._models is None:
                self._models = self._make_models()
            return self._models

    def _make_models(self) -> ModelService:
        """Providers: the built-in engine, Ollama, cloud, configured endpoints, plugins."""
        from .models.providers import (
            CLOUD_PROVIDERS,
            builtin_factory,
            cloud_factory,
            endpoint_factory,
            local_catalog,
            ollama_factory,
        )
        from .models.service import ModelService
        from .plugins.manager import load_plugins, plugin_providers

        settings = self.model_settings
        catalog = local_catalog(
            settings["builtin_model_path"],
            settings["builtin_model_prompt"],
            Path(settings["models_dir"]),
        )
        factories = {
            "builtin": builtin_factory(
                catalog, settings["engine_threads"], settings["engine_idle_timeout"]
            )
        }
        if settings["ollama_url"]:
            factories["ollama"] = ollama_factory(settings["ollama_url"])
        keyed = {}
        for name in settings["cloud_providers"]:
            base_url, env, wire = CLOUD_PROVIDERS[name]
            base_url = settings["cloud_base_urls"].get(name, base_url)
            factories[name], keyed[name] = cloud_factory(name, base_url, wire), env
        for name, endpoint in settings["model_endpoints"].items():
            factories[name] = endpoint_factory(name, endpoint)
        plugins = load_plugins(settings["plugin_modules"])
        factories.update(plugin_providers(plugins, factories))
        return ModelService(factories, keyed)

    async def chats(self) -> ChatService:
        """Chats, their search and the runner of replies (needs the store and models)."""
        if self._chats is None:
            from .chats.generation import GenerationRunner
            from .chats.repository import ChatRepository
            from .chats.search import ChatSearch
            from .chats.service import ChatService

            projects = await self.projects()
            assert self.database is not None
            repository = ChatRepository(self.database, projects.repository)
            runner = GenerationRunner(
                self.models(), repository.save_replies, spool=self.reply_spool_file
            )
            await runner.writer.recover()  # what a previous server could not write
            search = ChatSearch(self.database, projects.repository)
            self._chats = ChatService(repository, search, runner, self)
        return self._chats

    async def secrets(self) -> SecretService:
        """API keys, encrypted with the key in ``secret_key_file`` (created on first use)."""
        if self._secrets is None:
            from .secrets.cipher import SecretCipher, load_or_create_key
            from .secrets.service import SecretService

            await self.open()
            assert self._projects is not None and self.database is not None
            key = await asyncio.to_thread(load_or_create_key, self.secret_key_file)
            self._secrets = SecretService(
                self.database, self._projects.repository, SecretCipher(key)
            )
        return self._secrets

    async def api_keys(
        self, identity: Identity, project_id: str | None = None, only: str | None = None
    ) -> dict[str, ApiKey]:
        """The key each keyed provider (or just ``only``) uses for this user: theirs (the
        project's first), else the server's environment variable. Providers without one
        are left out."""
        keyed = self.models().keyed
        wanted = [only] if only is not None else list(keyed)
        wanted = [provider for provider in wanted if provider in keyed]
        if not wanted:
            return {}
        stored = await (await self.secrets()).resolve(identity, wanted, project_id)
        keys: dict[str, ApiKey] = {}
        for provider in wanted:
            if provider in stored:
                secret = stored[provider]
                keys[provider] = ApiKey(secret.value, secret.scope, secret.last4)
            elif os.environ.get(keyed[provider]):
                keys[provider] = ApiKey(os.environ[keyed[provider]], "environment", "")
        return keys

    async def default_model(self, identity: Identity, project_id: str | None) -> tuple[str, str]:
        """(provider, model) to use when a request names none: the project's model
        settings, else ``c.OmniPanelApp.default_model``."""
        if project_id is not None:
            project = await (await self.projects()).get(identity, project_id)
            provider = project.model.get("provider")
            if isinstance(provider, str) and provider:
                return provider, str(project.model.get("model", ""))
        provider, _, model = self.model_settings["default_model"].partition("/")
        return provider, model

    async def store_status(self) -> dict[str, Any]:
        from .store.database import Database

        backend = Database(self.db_url).backend
        try:
            await self.open()
        except Exception as error:  # reported to the user, not raised: status must answer
            return {"backend": backend, "ready": False, "error": str(error)}
        return {"backend": backend, "ready": True}

    async def close(self) -> None:
        if self._chats is not None:
            await self._chats.runner.close()  # stopped replies keep their text
        if self._models is not None:
            await self._models.close()  # stops the local engine's process
        if self.database is not None:
            self.database.close()
