"""Officer management: add, list, change passphrase, remove (which re-keys the database and
renews the recovery code)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from idtool import database, keyslots, names, policy, records, vault_keys
from idtool.atomic import fsync_dir
from idtool.certificate import issuing
from idtool.credentials import validate_name, validate_passphrase, validate_role
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import _
from idtool.session import Officer, Session


@dataclass(frozen=True)
class OfficerRow:
    uuid: str
    name: str
    role: str
    active: bool
    created_at: str


def list_officers(session: Session, include_removed: bool = False) -> list[OfficerRow]:
    session.require(policy.Action.MANAGE_OFFICERS)
    sql = "SELECT uuid, name, role, active, created_at FROM officers"
    if not include_removed:
        sql += " WHERE active = 1"
    rows = session.conn.execute(sql + " ORDER BY name_key").fetchall()
    return [OfficerRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]


def add_officer(session: Session, name: str, role: str, passphrase: str) -> Officer:
    session.require(policy.Action.MANAGE_OFFICERS)
    name = validate_name(name)
    role_ = validate_role(role)
    validate_passphrase(passphrase, name)
    conn = session.conn
    # A look-alike of a name here counts as the same name: documents show officers by name.
    here = {
        names.identity_key(other)
        for (other,) in conn.execute("SELECT name FROM officers WHERE name_key NOT LIKE 'remote:%'")
    }
    if (
        names.identity_key(name) in here
        or conn.execute(
            "SELECT 1 FROM officers WHERE name_key = ?", (keyslots.normalise_name(name),)
        ).fetchone()
    ):
        raise InvalidInput(_("An officer with this name already exists."))
    vault = session.vault
    slots = vault.load_slots()
    slot = slots.add_officer(name, passphrase, session.db_key, vault.kdf_params())
    officer = Officer(str(uuid.uuid4()), name, role_.value, True)
    with database.transaction(conn):
        vault_keys.insert_officer(conn, officer, slot.id, session.device_id)
        session.audit("officer.add", officer.uuid, {"role": officer.role})
        issuing.sync_in(session, slots, grant=[slot.id])  # one who may issue gets the key
        # The slot is saved inside the transaction: if saving fails, nothing is recorded.
        slots.save(vault.slots_path)
    return officer


def change_passphrase(session: Session, old: str, new: str) -> None:
    """Rewrap only this officer's slot."""
    validate_passphrase(new, session.officer.name)
    vault = session.vault
    slots = vault.load_slots()
    slot = slots.get(_slot_id(session, session.officer.uuid))
    params = vault.kdf_params()
    vault.throttle.begin_attempt()  # a guess at the old passphrase counts like an unlock
    slots.change_secret(
        slot, old.encode("utf-8"), new.encode("utf-8"), params, session.officer.name
    )
    vault.throttle.record_success()
    with database.transaction(session.conn):
        session.audit("officer.passphrase_change", session.officer.uuid)
        slots.save(vault.slots_path)


def remove_officer(session: Session, name: str) -> str:
    """Deactivate an officer, drop their slot, issue a new recovery code and re-key the
    database; returns the new recovery code (show it once to the officer who removed them).

    The removed officer may have known the recovery code and kept copies of the folder: the old
    code's slot goes, so it opens nothing from now on, and the issuing key is rotated
    (`issuing.sync`). Crash safety: see `_rekey`.
    """
    session.require(policy.Action.MANAGE_OFFICERS)
    conn = session.conn
    row = conn.execute(
        "SELECT uuid, role, slot_id FROM officers WHERE name_key = ? AND active = 1",
        (keyslots.normalise_name(name),),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("No active officer has this name."))
    officer_uuid, role, slot_id = row
    if officer_uuid == session.officer.uuid:
        raise NotPermitted(_("You cannot remove yourself; ask another supervisor."))
    if role == policy.Role.SUPERVISOR:
        others = conn.execute(
            "SELECT count(*) FROM officers WHERE role = 'supervisor' AND active = 1"
        ).fetchone()[0]
        if others <= 1:
            raise NotPermitted(_("The last supervisor cannot be removed."))

    def record() -> None:
        records.update(
            conn,
            "officers",
            {"active": 0, "slot_id": None},
            "uuid = ?",
            (officer_uuid,),
            session.device_id,
        )
        session.audit("officer.remove", officer_uuid)

    return _rekey(session, "officer removed", [slot_id] if slot_id else [], record)


def renew_recovery_code(session: Session) -> str:
    """A supervisor replaces the recovery code (the old one is lost, or known to someone who
    should not have it); the database is re-keyed. Returns the new code, shown only now."""
    session.require(policy.Action.MANAGE_OFFICERS)
    return _rekey(session, "recovery code renewed", [], lambda: None)


def _rekey(session: Session, reason: str, drop: list[str], record: Callable[[], None]) -> str:
    """Drop the slots `drop` and the recovery-code slot, add a new recovery code, re-key the
    database and record the change (`record` runs in the same transaction); returns the code.

    Crash safety: the slots for the new key are written to a side file first, then the database
    is re-keyed, then the side file replaces the slots file. Unlock finishes an interrupted
    re-key (see Vault._open), so no crash point leaves a database no slot can open. (A crash
    before the new code is shown leaves a code nobody saw: renew it again.)
    """
    conn = session.conn
    vault = session.vault
    slots = vault.load_slots()
    for slot in list(slots.slots):
        if slot.id in drop or slot.kind == keyslots.KIND_RECOVERY_CODE:
            slots.remove(slot.id)
    for slot_id in vault_keys.unknown_slots(
        conn, slots
    ):  # planted by someone who could open the file
        slots.remove(slot_id)
    new_key = os.urandom(database.KEY_BYTES)
    slots.reseal_all(new_key)
    code = keyslots.new_recovery_code()
    slots.add_recovery_code(code, new_key, vault.kdf_params())
    with database.transaction(conn):
        record()
        session.audit("database.rekey", None, {"reason": reason})
        session.audit("recovery.renew", None, {"reason": reason})
        issuing.sync_in(session, slots)  # seals of a removed officer or old code: rotated
    slots.save(vault.pending_slots_path)
    database.rekey(conn, new_key)
    session.db_key = new_key
    os.replace(vault.pending_slots_path, vault.slots_path)
    fsync_dir(vault.folder)
    return code


def _slot_id(session: Session, officer_uuid: str) -> str:
    row = session.conn.execute(
        "SELECT slot_id FROM officers WHERE uuid = ?", (officer_uuid,)
    ).fetchone()
    if row is None or not row[0]:
        raise InvalidInput(_("No active officer has this name."))
    return str(row[0])
