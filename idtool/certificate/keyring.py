"""The stored trust list of issuer keys: learn a key, retire or revoke it with the certificates
it still vouches for, and find those certificates.

A key is `active` (vouches for any certificate it signs), `retired` (its device stopped using
it) or `revoked` (its device was revoked). A key that is not active vouches only for the
certificates listed for it, by the SHA-256 of their code text (`code_digest`): those issued
before it stopped. Status only ever moves forward: active -> retired -> revoked.

Plain functions on a connection, called inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool.audit import now_iso
from idtool.certificate import payload
from idtool.certificate.payload import key_id
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _

STATUSES = ("active", "retired", "revoked")


def code_digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def public_of(private_hex: str) -> bytes:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else 0


def learn(
    conn: Connection, public: bytes, label: str, issuer_device: str, status: str = "active"
) -> bool:
    """Trust `public` as an issuer key of `issuer_device`; returns whether it was new. A known
    key keeps its row (a later status goes through `retire_trusted`)."""
    from idtool.bundle.keys import is_sound_public  # not loaded at CLI start (start-up time)

    if not is_sound_public(public):
        raise InvalidInput(_("An issuer key must be a valid Ed25519 public key."))
    kid = key_id(public).hex()
    known = conn.execute(
        "SELECT issuer_device FROM trusted_keys WHERE key_id = ?", (kid,)
    ).fetchone()
    if known is not None:
        if not known[0] and issuer_device:
            conn.execute(
                "UPDATE trusted_keys SET issuer_device = ? WHERE key_id = ?", (issuer_device, kid)
            )
        return False
    here = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    conn.execute(
        "INSERT INTO trusted_keys (uuid, key_id, public_key, label, added_at, device_id,"
        " issuer_device, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            str(uuid.uuid4()),
            kid,
            public.hex(),
            label[:200] or kid,
            now_iso(),
            "" if here is None else str(here[0]),
            issuer_device,
            status,
        ),
    )
    return True


def retire_trusted(
    conn: Connection,
    public: bytes,
    status: str,
    certificates: Iterable[str],
    *,
    replace: bool = False,
) -> bool:
    """Move a known key to `status` (retired or revoked) and record the certificates it still
    vouches for. Never moves a key back. With `replace`, the list given replaces the stored one
    (the coordinator's list is authoritative); else it is frozen the first time the key stops
    being active. Returns whether anything changed."""
    kid = key_id(public).hex()
    row = conn.execute("SELECT status FROM trusted_keys WHERE key_id = ?", (kid,)).fetchone()
    if row is None:
        return False
    current = str(row[0])
    changed = False
    if rank(status) > rank(current):
        conn.execute("UPDATE trusted_keys SET status = ? WHERE key_id = ?", (status, kid))
        changed = True
    if replace and rank(status) >= rank(current):
        wanted = set(certificates)
        stored = set(vouched(conn, kid))
        if wanted != stored:
            conn.execute("DELETE FROM trusted_key_certificates WHERE key_id = ?", (kid,))
            _list(conn, kid, wanted)
            changed = True
    elif current == "active" and changed:
        _list(conn, kid, set(certificates))
    return changed


def _list(conn: Connection, kid: str, digests: set[str]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO trusted_key_certificates (key_id, digest) VALUES (?, ?)",
        [(kid, d) for d in sorted(digests)],
    )


def vouched(conn: Connection, kid_hex: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT digest FROM trusted_key_certificates WHERE key_id = ? ORDER BY digest",
            (kid_hex,),
        )
    ]


def signed_with(code: str, public: bytes) -> bool:
    """Whether `code` is a well-formed certificate code that `public` really signed."""
    try:
        signed = payload.decode(code)
    except payload.PayloadError:
        return False
    if signed.kid != key_id(public) or signed.claims.issuer_key_id != signed.kid:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signed.signature, signed.to_be_signed())
    except (InvalidSignature, ValueError):
        return False
    return True


def local_certificates(conn: Connection, public: bytes) -> list[str]:
    """Digests of the certificates this device issued with `public`."""
    here = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    return [
        code_digest(code)
        for (code,) in conn.execute(
            "SELECT code FROM certificates WHERE device_id = ?", (str(here[0]) if here else "",)
        )
        if signed_with(code, public)
    ]


def imported_certificates(conn: Connection, public: bytes, device_id: str) -> list[str]:
    """Digests of the certificates imported from `device_id` (of its cases) that `public`
    signed: what the coordinator knows that device issued."""
    return [
        code_digest(code)
        for (code,) in conn.execute(
            "SELECT c.code FROM certificates c JOIN sync_owners o ON o.tbl = 'cases' AND"
            " o.record_key = c.case_uuid WHERE o.device_id = ?",
            (device_id,),
        )
        if signed_with(code, public)
    ]


def revoke_device_keys(conn: Connection, device_id: str) -> None:
    """The device was revoked: its keys vouch only for the certificates imported from it
    (on a device, none until the coordinator's list arrives)."""
    for (public,) in conn.execute(
        "SELECT public_key FROM trusted_keys WHERE issuer_device = ? AND status != 'revoked'",
        (device_id,),
    ).fetchall():
        raw = bytes.fromhex(public)
        retire_trusted(conn, raw, "revoked", imported_certificates(conn, raw, device_id))
