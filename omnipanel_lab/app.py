"""The OmniPanel server extension: configuration, wiring and the handler table."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Int, Unicode, default

from .handlers import handler_table
from .identity import IdentityResolver, is_single_user
from .services import Services


class OmniPanelApp(ExtensionApp):
    """Configure with ``c.OmniPanelApp.<trait>`` in a Jupyter config file or on the CLI."""

    name = "omnipanel_lab"
    description = "OmniPanel Lab: projects, models and chat for JupyterLab"

    db_url = Unicode(
        help=(
            "SQLAlchemy URL of the OmniPanel store. The default is an SQLite file in the "
            "Jupyter data dir; teams and JupyterHub use PostgreSQL, e.g. "
            "'postgresql+psycopg://user:password@host/omnipanel'."
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
            "Whether all requests act for one owner (see `owner`). Default: true with "
            "jupyter_server's token/password login, whose users are anonymous; false with "
            "an identity provider that knows users (JupyterHub)."
        ),
    ).tag(config=True)

    owner = Unicode(
        help="Username that owns the data on a single-user server (default: the OS user).",
    ).tag(config=True)

    @default("owner")
    def _default_owner(self) -> str:
        return getpass.getuser()

    @default("db_url")
    def _default_db_url(self) -> str:
        return f"sqlite:///{Path(jupyter_data_dir()) / 'omnipanel' / 'omnipanel.db'}"

    def initialize_settings(self) -> None:
        single_user = self.single_user
        if single_user is None:
            single_user = is_single_user(self.serverapp.identity_provider)
        self.settings["omnipanel_identity"] = IdentityResolver(single_user, self.owner)
        self.settings["omnipanel_services"] = Services(
            db_url=self.db_url,
            contents_manager=self.serverapp.contents_manager,
            projects_root=self.projects_root,
            max_archive_bytes=self.max_archive_bytes,
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(handler_table())

    async def _start_jupyter_server_extension(self, serverapp: object) -> None:
        # Open the store in the background so that server start does not wait for it.
        self._warm_up = asyncio.ensure_future(self._open_store())

    async def _open_store(self) -> None:
        try:
            await self.settings["omnipanel_services"].open()
        except Exception as error:
            self.log.warning("OmniPanel store not ready yet (%s); retrying on first use.", error)

    async def stop_extension(self) -> None:
        self.settings["omnipanel_services"].close()
