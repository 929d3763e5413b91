"""Encryption at rest for secrets: Fernet (AES-128-CBC + HMAC) with a key kept in a file.

The key file lives outside the database (0600, in the Jupyter data dir by default), so a
copied or shared database alone reveals no secret.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ..errors import OmniPanelError


class SecretKeyError(OmniPanelError):
    status = 500
    reason = "Secret key unusable"


def load_or_create_key(path: Path) -> bytes:
    """Read the key, or create it readable by its owner only."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # tighten a key file that others could read
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
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
