"""The coordinator changes its keys (after an officer is removed, or when a copy of its folder
may be in the wrong hands): a new bundle signing key and a new age identity.

A key-change statement names the coordinator, its old signing key and its new signing key and
age recipient; it is signed by the old key AND the new one (proof that the holder of the old
key hands over, and that the new key is really held). It travels in an update bundle signed
with the old key, which the devices trust. A device that applies it trusts only the new key from
then on: packages signed with the old key are refused (`devices.trusted` knows one key per
device), its case packages are encrypted to the new age recipient only, and its recovery slot
for the coordinator is sealed again to the new recipient (the old one is dropped).

The coordinator keeps its old keys (`sync_key_history`) only to read packages devices wrote
before they learned of the change, and to write the key-change package again for a device that
missed it (`write_key_change`).

What remains (docs/security.md): whoever kept a copy of the old keys can, until the key change
reaches a device, sign an update that device accepts, or even a key change of their own; a
device that took a rogue key change is enrolled again, with the fingerprint compared aloud.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from idtool import database, device_info
from idtool.audit import now_iso
from idtool.bundle import keys
from idtool.bundle.header import canonical_json
from idtool.errors import BundleError, InvalidInput
from idtool.i18n import _
from idtool.keyslots import KIND_AGE
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.apply import Applier
from idtool.sync.devices import DeviceRole
from idtool.sync.updates import export_update_all

FORMAT = "idtool-key-change"
VERSION = 1
_STATEMENT = {
    "format",
    "version",
    "device_id",
    "old_signing_key",
    "new_signing_key",
    "new_age_recipient",
}

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def rotate(session: Session) -> str:
    """Coordinator: make new keys and keep the old ones for reading; returns the new
    fingerprint. Write the key-change package next (`write_key_change`)."""
    session.require(Action.TRUST_LIST)
    if device_info.is_enrolled(session.conn):
        raise InvalidInput(
            _(
                "Only a coordinator changes its keys this way; this device is "
                "enrolled with a coordinator."
            )
        )
    conn = session.conn
    old_signing = devices.own_signing_key(conn)
    old_identity = str(devices.own_identity(conn))
    old_public = keys.public_bytes(keys.signing_key(old_signing).public_key()).hex()
    new_key = Ed25519PrivateKey.generate()
    new_signing = new_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
    new_identity = pyrage.x25519.Identity.generate()
    new_public = keys.public_bytes(new_key.public_key()).hex()
    statement = {
        "format": FORMAT,
        "version": VERSION,
        "device_id": session.device_id,
        "old_signing_key": old_public,
        "new_signing_key": new_public,
        "new_age_recipient": str(new_identity.to_public()),
    }
    signed = canonical_json(statement)
    change = {
        "statement": statement,
        "old_signature": keys.signing_key(old_signing).sign(signed).hex(),
        "new_signature": new_key.sign(signed).hex(),
    }
    with database.transaction(conn):
        conn.execute(
            "INSERT INTO sync_key_history (signing_key, age_identity, retired_at,"
            " change) VALUES (?, ?, ?, ?)",
            (old_signing, old_identity, now_iso(), json.dumps(change)),
        )
        conn.executemany(
            "UPDATE meta SET value = ? WHERE key = ?",
            [(new_signing, "device_signing_key"), (str(new_identity), "device_age_identity")],
        )
        fingerprint = devices.fingerprint(new_public, str(new_identity.to_public()))
        session.audit(
            "sync.keys_rotate",
            session.device_id,
            {
                "old": devices.fingerprint(
                    old_public, str(keys.identity(old_identity).to_public())
                ),
                "new": fingerprint,
            },
        )
    return fingerprint


def old_identities(conn: Any) -> list[pyrage.x25519.Identity]:
    """The coordinator's earlier age identities, newest first (to read older packages)."""
    return [
        keys.identity(str(r[0]))
        for r in conn.execute("SELECT age_identity FROM sync_key_history ORDER BY rowid DESC")
    ]


def latest_change(conn: Any) -> tuple[str, dict[str, Any]] | None:
    """(old signing key, key-change record) of the newest key change, or None."""
    row = conn.execute(
        "SELECT signing_key, change FROM sync_key_history ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (str(row[0]), json.loads(row[1]))


def has_changed_keys(session: Session) -> bool:
    """Coordinator: whether it changed its keys, so there is a key-change package to write
    again."""
    session.require(Action.TRUST_LIST)
    return latest_change(session.conn) is not None


def write_key_change(
    session: Session,
    out: str | Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Coordinator: the update package carrying the newest key change, signed with the old key,
    for every trusted device (again, whenever a device missed it)."""
    session.require(Action.TRUST_LIST)
    found = latest_change(session.conn)
    if found is None:
        raise InvalidInput(_("This coordinator has not changed its keys."))
    old_signing, change = found
    return export_update_all(
        session,
        out,
        progress,
        cancelled,
        extra=[{"table": "key_change", "row": change}],
        signing=old_signing,
    )


def _checked(row: object, sender: str) -> tuple[dict[str, Any], bytes] | None:
    """The statement and its canonical bytes, if `row` is a well-formed key change by `sender`
    carrying valid signatures by both keys; else None."""
    if not isinstance(row, dict) or set(row) != {"statement", "old_signature", "new_signature"}:
        return None
    statement = row["statement"]
    if (
        not isinstance(statement, dict)
        or set(statement) != _STATEMENT
        or not all(isinstance(v, str) for k, v in statement.items() if k != "version")
    ):
        return None
    if (statement["format"], statement["version"], statement["device_id"]) != (
        FORMAT,
        VERSION,
        sender,
    ):
        return None
    try:
        signed = canonical_json(statement)
        keys.recipient(statement["new_age_recipient"])
        for public, signature in (
            (statement["old_signing_key"], row["old_signature"]),
            (statement["new_signing_key"], row["new_signature"]),
        ):
            keys.public_key(public).verify(bytes.fromhex(str(signature)), signed)
    except (InvalidSignature, ValueError, TypeError, BundleError):
        return None
    return statement, signed


def apply_key_change(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update bundle's import (before the rest of the snapshot)."""
    conn = session.conn
    checked = _checked(row, applier.sender)
    coordinator = devices.get(conn, applier.sender)
    if checked is None or coordinator is None or coordinator.role is not DeviceRole.SUPERVISOR:
        applier.quarantine("key_change", row, "wrong_type")
        return
    statement, _signed = checked
    if coordinator.signing_key == statement["new_signing_key"]:
        applier.report.add("key_change", "unchanged")
        return
    if coordinator.signing_key != statement["old_signing_key"]:
        applier.quarantine("key_change", row, "key_changed")
        return
    old_recipient = coordinator.age_recipient
    conn.execute(
        "UPDATE sync_devices SET signing_key = ?, age_recipient = ? WHERE device_id = ?",
        (statement["new_signing_key"], statement["new_age_recipient"], applier.sender),
    )
    vault = session.vault
    slots = vault.load_slots()
    for slot in list(slots.slots):
        if slot.kind == KIND_AGE and slot.recipient == old_recipient:
            slots.remove(slot.id)
    slots.add_age_recipient(statement["new_age_recipient"], session.db_key)
    slots.save(vault.slots_path)
    session.audit(
        "sync.supervisor_keys_changed",
        applier.sender,
        {
            "fingerprint": devices.fingerprint(
                statement["new_signing_key"], statement["new_age_recipient"]
            ),
            "bundle": applier.bundle_id,
        },
    )
    applier.report.add("key_change", "imported")
