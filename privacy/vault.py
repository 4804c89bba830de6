"""The key behind the pseudonym vault and keyed hashes.

Production sets ``GLOSSA_PSEUDONYM_KEY`` (a Fernet key; settings refuse to start without it).
Development leaves it empty: the first use generates a random key into ``PSEUDONYM_KEY_FILE``
(var/pseudonym.key, git-ignored, mode 0600) and every process reads it from there. It is never
derived from SECRET_KEY, whose development default is public. Vaults written under an earlier key
(older development installs derived it from SECRET_KEY) cannot be read: their placeholders stay.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class VaultError(RuntimeError):
    """The vault could not be read with the configured key (the key changed or the row was altered)."""


@functools.cache
def _key_for(configured_key: str, key_file: str) -> bytes:
    key = configured_key.encode() if configured_key else _development_key(Path(key_file))
    try:
        Fernet(key)
    except ValueError:
        where = "GLOSSA_PSEUDONYM_KEY" if configured_key else str(key_file)
        raise ImproperlyConfigured(f"{where} does not hold a Fernet key (32 url-safe base64-encoded bytes).") from None
    return key


def _development_key(path: Path) -> bytes:
    """The key in ``path``, generated there first if there is none (atomically: concurrent processes
    starting on a fresh checkout all end up with the one key that was linked into place first)."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym-key-")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process got there first: theirs is the key
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_bytes().strip()


def vault_key() -> bytes:
    return _key_for(settings.GLOSSA["PSEUDONYM_KEY"], str(settings.GLOSSA["PSEUDONYM_KEY_FILE"]))


def encrypt_json(data: dict) -> str:
    return Fernet(vault_key()).encrypt(json.dumps(data).encode()).decode()


def decrypt_json(token: str) -> dict:
    try:
        return json.loads(Fernet(vault_key()).decrypt(token.encode()))
    except InvalidToken:
        raise VaultError("The pseudonym vault cannot be decrypted with the configured key.") from None


def keyed_digest(value: str) -> str:
    """A short keyed hash: equal values get equal digests, but a name list cannot be hashed to match."""
    return hmac.new(vault_key(), value.casefold().encode(), hashlib.sha256).hexdigest()[:10]


def identifier_digest(kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, for recognising erased people without keeping their data."""
    from privacy.recognizers import normalize_identifier

    message = f"erased-{kind}\0{normalize_identifier(kind, value)}".encode()
    return hmac.new(vault_key(), message, hashlib.sha256).hexdigest()
