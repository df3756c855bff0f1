"""A data folder: the encrypted database plus its key-slots file. Create, unlock, recover.

Layout of the folder (nothing here holds personal data in plaintext):
    idtool.db (+ -wal, -shm)   SQLCipher database
    keyslots.json              wrapped database keys (see keyslots.py)
    keyslots.next.json         only during a re-key: the slots for the new key
    unlock-attempts.json       unlock-attempt counter (see throttle.py)
    unlock-attempts.lock       the file lock taken while that counter is updated
    audit-anchor.json          the audit log's last head, MACed (see audit_anchor.py)
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from idtool import credentials, device_info, kdf
from idtool.atomic import fsync_dir
from idtool.errors import (
    AuthenticationFailed,
    CorruptDatabase,
    InvalidInput,
    NoDatabase,
)
from idtool.i18n import _
from idtool.throttle import Throttle

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

    from idtool import database
    from idtool.keyslots import SlotsFile
    from idtool.session import Officer, Session

    KeyFor = Callable[[SlotsFile], tuple[bytes, str, Identity]]

# The crypto and database modules are imported inside the functions that use them, so that
# showing the unlock window does not wait for them (start-up benchmark).

DB_FILE = "idtool.db"
SLOTS_FILE = "keyslots.json"
PENDING_SLOTS_FILE = "keyslots.next.json"


class Vault:
    def __init__(
        self,
        folder: Path,
        *,
        clock: Callable[[], float] = time.time,
        kdf_params: kdf.KdfParams | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.clock = clock
        self._kdf_params = kdf_params
        self.throttle = Throttle(self.folder, clock)

    @property
    def db_path(self) -> Path:
        return self.folder / DB_FILE

    @property
    def slots_path(self) -> Path:
        return self.folder / SLOTS_FILE

    @property
    def pending_slots_path(self) -> Path:
        return self.folder / PENDING_SLOTS_FILE

    def exists(self) -> bool:
        return self.slots_path.exists()

    def kdf_params(self) -> kdf.KdfParams:
        if self._kdf_params is None:
            self._kdf_params = kdf.calibrate()
        return self._kdf_params

    def load_slots(self) -> SlotsFile:
        from idtool.keyslots import SlotsFile

        try:
            return SlotsFile.load(self.slots_path)
        except FileNotFoundError:
            raise NoDatabase(
                _("No database was found in this data folder. Set one up first.")
            ) from None

    # -- set-up ------------------------------------------------------------------------------
    def create(
        self, officer_name: str, role: str, passphrase: str, organisation: str = ""
    ) -> tuple[Session, str]:
        """Make the database, the device keys and the first officer; returns the recovery code.
        `organisation`: the NRM directory id of the organisation this computer works for (the
        issuing body of its certificates; a supervisor or the coordinator can set it later)."""
        from idtool import audit, database, directory, keyslots, policy, vault_keys
        from idtool.certificate import issuing
        from idtool.keyslots import SlotsFile
        from idtool.migrations import migrate
        from idtool.session import Officer, Session

        if self.exists():
            raise InvalidInput(_("This data folder already holds a database."))
        name = credentials.validate_name(officer_name)
        role_ = credentials.validate_role(role)
        credentials.validate_passphrase(passphrase, name)
        if organisation and directory.find_shipped(organisation) is None:
            raise InvalidInput(
                _("No organisation {org} in the NRM directory.").format(org=organisation[:100])
            )
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._remove_orphan_database()
        params = self.kdf_params()
        db_key = os.urandom(database.KEY_BYTES)
        slots = SlotsFile.new(params)
        officer_slot = slots.add_officer(name, passphrase, db_key, params)
        recovery_code = keyslots.new_recovery_code()
        slots.add_recovery_code(recovery_code, db_key, params)

        conn = database.connect(self.db_path, db_key, create=True)
        with contextlib.suppress(OSError):
            self.db_path.chmod(0o600)
        try:
            migrate(conn)
            device_id = str(uuid.uuid4())
            officer = Officer(str(uuid.uuid4()), name, role_.value, True)
            with database.transaction(conn):
                vault_keys.write_device(conn, slots.db_id, device_id)
                policy.write_defaults(conn, device_id)
                vault_keys.insert_officer(conn, officer, officer_slot.id, device_id)
                if organisation:
                    device_info.set_org(conn, device_id, organisation)
                audit.append(
                    conn, device_id=device_id, officer=officer.uuid, action="database.create"
                )
                audit.append(
                    conn,
                    device_id=device_id,
                    officer=officer.uuid,
                    action="officer.add",
                    target=officer.uuid,
                    details={"role": officer.role},
                )
                issuing.sync(
                    conn,
                    slots,
                    issuing.Holder(None, None),
                    lambda action, details: audit.append(
                        conn,
                        device_id=device_id,
                        officer=officer.uuid,
                        action=action,
                        details=details,
                    ),
                )
        except BaseException:
            conn.close()
            self._remove_orphan_database()
            raise
        # The slots file appears last: until it exists, the folder holds no database. The
        # unlock counter is there before it (a format-2 folder without one is locked out).
        self.throttle.start_fresh(slots.db_id, slots.tag_salt)
        slots.save(self.slots_path)
        session = Session(
            self, conn, officer, device_id, db_key, officer_slot.id, slots.fresh[officer_slot.id]
        )
        from idtool import audit_anchor

        audit_anchor.attach(session)
        return session, recovery_code

    def _remove_orphan_database(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (self.folder / (DB_FILE + suffix)).unlink()

    # -- unlock ------------------------------------------------------------------------------
    def unlock(self, officer_name: str, passphrase: str) -> Session:
        from idtool import database, vault_keys
        from idtool.session import Session

        slots = self.load_slots()
        self.throttle.begin_attempt()  # counted now; a success sets the count back to 0
        secret = passphrase.encode("utf-8")
        conn, slot_id, db_key, identity = self._open(
            slots, lambda sf: vault_keys.officer_key(sf, officer_name, secret)
        )
        officer = vault_keys.officer_for_slot(conn, slot_id)
        if officer is None:
            conn.close()
            raise AuthenticationFailed(_("The officer name or passphrase is not correct."))
        self.throttle.record_success()
        self._upgrade_slots(conn, db_key)
        session = Session(
            self, conn, officer, vault_keys.device_id_of(conn), db_key, slot_id, identity
        )
        from idtool import audit_anchor

        with database.transaction(conn):
            audit_anchor.check_at_unlock(session)  # before anything is appended
            session.audit("session.unlock")
        from idtool.certificate import issuing
        from idtool.sync import questionnaires

        issuing.sync_session(session)  # seals of the issuing key in step with officers

        questionnaires.activate(session)  # questionnaire versions installed by update bundles
        return session

    def _open(
        self,
        slots: SlotsFile,
        key_for: KeyFor,
    ) -> tuple[database.Connection, str, bytes, Identity]:
        """Open the database with the key a slot yields, finishing an interrupted re-key.
        Returns the connection, the slot's id, the database key and the slot's identity."""
        from idtool import database
        from idtool.migrations import migrate

        db_key, slot_id, identity = key_for(slots)
        try:
            conn = database.connect(self.db_path, db_key)
        except CorruptDatabase:
            pending = self._load_pending()
            if pending is None:
                raise
            db_key, slot_id, identity = key_for(pending)
            conn = database.connect(self.db_path, db_key)
            os.replace(self.pending_slots_path, self.slots_path)
            slots = pending
        else:
            with contextlib.suppress(FileNotFoundError):
                self.pending_slots_path.unlink()
        stored = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
        if stored is None or stored[0] != slots.db_id:
            conn.close()
            raise CorruptDatabase(_("The key file does not belong to this database."))
        migrate(conn)
        new_key = self._drop_unused_slots(conn, slots)
        return conn, slot_id, new_key or db_key, identity

    def _drop_unused_slots(self, conn: database.Connection, slots: SlotsFile) -> bytes | None:
        """Finish what a crash interrupted: an officer slot that no active officer uses (an
        officer removed, or an add never committed) must stop opening the database; so must a
        slot nobody made through the program (`unknown_slots`). It is dropped and the database
        re-keyed, the same crash-safe way as `remove_officer`. Returns the new database key, or
        None when every slot is in use."""
        from idtool import audit, database, vault_keys

        unused = vault_keys.unknown_slots(conn, slots)
        if not unused:
            return None
        for slot_id in unused:
            slots.remove(slot_id)
        new_key = os.urandom(database.KEY_BYTES)
        slots.reseal_all(new_key)
        with database.transaction(conn):
            audit.append(
                conn,
                device_id=vault_keys.device_id_of(conn),
                officer=None,
                action="database.rekey",
                details={"reason": "unused key slots removed", "slots": len(unused)},
            )
        slots.save(self.pending_slots_path)
        database.rekey(conn, new_key)
        os.replace(self.pending_slots_path, self.slots_path)
        fsync_dir(self.folder)
        return new_key

    def _upgrade_slots(self, conn: database.Connection, db_key: bytes) -> None:
        """A key file of format 1 (earlier versions) becomes format 2 once the database is
        open: the officers' names are needed for their new tags (keyslots.SlotsFile.upgrade)."""
        from idtool import vault_keys

        slots = self.load_slots()
        if slots.format >= 2:
            return
        try:
            names = {
                str(slot_id): str(name)
                for slot_id, name in conn.execute(
                    "SELECT slot_id, name FROM officers WHERE active = 1 AND slot_id IS NOT NULL"
                )
            }
            if slots.upgrade(names, db_key, vault_keys.first_params(slots)):
                slots.save(self.slots_path)
        except BaseException:
            conn.close()
            raise

    def _load_pending(self) -> SlotsFile | None:
        from idtool.keyslots import SlotsFile

        try:
            return SlotsFile.load(self.pending_slots_path)
        except (FileNotFoundError, CorruptDatabase):
            return None

    def confirm_officer(
        self, conn: database.Connection, officer_name: str, passphrase: str
    ) -> Officer:
        """A second officer confirms an action with their own passphrase (the four-eyes rule):
        the active officer whose key slot it opens. Throttled like an unlock."""
        from idtool import vault_keys

        slots = self.load_slots()
        self.throttle.begin_attempt()  # counted now; a success sets the count back to 0
        _key, slot_id, _identity = vault_keys.officer_key(
            slots, officer_name, passphrase.encode("utf-8")
        )
        officer = vault_keys.officer_for_slot(conn, slot_id)
        if officer is None:
            raise AuthenticationFailed(_("The officer name or passphrase is not correct."))
        self.throttle.record_success()
        return officer

    def reset_passphrase(self, recovery_code: str, officer_name: str, new_passphrase: str) -> None:
        """With the recovery code, give an officer who lost their passphrase a new one."""
        from idtool import audit, database, keyslots, vault_keys
        from idtool.certificate import issuing

        credentials.validate_passphrase(new_passphrase, officer_name)
        slots = self.load_slots()
        self.throttle.begin_attempt()
        try:
            conn, recovery_slot, db_key, recovery_identity = self._open(
                slots, lambda sf: vault_keys.recovery_key(sf, recovery_code)
            )
        except AuthenticationFailed:
            raise AuthenticationFailed(_("The recovery code is not correct.")) from None
        self.throttle.record_success()
        self._upgrade_slots(conn, db_key)
        try:
            slots = self.load_slots()
            row = conn.execute(
                "SELECT uuid, slot_id FROM officers WHERE name_key = ? AND active = 1",
                (keyslots.normalise_name(officer_name),),
            ).fetchone()
            if row is None:
                raise InvalidInput(_("No active officer has this name."))
            if row[1]:
                slots.remove(row[1])
            new_slot = slots.add_officer(officer_name, new_passphrase, db_key, self.kdf_params())
            with database.transaction(conn):
                conn.execute(
                    "UPDATE officers SET slot_id = ? WHERE uuid = ?", (new_slot.id, row[0])
                )
                audit.append(
                    conn,
                    device_id=vault_keys.device_id_of(conn),
                    officer=None,
                    action="officer.passphrase_reset",
                    target=row[0],
                    details={"by": "recovery_code"},
                )
                issuing.sync(
                    conn,
                    slots,
                    issuing.Holder(recovery_slot, recovery_identity),
                    lambda action, details: audit.append(
                        conn,
                        device_id=vault_keys.device_id_of(conn),
                        officer=None,
                        action=action,
                        details=details,
                    ),
                    grant=[new_slot.id],
                )
                slots.save(self.slots_path)
        finally:
            conn.close()
