"""Keys for exchange packages: loading them from what the database stores, and short ids.

The database `meta` table holds `device_signing_key` (raw Ed25519 private key, hex) and
`device_age_identity` (AGE-SECRET-KEY-1...). Functions here accept those stored forms as well
as the library objects, so callers never need a session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeAlias

import nacl.bindings
import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool.errors import BundleError
from idtool.i18n import _

SigningKey = Ed25519PrivateKey | bytes | str
PublicKey = Ed25519PublicKey | bytes | str
# pyrage has no type information: to the type checker its classes are Any.
Identity: TypeAlias = pyrage.x25519.Identity | str
Recipient: TypeAlias = pyrage.x25519.Recipient | str

SHORT_ID_HEX = 16  # 64 bits: enough to route and to show; age and Ed25519 do the real checks


def _raw(value: bytes | str) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value)
    return bytes(value)


def signing_key(value: SigningKey) -> Ed25519PrivateKey:
    """An Ed25519 private key from the object, 32 raw bytes or their hex."""
    if isinstance(value, Ed25519PrivateKey):
        return value
    try:
        return Ed25519PrivateKey.from_private_bytes(_raw(value))
    except (ValueError, TypeError) as e:
        raise BundleError(_("The device signing key is not valid."), "bad_key") from e


def public_key(value: PublicKey) -> Ed25519PublicKey:
    """An Ed25519 public key from the object, 32 raw bytes or their hex; refused unless it is a
    valid point of the main subgroup (`is_sound_public`)."""
    if isinstance(value, Ed25519PublicKey):
        return value
    try:
        raw = _raw(value)
        if not is_sound_public(raw):
            raise ValueError("small order or not on the curve")
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as e:
        raise BundleError(_("A trusted device key is not valid."), "bad_key") from e


def is_sound_public(raw: bytes) -> bool:
    """Whether 32 bytes are an Ed25519 public key to trust: a canonical point on the curve, in
    the main subgroup, not of small order (libsodium's check). OpenSSL verifies signatures under
    a small-order key, for which one constant signature fits every message."""
    return (
        isinstance(raw, bytes)
        and len(raw) == 32
        and bool(nacl.bindings.crypto_core_ed25519_is_valid_point(raw))
    )


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: PublicKey | Ed25519PrivateKey) -> str:
    """Short id of a signing key: SHA-256 of the raw 32-byte public key, first 16 hex digits."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else public_key(key)
    return hashlib.sha256(public_bytes(pub)).hexdigest()[:SHORT_ID_HEX]


def identity(value: Identity) -> pyrage.x25519.Identity:
    if isinstance(value, pyrage.x25519.Identity):
        return value
    try:
        return pyrage.x25519.Identity.from_str(value.strip())
    except Exception as e:  # pyrage raises its own IdentityError or ValueError
        raise BundleError(_("The device decryption key is not valid."), "bad_key") from e


def recipient(value: Recipient) -> pyrage.x25519.Recipient:
    if isinstance(value, pyrage.x25519.Recipient):
        return value
    try:
        return pyrage.x25519.Recipient.from_str(value.strip())
    except Exception as e:
        raise BundleError(_("A recipient key is not valid."), "bad_key") from e


def recipient_fingerprint(value: Recipient | pyrage.x25519.Identity) -> str:
    """SHA-256 of the age recipient string (age1...), first 16 hex digits."""
    if isinstance(value, pyrage.x25519.Identity):
        value = value.to_public()
    text = str(recipient(value))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:SHORT_ID_HEX]


def recipients(values: Iterable[Recipient]) -> list[pyrage.x25519.Recipient]:
    return [recipient(v) for v in values]
