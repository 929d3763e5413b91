"""The extension's services, built once the store is open, each given what it needs.

Opening the store (connect, migrate) is slow compared with server start, so it runs in a
worker thread: started in the background when the server starts, awaited by the first
request that needs it. A failed open is not cached: the next request tries again. Every
service is built once, however many first requests arrive together.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chats.service import ChatService
    from .connections.service import ConnectionService
    from .identity import Identity
    from .models.connected import UserProvider
    from .models.service import ModelService
    from .projects.service import ProjectService
    from .secrets.keys import ApiKey, ProviderKeys
    from .secrets.service import SecretService
    from .store.database import Database


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
        allowed_connection_hosts: list[str] | None = None,
    ) -> None:
        self.db_url = db_url
        self.contents_manager = contents_manager
        self.projects_root = projects_root
        self.max_archive_bytes = max_archive_bytes
        self.model_settings = model_settings
        self.secret_key_file = secret_key_file
        self.reply_spool_file = reply_spool_file
        self.allowed_connection_hosts = (
            ["*"] if allowed_connection_hosts is None else allowed_connection_hosts
        )
        self.database: Database | None = None
        self._projects: ProjectService | None = None
        self._models: ModelService | None = None
        self._secrets: SecretService | None = None
        self._chats: ChatService | None = None
        self._keys: ProviderKeys | None = None
        self._connections: ConnectionService | None = None
        # Thread locks for what is built in worker threads; the chat service (its runner
        # lives on the server's event loop) is built under an asyncio lock.
        self._lock = threading.Lock()
        self._models_lock = threading.Lock()
        self._chats_lock = asyncio.Lock()

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
            from .secrets.cipher import KeyFileCipher
            from .secrets.service import SecretService
            from .store.database import Database

            database = Database(self.db_url)
            database.open()
            repository = ProjectRepository(database)
            # The key file is read or made on the first secret used, not here.
            self._secrets = SecretService(database, repository, KeyFileCipher(self.secret_key_file))
            self.database = database
            self._projects = ProjectService(
                repository,
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
            async with self._chats_lock:  # one runner, however many first requests
                if self._chats is None:
                    self._chats = await self._make_chats()
        return self._chats

    async def _make_chats(self) -> ChatService:
        from .chats.generation import GenerationRunner
        from .chats.repository import ChatRepository
        from .chats.search import ChatSearch
        from .chats.service import ChatService
        from .models.defaults import DefaultModel

        projects = await self.projects()
        models = await asyncio.to_thread(self.models)  # its lock may be held by the warm-up
        assert self.database is not None
        repository = ChatRepository(self.database, projects.repository)
        runner = GenerationRunner(models, repository.save_replies, spool=self.reply_spool_file)
        await runner.writer.recover()  # what a previous server could not write
        chats = ChatService(
            repository,
            ChatSearch(self.database, projects.repository),
            runner,
            projects=projects,
            models=models,
            keys=await self.provider_keys(),
            defaults=DefaultModel(projects, self.model_settings["default_model"]),
            own=self.own_providers,
        )
        projects.before_delete(chats.stop_project)  # a project's replies stop before it goes
        return chats

    async def secrets(self) -> SecretService:
        """API keys, encrypted with the key in ``secret_key_file`` (made on first use)."""
        await self.open()
        assert self._secrets is not None
        return self._secrets

    async def connections(self) -> ConnectionService:
        """The model servers users connect from the Models panel."""
        if self._connections is None:
            from .connections.hosts import HostPolicy
            from .connections.service import ConnectionService

            secrets = await self.secrets()
            models = await asyncio.to_thread(self.models)
            if self._connections is None:
                self._connections = ConnectionService(
                    secrets.database,
                    secrets.projects,
                    secrets.cipher,
                    HostPolicy(self.allowed_connection_hosts),
                    models,
                )
        return self._connections

    async def own_providers(self, identity: Identity) -> dict[str, UserProvider]:
        """The asking user's connections, as providers for this request."""
        return await (await self.connections()).for_user(identity)

    async def provider_keys(self) -> ProviderKeys:
        """The API key each keyed provider uses for a user."""
        if self._keys is None:
            from .secrets.keys import ProviderKeys

            secrets = await self.secrets()
            models = await asyncio.to_thread(self.models)
            if self._keys is None:  # stateless: whichever request got here first
                self._keys = ProviderKeys(secrets, models.keyed)
        return self._keys

    async def api_keys(
        self, identity: Identity, project_id: str | None = None, only: str | None = None
    ) -> dict[str, ApiKey]:
        """See ``ProviderKeys.resolve``."""
        from .secrets.keys import wanted_keys

        if not wanted_keys((await asyncio.to_thread(self.models)).keyed, only):
            return {}  # e.g. the built-in model: no key to look up, the store is not needed
        return await (await self.provider_keys()).resolve(identity, project_id, only)

    async def default_model(self, identity: Identity, project_id: str | None) -> tuple[str, str]:
        """(provider, model) to use when a request names none: the project's model
        settings, else ``c.OmniPanelApp.default_model``."""
        from .models.defaults import DefaultModel

        defaults = DefaultModel(await self.projects(), self.model_settings["default_model"])
        return await defaults.choose(identity, project_id)

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
