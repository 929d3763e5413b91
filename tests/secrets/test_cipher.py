"""Secrets at rest: a 0600 key file outside the database, Fernet ciphertext inside it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from omnipanel_lab.secrets.cipher import SecretCipher, SecretKeyError, load_or_create_key


def test_the_key_file_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "omnipanel" / "secret.key"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.chmod(0o644)
    load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_ciphertext_hides_the_value_and_needs_the_key(tmp_path: Path) -> None:
    cipher = SecretCipher(load_or_create_key(tmp_path / "a.key"))
    token = cipher.encrypt("sk-live-abcdef123456")
    assert b"abcdef" not in token
    assert cipher.decrypt(token) == "sk-live-abcdef123456"
    other = SecretCipher(load_or_create_key(tmp_path / "b.key"))
    with pytest.raises(SecretKeyError, match="set the secret again"):
        other.decrypt(token)
