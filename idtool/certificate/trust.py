"""The trust list: issuer public keys a certificate may be signed with, and revocations.

Each key belongs to the device that issues with it and has a status (see `keyring`): an
active key vouches for every certificate it signs; a retired or revoked one only for those
listed. This device's own issuing keys are in the list like the others (`issuing`); keys of
other devices arrive through bundles. A key id is the first 8 bytes of SHA-256 over the raw
32-byte Ed25519 public key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from idtool import audit, database
from idtool.bundle.keys import is_sound_public
from idtool.certificate import keyring
from idtool.certificate.payload import key_id
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session

PUBLIC_KEY_BYTES = 32


@dataclass(frozen=True)
class TrustedKey:
    key_id: bytes
    public_key: bytes
    label: str
    added_at: str
    own: bool = False  # one of this device's issuing keys
    status: str = "active"  # active, retired or revoked
    vouches: frozenset[str] = field(default=frozenset())  # code digests, when not active

    def vouches_for(self, code: str) -> bool:
        return self.status == "active" or keyring.code_digest(code) in self.vouches


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    officer_name: str
    revoked_at: str


class TrustList:
    """What verification needs: trusted keys by key id, revocations by certificate number."""

    def __init__(
        self, keys: Iterable[TrustedKey] = (), revocations: Iterable[Revocation] = ()
    ) -> None:
        self._keys = {k.key_id: k for k in keys}
        self._revoked = {r.number: r for r in revocations}

    def key(self, kid: bytes) -> TrustedKey | None:
        return self._keys.get(kid)

    def revocation(self, number: str) -> Revocation | None:
        return self._revoked.get(number)

    def keys(self) -> list[TrustedKey]:
        return sorted(self._keys.values(), key=lambda k: k.added_at)

    @classmethod
    def load(cls, conn: Connection) -> TrustList:
        here = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        here_id = "" if here is None else str(here[0])
        lists: dict[str, set[str]] = {}
        for kid, digest in conn.execute("SELECT key_id, digest FROM trusted_key_certificates"):
            lists.setdefault(str(kid), set()).add(str(digest))
        keys = [
            TrustedKey(
                bytes.fromhex(r[0]),
                bytes.fromhex(r[1]),
                r[2],
                r[3],
                own=bool(here_id) and r[4] == here_id,
                status=str(r[5]),
                vouches=frozenset(lists.get(str(r[0]), ())),
            )
            for r in conn.execute(
                "SELECT key_id, public_key, label, added_at,"
                " issuer_device, status FROM trusted_keys"
            )
        ]
        revoked = [
            Revocation(r[0], r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT number, reason, officer_name, revoked_at FROM certificate_revocations"
            )
        ]
        return cls(keys, revoked)


def trust_list(session: Session) -> TrustList:
    """This database's trust list as it stands, to verify certificates with; it keeps no
    connection, so the check may run on another thread. Anyone may verify a certificate."""
    return TrustList.load(session.conn)


def _insert(conn: Connection, public: bytes, label: str, device_id: str) -> TrustedKey:
    key = TrustedKey(key_id(public), public, label, audit.now_iso())
    conn.execute(
        "INSERT INTO trusted_keys (uuid, key_id, public_key, label, added_at, device_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), key.key_id.hex(), public.hex(), label, key.added_at, device_id),
    )
    return key


def add_key(session: Session, public_key: bytes, label: str) -> TrustedKey:
    """Trust another issuer's raw Ed25519 public key (supervisors, by default); audited."""
    session.require(Action.TRUST_LIST)
    label = " ".join(label.split())

    if len(public_key) != PUBLIC_KEY_BYTES:
        raise InvalidInput(_("An issuer key must be 32 bytes (Ed25519)."))
    if not is_sound_public(public_key):
        raise InvalidInput(_("An issuer key must be a valid Ed25519 public key."))
    if not label:
        raise InvalidInput(_("Give the issuer key a label."))
    kid = key_id(public_key)
    existing = session.conn.execute(
        "SELECT 1 FROM trusted_keys WHERE key_id = ?", (kid.hex(),)
    ).fetchone()
    if existing is not None:
        raise InvalidInput(_("This issuer key is already trusted."))
    with database.transaction(session.conn):
        key = _insert(session.conn, public_key, label, session.device_id)
        session.audit("trust.add_key", kid.hex(), {"label": label})
    return key


def record_revocation(session: Session, number: str, reason: str) -> Revocation:
    """Store a revocation. Call inside the transaction that audits it."""
    rev = Revocation(number, reason, session.officer.name, audit.now_iso())
    session.conn.execute(
        "INSERT INTO certificate_revocations (uuid, number, reason, officer_uuid, officer_name,"
        " revoked_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            str(uuid.uuid4()),
            number,
            reason,
            session.officer.uuid,
            session.officer.name,
            rev.revoked_at,
            session.device_id,
        ),
    )
    return rev


def revocation(conn: Connection, number: str) -> Revocation | None:
    row = conn.execute(
        "SELECT number, reason, officer_name, revoked_at"
        " FROM certificate_revocations WHERE number = ?",
        (number,),
    ).fetchone()
    return None if row is None else Revocation(row[0], row[1], row[2], row[3])
