"""The key slots and rows behind a data folder: opening the database key with an officer's
passphrase or the recovery code, the slots that must not open the database, and the device and
officer rows a new database starts with.

`vault` imports this module only when a database is created or opened, so showing the unlock
window does not wait for the crypto libraries (start-up benchmark).
"""

from __future__ import annotations

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyrage.x25519 import Identity

from idtool import audit, database, kdf, keyslots
from idtool.errors import AuthenticationFailed
from idtool.i18n import _
from idtool.keyslots import SlotsFile
from idtool.session import Officer


def unknown_slots(conn: database.Connection, slots: SlotsFile) -> list[str]:
    """Slots that must not open the database: an officer slot no active officer uses, and a
    recovery slot for an age key that is not a trusted coordinator's (one planted by someone
    who could open the database). The recovery-code slot is always kept."""
    used = {
        row[0]
        for row in conn.execute(
            "SELECT slot_id FROM officers WHERE active = 1 AND slot_id IS NOT NULL"
        )
    }
    coordinators = {
        row[0]
        for row in conn.execute(
            "SELECT age_recipient FROM sync_devices WHERE role = 'supervisor' AND"
            " status = 'trusted'"
        )
    }
    return [
        s.id
        for s in slots.slots
        if (s.kind == keyslots.KIND_OFFICER and s.id not in used)
        or (s.kind == keyslots.KIND_AGE and s.recipient not in coordinators)
        or s.kind not in (keyslots.KIND_OFFICER, keyslots.KIND_AGE, keyslots.KIND_RECOVERY_CODE)
    ]


def officer_key(slots: SlotsFile, name: str, secret: bytes) -> tuple[bytes, str, Identity]:
    slot = slots.find_officer(name)
    if slot is None:
        keyslots.dummy_derivation(first_params(slots))
        raise AuthenticationFailed(_("The officer name or passphrase is not correct."))
    identity = slots.unwrap_identity(slot, secret, name)
    return slots.open_with_identity(slot, identity), slot.id, identity


def recovery_secret(code: str) -> bytes:
    return keyslots.normalise_recovery_code(code).encode()


def recovery_slot(slots: SlotsFile) -> keyslots.Slot:
    for slot in slots.slots:
        if slot.kind == keyslots.KIND_RECOVERY_CODE:
            return slot
    raise AuthenticationFailed(_("This database has no recovery code."))


def recovery_key(slots: SlotsFile, code: str) -> tuple[bytes, str, Identity]:
    slot = recovery_slot(slots)
    identity = slots.unwrap_identity(slot, recovery_secret(code))
    return slots.open_with_identity(slot, identity), slot.id, identity


def first_params(slots: SlotsFile) -> kdf.KdfParams:
    for slot in slots.slots:
        if slot.kdf:
            return kdf.KdfParams.from_dict(slot.kdf)
    return kdf.FAST_PARAMS


def write_device(conn: database.Connection, db_id: str, device_id: str) -> None:
    signing = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    identity = pyrage.x25519.Identity.generate()
    rows = {
        "db_id": db_id,
        "device_id": device_id,
        "device_signing_key": signing.hex(),
        "device_age_identity": str(identity),
        "created_at": audit.now_iso(),
    }
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", rows.items())


def device_id_of(conn: database.Connection) -> str:
    return str(conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0])


def insert_officer(
    conn: database.Connection, officer: Officer, slot_id: str, device_id: str
) -> None:
    conn.execute(
        "INSERT INTO officers (uuid, name, name_key, role, slot_id, active, created_at, device_id)"
        " VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        (
            officer.uuid,
            officer.name,
            keyslots.normalise_name(officer.name),
            officer.role,
            slot_id,
            audit.now_iso(),
            device_id,
        ),
    )


def officer_for_slot(conn: database.Connection, slot_id: str) -> Officer | None:
    row = conn.execute(
        "SELECT uuid, name, role, active FROM officers WHERE slot_id = ? AND active = 1",
        (slot_id,),
    ).fetchone()
    return Officer(row[0], row[1], row[2], bool(row[3])) if row else None
