"""Encryption at rest for secrets: Fernet (AES-128-CBC + HMAC) with a key kept in a file.

The key file lives outside the database (0600, in the Jupyter data dir by default), so a
copied or shared database alone reveals no secret.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ..errors import OmniPanelError


class SecretKeyError(OmniPanelError):
    status = 500
    reason = "Secret key unusable"


def load_or_create_key(path: Path) -> bytes:
    """Read the key, or create it readable by its owner only.

    Safe when several threads or servers start at once: the key is written to a private
    file aside and then linked into place, which fails when another got there first, so
    the key file is never seen half written and all of them end up with the same key."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
            file.flush()
            os.fsync(file.fileno())
        os.link(aside, path)
    except FileExistsError:
        return _read_key(path)  # another server or thread made it first: theirs it is
    finally:
        os.unlink(aside)
    return key


def _read_key(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # tighten a key file that others could read
    key = path.read_bytes().strip()
    if not key:
        raise SecretKeyError(f"The key file {path} is empty; remove it to make a new key.")
    return key


class SecretCipher:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise SecretKeyError(
                "A stored secret cannot be decrypted with this server's key file "
                "(c.OmniPanelApp.secret_key_file); set the secret again."
            ) from None


class KeyFileCipher:
    """A ``SecretCipher`` whose key file is read, or made, on first use: once, however
    many threads ask at the same moment."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._cipher: SecretCipher | None = None
        self._lock = threading.Lock()

    def _get(self) -> SecretCipher:
        with self._lock:
            if self._cipher is None:
                self._cipher = SecretCipher(load_or_create_key(self.key_file))
            return self._cipher

    def encrypt(self, value: str) -> bytes:
        return self._get().encrypt(value)

    def decrypt(self, token: bytes) -> str:
        return self._get().decrypt(token)
