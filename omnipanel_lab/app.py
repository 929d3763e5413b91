"""The OmniPanel server extension: configuration, wiring and the handler table."""

from __future__ import annotations

import asyncio
import gc
import getpass
import os
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Enum, Float, Int, List, TraitError, Unicode, default, validate

from .deployment import deployment_warnings
from .handlers import handler_table
from .identity import IdentityResolver, hub_user_from_env, is_single_user, under_jupyterhub
from .monitoring import LoopLagMonitor
from .services import Services


class OmniPanelApp(ExtensionApp):
    """Configure with ``c.OmniPanelApp.<trait>`` in a Jupyter config file or on the CLI."""

    name = "omnipanel_lab"
    description = "OmniPanel Lab: projects, models and chat for JupyterLab"

    db_url = Unicode(
        help=(
            "SQLAlchemy URL of the OmniPanel store. The default is an SQLite file in the "
            "Jupyter data dir (mode 0600). PostgreSQL, e.g. "
            "'postgresql+psycopg://user:password@host/omnipanel', for one user's server; "
            "under JupyterHub a URL shared by all users' servers is readable from every "
            "user's kernel (the server warns)."
        ),
    ).tag(config=True)

    projects_root = Unicode(
        "projects",
        help="Folder of the contents tree in which new projects get their folder by default.",
    ).tag(config=True)

    max_archive_bytes = Int(
        200 * 1024 * 1024,
        help="Largest project archive (uncompressed bytes) that can be exported or imported.",
    ).tag(config=True)

    single_user = Bool(
        None,
        allow_none=True,
        help=(
            "Outside JupyterHub: whether all requests act for one owner (see `owner`). "
            "Default: true with jupyter_server's token/password login, whose users are "
            "anonymous; false with an identity provider that knows users. Under JupyterHub "
            "(JUPYTERHUB_USER set) the data always belongs to the hub user."
        ),
    ).tag(config=True)

    owner = Unicode(
        help="Username that owns the data on a single-user server (default: the OS user).",
    ).tag(config=True)

    model_management = Enum(
        ["everyone", "admins"],
        None,
        allow_none=True,
        help=(
            "Who may pull and delete Ollama models and delete local models: 'everyone', or "
            "'admins' (JupyterHub's admins and `admin_users`). Default: 'everyone' on a "
            "single-user server, 'admins' under JupyterHub or with an identity provider "
            "that knows users."
        ),
    ).tag(config=True)

    admin_users = List(
        Unicode(),
        help=(
            "Usernames that administer OmniPanel (manage models), besides JupyterHub's "
            "admins. On a single-user server outside JupyterHub the owner is one unless "
            "this list leaves them out."
        ),
    ).tag(config=True)

    allowed_connection_hosts = List(
        Unicode(),
        None,
        allow_none=True,
        help=(
            "Hosts the server may fetch for the connections users add in the Models panel "
            "(OpenAI-compatible servers, Ollama): '*' (any), 'public' (hosts whose addresses "
            "are all public: no loopback, private or link-local ones), a host name, "
            "'*.example.com', or an address or network such as '10.0.0.0/8'. An empty list "
            "allows none. Default: '*' on a single-user server, 'public' under JupyterHub or "
            "with an identity provider that knows users."
        ),
    ).tag(config=True)

    builtin_model_path = Unicode(
        "",
        help=(
            "GGUF file of the built-in local model. Empty: the shipped Gemma 3 270M "
            "(a tiny base model for demos; Gemma terms of use apply)."
        ),
    ).tag(config=True)

    default_model = Unicode(
        "builtin/",
        help=(
            "'provider/model' used when a request names none and its project has no model "
            "settings ('builtin/' = the built-in provider's first model)."
        ),
    ).tag(config=True)

    models_dir = Unicode(
        help=(
            "Folder of extra local models: every *.gguf dropped here appears in the "
            "picker. Default: omnipanel/models in the Jupyter data dir."
        ),
    ).tag(config=True)

    @default("models_dir")
    def _default_models_dir(self) -> str:
        return str(Path(jupyter_data_dir()) / "omnipanel" / "models")

    builtin_model_prompt = Enum(
        ["auto", "chat", "completion"],
        "auto",
        help=(
            "How to prompt the built-in model: 'chat' uses the GGUF's chat template, "
            "'completion' a few-shot transcript (for base models); 'auto' picks "
            "'completion' for the shipped Gemma and 'chat' for any other GGUF."
        ),
    ).tag(config=True)

    engine_threads = Int(
        help="CPU threads of the local engine (default: all cores).",
    ).tag(config=True)

    engine_idle_timeout = Float(
        900.0, help="Seconds without use after which the local engine process stops."
    ).tag(config=True)

    model_endpoints = Dict(
        help=(
            "OpenAI-compatible servers (llama.cpp, vLLM, LM Studio, ...) by provider id: "
            "{'my-vllm': {'base_url': 'http://host:8000/v1', 'api_key_env': 'VLLM_KEY'}}."
        ),
    ).tag(config=True)

    ollama_url = Unicode(
        "http://127.0.0.1:11434",
        help="Ollama server to offer (empty: none). Ollama's models appear in the picker.",
    ).tag(config=True)

    plugin_modules = List(
        Unicode(),
        help=(
            "Modules with OmniPanel hook implementations to load, besides the installed "
            "packages' 'omnipanel_lab.providers' entry points."
        ),
    ).tag(config=True)

    cloud_providers = List(
        Unicode(),
        default_value=[
            "openai",
            "anthropic",
            "gemini",
            "deepseek",
            "qwen",
            "mistral",
            "huggingface",
            "openrouter",
        ],
        help=(
            "Cloud providers offered (each needs a user's API key, or its environment "
            "variable such as OPENAI_API_KEY). A JupyterHub deployment can pin the list."
        ),
    ).tag(config=True)

    cloud_base_urls = Dict(
        help="Base URLs that replace a cloud provider's (a proxy or a compatible gateway).",
    ).tag(config=True)

    secret_key_file = Unicode(
        help=(
            "File with the key that encrypts stored API keys (created with mode 0600). "
            "Default: omnipanel/secret.key in the Jupyter data dir, outside the database."
        ),
    ).tag(config=True)

    reply_spool_file = Unicode(
        help=(
            "Where the server keeps replies that ended while the store was unreachable "
            "(mode 0600) until it can write them, also across a restart. Default: "
            "omnipanel/unsaved-replies.jsonl in the Jupyter data dir."
        ),
    ).tag(config=True)

    @validate("cloud_providers")
    def _known_cloud_providers(self, proposal: dict) -> list[str]:
        from .models.catalog import CLOUD_PROVIDERS

        unknown = sorted(set(proposal["value"]) - set(CLOUD_PROVIDERS))
        if unknown:
            raise TraitError(f"Unknown cloud providers {unknown}; known: {sorted(CLOUD_PROVIDERS)}")
        return list(proposal["value"])

    @default("secret_key_file")
    def _default_secret_key_file(self) -> str:
        return str(Path(jupyter_data_dir()) / "omnipanel" / "secret.key")

    @default("reply_spool_file")
    def _default_reply_spool_file(self) -> str:
        return str(Path(jupyter_data_dir()) / "omnipanel" / "unsaved-replies.jsonl")

    freeze_gc_after_start = Bool(
        True,
        help=(
            "Move the objects that exist once the server has started out of the garbage "
            "collector's reach (gc.freeze), so that later full collections take a few ms "
            "instead of ~100 ms of stalled event loop."
        ),
    ).tag(config=True)

    @default("engine_threads")
    def _default_engine_threads(self) -> int:
        return os.cpu_count() or 1

    @default("owner")
    def _default_owner(self) -> str:
        return getpass.getuser()

    @default("db_url")
    def _default_db_url(self) -> str:
        return f"sqlite:///{Path(jupyter_data_dir()) / 'omnipanel' / 'omnipanel.db'}"

    def initialize_settings(self) -> None:
        from .store.database import Database

        single_user = self.single_user
        if single_user is None:
            single_user = is_single_user(self.serverapp.identity_provider)
        hub_user = hub_user_from_env()
        self.settings["omnipanel_identity"] = IdentityResolver(
            single_user=single_user,
            owner=self.owner,
            hub_user=hub_user,
            admin_users=frozenset(self.admin_users),
        )
        model_management = self.model_management
        if model_management is None:
            multi_user = under_jupyterhub() or not single_user
            model_management = "admins" if multi_user else "everyone"
        self.settings["omnipanel_model_management"] = model_management
        hosts = self.allowed_connection_hosts
        if hosts is None:
            hosts = ["public"] if under_jupyterhub() or not single_user else ["*"]
        try:
            backend = Database(self.db_url).backend
        except Exception:  # a malformed URL: opening the store reports it
            backend = "unknown"
        warnings = deployment_warnings(under_jupyterhub=under_jupyterhub(), store_backend=backend)
        for warning in warnings:
            self.log.warning("OmniPanel: %s", warning["message"])
        self.settings["omnipanel_warnings"] = warnings
        self.settings["omnipanel_loop_lag"] = LoopLagMonitor()
        self.settings["omnipanel_services"] = Services(
            db_url=self.db_url,
            contents_manager=self.serverapp.contents_manager,
            projects_root=self.projects_root,
            max_archive_bytes=self.max_archive_bytes,
            model_settings={
                "builtin_model_path": self.builtin_model_path,
                "builtin_model_prompt": self.builtin_model_prompt,
                "models_dir": self.models_dir,
                "default_model": self.default_model,
                "engine_threads": self.engine_threads,
                "engine_idle_timeout": self.engine_idle_timeout,
                "model_endpoints": self.model_endpoints,
                "cloud_providers": self.cloud_providers,
                "ollama_url": self.ollama_url,
                "plugin_modules": self.plugin_modules,
                "cloud_base_urls": self.cloud_base_urls,
            },
            secret_key_file=Path(self.secret_key_file),
            reply_spool_file=Path(self.reply_spool_file),
            allowed_connection_hosts=list(hosts),
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(handler_table())

    async def _start_jupyter_server_extension(self, serverapp: object) -> None:
        # Open the store in the background so that server start does not wait for it.
        self._warm_up = asyncio.ensure_future(self._open_store())
        self.settings["omnipanel_loop_lag"].start()

    async def _open_store(self) -> None:
        try:
            await self.settings["omnipanel_services"].open()
        except Exception as error:
            self.log.warning("OmniPanel store not ready yet (%s); retrying on first use.", error)
        # Set up the model providers (imports, plugin entry points) off the event loop now,
        # not in the first chat request.
        try:
            await asyncio.to_thread(self.settings["omnipanel_services"].models)
        except Exception as error:  # e.g. a plugin that fails to import: say so, keep going
            self.log.warning("OmniPanel model providers not ready: %s", error)
        if self.freeze_gc_after_start:
            # A full collection walks every object of Jupyter + JupyterLab + SQLAlchemy
            # (~240k, ~100 ms, measured) and stalls the loop mid-stream; objects alive after
            # start-up are long-lived, so later collections can skip them.
            gc.collect()
            gc.freeze()

    async def stop_extension(self) -> None:
        self.settings["omnipanel_loop_lag"].stop()
        await self.settings["omnipanel_services"].close()
