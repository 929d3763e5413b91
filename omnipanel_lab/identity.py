"""Who owns the data of a request.

jupyter_server's own identity providers (token or password login) do not know who a person
is: each browser session gets a random "Anonymous" user. On such a single-user server all
data belongs to the server's owner, so that projects survive a new browser or a new token.
Providers that know real users (JupyterHub's, or a deployment's own) keep users apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from jupyter_server.auth.identity import (
    IdentityProvider,
    LegacyIdentityProvider,
    PasswordIdentityProvider,
    User,
)

ANONYMOUS_PROVIDERS = (IdentityProvider, PasswordIdentityProvider, LegacyIdentityProvider)


@dataclass(frozen=True)
class Identity:
    """The user a request acts for: a store username and the name to show."""

    username: str
    display_name: str = ""


def is_single_user(identity_provider: object) -> bool:
    """True for jupyter_server's built-in providers, whose users are anonymous."""
    return type(identity_provider) in ANONYMOUS_PROVIDERS


class IdentityResolver:
    def __init__(self, single_user: bool, owner: str) -> None:
        self.single_user = single_user
        self.owner = owner

    def __call__(self, user: User) -> Identity:
        if self.single_user:
            return Identity(username=self.owner, display_name=self.owner)
        return Identity(username=user.username, display_name=user.display_name or user.name)
