"""Who owns the data of a request, and who may manage the server's models.

Three deployments:

- Under JupyterHub (``JUPYTERHUB_USER`` set) the server is that hub user's: its files, its
  kernels and its OmniPanel data. Whatever identity provider jupyter_server picked (the
  hub's extension, or the Legacy provider of JupyterHub < 4 that wraps the hub's login
  handler), every request the hub let in acts for the hub user; an admin or a user the
  hub shared the server with acts on the owner's data, as they do on the owner's files.
- jupyter_server's own token or password login does not know who a person is (each
  browser session is a random "Anonymous" user): all data belongs to the server's owner,
  so that projects survive a new browser or a new token.
- Other providers that know users (a deployment's own) keep each user's data apart.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jupyter_server.auth.identity import (
    IdentityProvider,
    LegacyIdentityProvider,
    PasswordIdentityProvider,
)

from .errors import PermissionDeniedError

ANONYMOUS_PROVIDERS = (IdentityProvider, PasswordIdentityProvider, LegacyIdentityProvider)


@dataclass(frozen=True)
class Identity:
    """The user a request acts for: a store username, the name to show, and whether the
    person behind the request administers the deployment."""

    username: str
    display_name: str = ""
    is_admin: bool = False


def hub_user_from_env(environ: Mapping[str, str] = os.environ) -> str | None:
    """The JupyterHub user whose server this is (the hub sets ``JUPYTERHUB_USER``)."""
    return environ.get("JUPYTERHUB_USER") or None


def under_jupyterhub(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether JupyterHub started this server (a user's server or a hub service)."""
    return bool(environ.get("JUPYTERHUB_USER") or environ.get("JUPYTERHUB_API_TOKEN"))


def is_single_user(identity_provider: object) -> bool:
    """True for jupyter_server's built-in providers, whose users are anonymous."""
    return type(identity_provider) in ANONYMOUS_PROVIDERS


def hub_user_model(handler: Any) -> dict[str, Any] | None:
    """The JupyterHub user model (name, admin, scopes, ...) behind a request, if any."""
    model = getattr(handler.current_user, "hub_user", None)  # JupyterHub >= 4's User
    if isinstance(model, dict):
        return model
    provider = handler.identity_provider
    if isinstance(provider, LegacyIdentityProvider):
        # JupyterHub < 4: the hub's login handler returns the model as a dict (cached per
        # request), which jupyter_server reduces to a bare username.
        legacy = provider.login_handler_class.get_user(handler)
        if isinstance(legacy, dict) and legacy.get("name"):
            return legacy
    return None


class IdentityResolver:
    """Turns a request into the :class:`Identity` it acts for."""

    def __init__(
        self,
        *,
        single_user: bool,
        owner: str,
        hub_user: str | None = None,
        admin_users: frozenset[str] = frozenset(),
    ) -> None:
        self.single_user = single_user
        self.owner = hub_user or owner
        self.hub_user = hub_user
        self.admin_users = admin_users

    def __call__(self, handler: Any) -> Identity:
        if self.hub_user is not None:
            return self._hub_identity(handler)
        if self.single_user:
            # The token or password holder owns the server; only a configured list narrows
            # who counts as its admin.
            admin = not self.admin_users or self.owner in self.admin_users
            return Identity(self.owner, self.owner, is_admin=admin)
        user = handler.current_user
        name = user.display_name or user.name
        return Identity(user.username, name, is_admin=user.username in self.admin_users)

    def _hub_identity(self, handler: Any) -> Identity:
        owner = self.owner
        model = hub_user_model(handler)
        if model is not None:
            # The hub checked this user's access to the server (owner, admin access or
            # sharing): they act on the owner's data.
            admin = model.get("admin") is True or model["name"] in self.admin_users
            return Identity(owner, owner, is_admin=admin)
        user = handler.current_user
        if type(handler.identity_provider) in ANONYMOUS_PROVIDERS:
            # jupyter_server's own token (e.g. a server the hub user started in a terminal):
            # the token holder is the hub user.
            return Identity(owner, owner, is_admin=owner in self.admin_users)
        if user.username != owner:
            raise PermissionDeniedError(
                f"This server belongs to the JupyterHub user '{owner}'; "
                f"'{user.username}' cannot use its OmniPanel data."
            )
        return Identity(owner, owner, is_admin=owner in self.admin_users)
