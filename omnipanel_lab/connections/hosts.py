"""Which hosts the server may fetch for a user's connection (``allowed_connection_hosts``).

The server, not the browser, talks to a connection's URL: on a shared deployment a user
could otherwise make it reach hosts of its private network. Entries: ``*`` (any host),
``public`` (any host whose addresses are all public), a host name, ``*.example.com`` (its
subdomains), or an address or network (``10.0.0.0/8``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import PermissionDeniedError

RESOLVE_SECONDS = 3.0
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class HostNotAllowedError(PermissionDeniedError):
    reason = "Host not allowed"


class HostPolicy:
    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = [entry.strip().lower() for entry in entries if entry.strip()]
        self.networks: list[Network] = []
        self.names: set[str] = set()
        self.suffixes: list[str] = []
        for entry in self.entries:
            if entry in ("*", "public"):
                continue
            if entry.startswith("*."):
                self.suffixes.append(entry[1:])
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self.names.add(entry.rstrip("."))

    @property
    def allows_any(self) -> bool:
        return "*" in self.entries

    async def check(self, url: str) -> None:
        """Nothing when ``url``'s host may be fetched, else a 403 that says why."""
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
        if self.allows_any or await self._allowed(host):
            return
        raise HostNotAllowedError(
            f"This server may not connect to {host or 'that URL'}: the administrator "
            "allows only "
            + (", ".join(self.entries) if self.entries else "the providers it configures")
            + " (c.OmniPanelApp.allowed_connection_hosts)."
        )

    async def _allowed(self, host: str) -> bool:
        if not host:
            return False
        if host in self.names or any(host.endswith(suffix) for suffix in self.suffixes):
            return True
        if not self.networks and "public" not in self.entries:
            return False
        addresses = await resolve(host)
        if not addresses:
            return False
        if all(any(a in net for net in self.networks) for a in addresses):
            return True
        return "public" in self.entries and all(a.is_global for a in addresses)


async def resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses of ``host`` (itself if it is one); none when it cannot be resolved."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), RESOLVE_SECONDS
        )
    except (OSError, TimeoutError, UnicodeError):  # UnicodeError: a name IDNA refuses
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
