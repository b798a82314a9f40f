"""Field encryption for personal data (national ID numbers, phones, addresses).

AES-256-GCM from ``cryptography``, one random nonce per value. A stored value reads
``v1:<key-id>:<base64(nonce + ciphertext)>`` so keys can be rotated: the first key of
``XASO_FIELD_KEY`` encrypts, every listed key decrypts. Equality look-ups use a keyed hash
(HMAC-SHA-256 under a key derived from the first field key), never the clear value.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

_PREFIX = "v1"


@functools.cache
def _keys() -> list[tuple[str, AESGCM, bytes]]:
    keys = []
    for text in settings.FIELD_KEYS.split(","):
        raw = base64.urlsafe_b64decode(text.strip().encode())
        if len(raw) != 32:
            raise ValueError("XASO_FIELD_KEY: mỗi khoá phải là 32 byte mã hoá base64")
        key_id = hashlib.sha256(raw).hexdigest()[:8]
        keys.append((key_id, AESGCM(raw), raw))
    return keys


@functools.cache
def _hash_key() -> bytes:
    return hmac.new(_keys()[0][2], b"xaso blind index v1", hashlib.sha256).digest()


def encrypt(value: str | None) -> str | None:
    if value is None or value == "":
        return value
    key_id, aead, _ = _keys()[0]
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value.encode(), key_id.encode())
    return f"{_PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def encrypt_many(values: list[str]) -> list[str]:
    """``[encrypt(v) for v in values]`` for bulk writes: one key look-up and one call to the
    random source for all the nonces (each value still gets its own random 96-bit nonce)."""
    key_id, aead, _ = _keys()[0]
    seal, aad, head = aead.encrypt, key_id.encode(), f"{_PREFIX}:{key_id}:"
    randomness = os.urandom(12 * len(values))
    nonces = [randomness[i : i + 12] for i in range(0, len(randomness), 12)]
    b64 = binascii.b2a_base64  # what base64.b64encode calls, without its Python wrapper
    return [
        head + b64(nonce + seal(nonce, value.encode(), aad), newline=False).decode()
        if value
        else value
        for nonce, value in zip(nonces, values, strict=True)
    ]


def decrypt(token: str | None) -> str | None:
    if not token:
        return token
    _prefix, key_id, body = token.split(":", 2)
    for candidate_id, aead, _ in _keys():
        if candidate_id == key_id:
            raw = base64.b64decode(body)
            return aead.decrypt(raw[:12], raw[12:], key_id.encode()).decode()
    raise ValueError("Không có khoá giải mã phù hợp (XASO_FIELD_KEY)")


def blind_index(value: str | None) -> str:
    """Keyed hash for exact look-up of an encrypted value ('' for no value)."""
    if not value:
        return ""
    return hmac.digest(_hash_key(), value.encode(), "sha256").hex()[:40]


def blind_index_many(values: list[str]) -> list[str]:
    """``[blind_index(v) for v in values]`` for bulk writes: HMAC-SHA-256 (RFC 2104) from two
    pre-keyed SHA-256 states, copied per value — the same digests as ``hmac``, without its
    per-value Python layer."""
    key = _hash_key().ljust(64, b"\0")  # SHA-256 works on 64-byte blocks; the key is 32
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy
    out = []
    for value in values:
        if not value:
            out.append("")
            continue
        state = inner()
        state.update(value.encode())
        final = outer()
        final.update(state.digest())
        out.append(final.hexdigest()[:40])
    return out


class EncryptedTextField(models.TextField):
    """A text column holding AES-GCM ciphertext; Python code sees the clear value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value))


def mask(value: str | None, keep_start: int = 4, keep_end: int = 2) -> str:
    """``001203004589`` → ``0012••••••89``."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "•" * len(value)
    # value[len - keep_end:], not value[-keep_end:]: with keep_end=0 the latter is everything.
    tail = value[len(value) - keep_end :]
    return value[:keep_start] + "•" * (len(value) - keep_start - keep_end) + tail


def mask_phone(value: str | None) -> str:
    """``0912345678`` → ``091•••••78``: the carrier prefix and the last two digits."""
    return mask(value, 3, 2)


def mask_address(address: str | None, street: str) -> str:
    """The street only: the house number locates a named family, the street does not."""
    return f"••• {street}".strip() if address else street
