"""This device's certificate-issuing key (design.md section 3, "Keys by purpose").

The issuing key is an Ed25519 key of its own, apart from the device's bundle key. Its private
part is stored only sealed (age) to the key slot of each active officer whose role may issue,
and to the recovery-code slot (the recovery code can already set any officer's passphrase, so
it adds no power). An officer opens it with the slot identity their passphrase unwrapped; the
database key, which every officer has, does not open it.

`sync` keeps the seals in step with officers and policy, inside the caller's transaction:

- no active key yet (a new database, or one made before issuing keys) -> a new key;
- a seal for a slot that may no longer issue (officer removed, role or policy changed) -> the
  key is rotated: whoever held that seal may have kept the key. The old key is retired and
  vouches only for the certificates this device issued with it (`keyring`);
- a slot that may issue has no seal -> sealed when the operation that gave the right names it
  (adding the officer, a supervisor's or the coordinator's policy change), by an officer who
  holds the key; when the officer at hand does not, the key is rotated so the new officer can
  issue at once. Never as a side effect of an unlock: a role or policy row edited in the
  database behind the program's back gives nobody the key.

Every creation and rotation is audited and travels to the coordinator in the next case bundle
(`announcements`), which spreads it to every device with its next update.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from idtool import database, policy
from idtool.audit import now_iso
from idtool.certificate import keyring
from idtool.certificate.payload import key_id
from idtool.database import Connection
from idtool.errors import NotPermitted
from idtool.i18n import _
from idtool.keyslots import KIND_RECOVERY_CODE

if TYPE_CHECKING:
    from idtool.keyslots import SlotsFile
    from idtool.session import Session

Audit = Callable[[str, dict[str, object]], object]
Grant = Iterable[str] | Literal["all"]


@dataclass(frozen=True)
class Holder:
    """Who is at hand: the slot they opened and its identity (None: no officer slot)."""

    slot_id: str | None
    identity: pyrage.x25519.Identity | None


def active(conn: Connection) -> tuple[str, bytes] | None:
    """(key id hex, raw public key) of the active issuing key, or None."""
    row = conn.execute(
        "SELECT key_id, public_key FROM issuing_keys WHERE status = 'active'"
    ).fetchone()
    return None if row is None else (str(row[0]), bytes.fromhex(row[1]))


def wanted_slots(conn: Connection, slots: SlotsFile) -> set[str]:
    """The key slots that must be able to open the issuing key."""
    present = {s.id for s in slots.slots}
    wanted = {s.id for s in slots.slots if s.kind == KIND_RECOVERY_CODE}
    for role, slot_id in conn.execute(
        "SELECT role, slot_id FROM officers WHERE active = 1 AND slot_id IS NOT NULL"
    ):
        if slot_id in present and policy.is_allowed(conn, role, policy.Action.ISSUE_CERTIFICATE):
            wanted.add(str(slot_id))
    return wanted


def _seal(private_raw: bytes, kid: str, slot_id: str, recipient: str) -> str:
    inner = json.dumps({"key_id": kid, "slot_id": slot_id, "private": private_raw.hex()})
    sealed = pyrage.encrypt(inner.encode(), [pyrage.x25519.Recipient.from_str(recipient)])
    return base64.b64encode(sealed).decode("ascii")


def _unseal(sealed: str, identity: pyrage.x25519.Identity, kid: str, slot_id: str) -> bytes:
    try:
        inner = json.loads(pyrage.decrypt(base64.b64decode(sealed), [identity]))
        private = bytes.fromhex(inner["private"])
        if inner["key_id"] != kid or inner["slot_id"] != slot_id or len(private) != 32:
            raise ValueError("moved")
    except (pyrage.DecryptError, ValueError, KeyError, TypeError) as exc:
        raise NotPermitted(
            _("The certificate-issuing key does not open with your key slot."),
        ) from exc
    return private


def _private(private_raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(private_raw)


def _held(conn: Connection, kid: str, holder: Holder) -> bytes | None:
    if holder.slot_id is None or holder.identity is None:
        return None
    row = conn.execute(
        "SELECT sealed FROM issuing_key_wraps WHERE key_id = ? AND slot_id = ?",
        (kid, holder.slot_id),
    ).fetchone()
    if row is None:
        return None
    try:
        return _unseal(str(row[0]), holder.identity, kid, holder.slot_id)
    except NotPermitted:
        return None


def _seal_for(
    conn: Connection, slots: SlotsFile, kid: str, private_raw: bytes, slot_ids: set[str]
) -> None:
    by_id = {s.id: s for s in slots.slots}
    conn.executemany(
        "INSERT OR REPLACE INTO issuing_key_wraps (key_id, slot_id, sealed) VALUES (?, ?, ?)",
        [
            (kid, sid, _seal(private_raw, kid, sid, by_id[sid].recipient))
            for sid in sorted(slot_ids)
        ],
    )


def _new_key(conn: Connection, slots: SlotsFile, wanted: set[str]) -> str:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = key_id(public).hex()
    conn.execute(
        "INSERT INTO issuing_keys (key_id, public_key, status, created_at) VALUES"
        " (?, ?, 'active', ?)",
        (kid, public.hex(), now_iso()),
    )
    here = str(conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0])
    keyring.learn(conn, public, f"device {here[:8]}", here, "active")
    _seal_for(conn, slots, kid, raw, wanted)
    return kid


def _retire(conn: Connection, kid: str, public: bytes) -> None:
    conn.execute(
        "UPDATE issuing_keys SET status = 'retired', retired_at = ? WHERE key_id = ?",
        (now_iso(), kid),
    )
    conn.execute("DELETE FROM issuing_key_wraps WHERE key_id = ?", (kid,))
    keyring.retire_trusted(conn, public, "retired", keyring.local_certificates(conn, public))


def _officers(conn: Connection, slot_ids: set[str]) -> list[str]:
    """The officers (uuids) whose key slots these are, for the audit log."""
    return sorted(
        str(r[0])
        for r in conn.execute(
            "SELECT uuid FROM officers WHERE slot_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(slot_ids)),),
        )
    )


def sync(
    conn: Connection, slots: SlotsFile, holder: Holder, audit: Audit, grant: Grant = ()
) -> None:
    """Bring the seals in step with officers and policy (see the module notes).

    Taking a right away is always applied (the key is rotated). Giving one is applied only for
    the slots in `grant`, which the operation that gives it names ("all": a supervisor's or the
    coordinator's policy change): never as a side effect of an unlock, so a role or policy row
    changed in the database behind the program's back gives nobody the key. The recovery-code
    slot is always sealed."""
    wanted = wanted_slots(conn, slots)
    recovery = {s.id for s in slots.slots if s.kind == KIND_RECOVERY_CODE}
    current = active(conn)
    if current is None:
        kid = _new_key(conn, slots, wanted)
        audit("certificate.key_create", {"key": kid, "sealed_for": _officers(conn, wanted)})
        return
    kid, public = current
    sealed = {
        str(r[0])
        for r in conn.execute("SELECT slot_id FROM issuing_key_wraps WHERE key_id = ?", (kid,))
    }
    may_add = wanted if grant == "all" else (wanted & set(grant)) | (wanted & recovery)
    keep = (sealed & wanted) | may_add
    missing = may_add - sealed
    private = _held(conn, kid, holder) if missing else None
    if sealed - wanted or (missing and private is None):
        reason = "no_longer_allowed" if sealed - wanted else "no_holder"
        _retire(conn, kid, public)
        new = _new_key(conn, slots, keep)
        audit(
            "certificate.key_rotate",
            {"old": kid, "new": new, "reason": reason, "sealed_for": _officers(conn, keep)},
        )
    elif missing and private is not None:
        _seal_for(conn, slots, kid, private, missing)
        audit("certificate.key_share", {"key": kid, "sealed_for": _officers(conn, missing)})


def sync_in(session: Session, slots: SlotsFile | None = None, grant: Grant = ()) -> None:
    """`sync` for an unlocked session, inside the caller's transaction (`slots`: the key
    slots as they will be saved, when the caller is changing them; `grant`: see `sync`)."""
    sync(
        session.conn,
        slots or session.vault.load_slots(),
        Holder(session.slot_id, session.slot_identity),
        lambda action, details: session.audit(action, None, details),
        grant,
    )


def sync_session(session: Session) -> None:
    """`sync` for an unlocked session, in its own transaction."""
    with database.transaction(session.conn):
        sync_in(session)


def private_key(session: Session) -> tuple[bytes, Ed25519PrivateKey]:
    """(key id, private key) for signing a certificate: only for an officer who may issue and
    whose slot holds a seal of the active key."""
    session.require(policy.Action.ISSUE_CERTIFICATE)
    current = active(session.conn)
    private = (
        None
        if current is None
        else _held(session.conn, current[0], Holder(session.slot_id, session.slot_identity))
    )
    if current is None or private is None:
        raise NotPermitted(
            _(
                "The certificate-issuing key is not open to you on this device. "
                "Lock the program and unlock it again; if this stays, ask a "
                "supervisor."
            )
        )
    return bytes.fromhex(current[0]), _private(private)


def announcements(conn: Connection) -> list[dict[str, object]]:
    """This device's issuing keys for its case bundle: the coordinator learns them and their
    status, and a retired key's list of the certificates it still vouches for."""
    here = str(conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0])
    out: list[dict[str, object]] = []
    for kid, public, status in conn.execute(
        "SELECT key_id, public_key, status FROM trusted_keys WHERE issuer_device = ?"
        " ORDER BY added_at, key_id",
        (here,),
    ):
        out.append(
            {
                "table": "issuing_keys",
                "row": {
                    "public_key": str(public),
                    "status": str(status),
                    "certificates": keyring.vouched(conn, str(kid)) if status != "active" else [],
                },
            }
        )
    return out
