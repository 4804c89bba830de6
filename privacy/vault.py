"""The key behind the pseudonym vault and keyed hashes.

Production sets ``GLOSSA_PSEUDONYM_KEY`` (a Fernet key; settings refuse to start without it).
Development leaves it empty and derives a Fernet key from ``SECRET_KEY`` with HKDF-SHA256, so a
fresh checkout works; rotating SECRET_KEY then makes existing development mappings unreadable.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class VaultError(RuntimeError):
    """The vault could not be read with the configured key (the key changed or the row was altered)."""


@functools.cache
def _key_for(configured_key: str, secret_key: str) -> bytes:
    if configured_key:
        return configured_key.encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"glossa-pseudonym-vault").derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


def vault_key() -> bytes:
    return _key_for(settings.GLOSSA["PSEUDONYM_KEY"], settings.SECRET_KEY)


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
