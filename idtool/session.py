"""An unlocked database with the officer who unlocked it: the gate every action passes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from idtool import audit, database, policy
from idtool.database import Connection
from idtool.errors import NotPermitted
from idtool.i18n import _

if TYPE_CHECKING:
    import pyrage

    from idtool.audit import Finding
    from idtool.kdf import KdfParams
    from idtool.keyslots import SlotsFile
    from idtool.questionnaire.registry import InstalledSource
    from idtool.throttle import Throttle


class DataFolder(Protocol):
    """What a session needs of its data folder (`vault.Vault`): where the files are, the key
    slots, the unlock counter. A protocol, so this module does not depend on the vault that
    makes sessions."""

    folder: Path
    throttle: Throttle

    @property
    def db_path(self) -> Path: ...

    @property
    def slots_path(self) -> Path: ...

    @property
    def pending_slots_path(self) -> Path: ...

    def load_slots(self) -> SlotsFile: ...

    def kdf_params(self) -> KdfParams: ...

    def confirm_officer(self, conn: Connection, officer_name: str, passphrase: str) -> Officer: ...


@dataclass(frozen=True)
class Officer:
    uuid: str
    name: str
    role: str
    active: bool = True


class _Shared:
    """What a session shares with its worker sessions: the keys (a re-key done by one is seen by
    all, so a worker opened later uses the current key), the questionnaire versions installed in
    the database, and whether the program was locked."""

    def __init__(
        self, db_key: bytes, slot_id: str | None, slot_identity: pyrage.x25519.Identity | None
    ) -> None:
        self.db_key = db_key
        self.slot_id = slot_id
        self.slot_identity = slot_identity
        self.installed_forms: InstalledSource | None = None
        self.closed = False


class Session:
    """The officer's unlocked database. Its connection belongs to the thread that opened it:
    background work asks for `worker()`, a session of its own on its own thread."""

    def __init__(
        self,
        vault: DataFolder,
        conn: Connection,
        officer: Officer,
        device_id: str,
        db_key: bytes,
        slot_id: str | None = None,
        slot_identity: pyrage.x25519.Identity | None = None,
    ) -> None:
        self.vault = vault
        # The database key is kept only in memory while unlocked, to seal it into new officers'
        # slots; the key slot this officer opened and its identity open the certificate-issuing
        # key for officers who may issue (certificate.issuing). Dropped on close.
        self._shared = _Shared(db_key, slot_id, slot_identity)
        self._conn: Connection | None = conn
        self._conn_key = db_key  # the key `_conn` was opened with
        self._after_commit: Callable[[Connection], None] | None = None  # kept while detached
        self._is_worker = False
        self.officer = officer
        self.device_id = device_id
        # Problems with the audit log found when this session was opened (audit_anchor.py).
        self.audit_findings: tuple[Finding, ...] = ()

    # -- keys, shared with worker sessions ---------------------------------------------------
    @property
    def db_key(self) -> bytes:
        return self._shared.db_key

    @db_key.setter
    def db_key(self, key: bytes) -> None:
        """Set after this session's connection was re-keyed (`database.rekey`); the other
        sessions of this unlock reopen theirs with the new key when they next use it."""
        self._shared.db_key = key
        self._conn_key = key

    @property
    def slot_id(self) -> str | None:
        return self._shared.slot_id

    @slot_id.setter
    def slot_id(self, value: str | None) -> None:
        self._shared.slot_id = value

    @property
    def slot_identity(self) -> pyrage.x25519.Identity | None:
        return self._shared.slot_identity

    @slot_identity.setter
    def slot_identity(self, value: pyrage.x25519.Identity | None) -> None:
        self._shared.slot_identity = value

    @property
    def installed_forms(self) -> InstalledSource | None:
        """Questionnaire versions installed by update bundles (`sync.questionnaires.activate`), for
        `questionnaire.registry`'s `installed=`."""
        return self._shared.installed_forms

    @installed_forms.setter
    def installed_forms(self, source: InstalledSource | None) -> None:
        self._shared.installed_forms = source

    @property
    def closed(self) -> bool:
        """True once the session (or, for a worker, the session it came from) was closed."""
        return self._shared.closed

    # -- the connection, one per thread ------------------------------------------------------
    @property
    def conn(self) -> Connection:
        conn = self._conn
        if conn is None:
            raise RuntimeError("the session's connection was handed to another thread")
        if self._conn_key is not self._shared.db_key and not self._shared.closed:
            conn = self._reopen(conn)  # another session of this unlock re-keyed the database
        return conn

    def _reopen(self, old: Connection) -> Connection:
        key = self._shared.db_key
        conn = database.connect(self.vault.db_path, key)
        conn.after_commit = old.after_commit
        self._conn, self._conn_key = conn, key
        with contextlib.suppress(database.DatabaseError):
            old.close()
        return conn

    def worker(self) -> Session:
        """A session for background work, on the calling thread: the same officer, device and
        keys, with a connection of its own opened now (with the current key). Close it, or use
        it in `with`, when the work ends; that closes only its connection."""
        shared = self._shared
        key = shared.db_key
        if shared.closed or not key:
            raise NotPermitted(_("The program was locked; the work was stopped."))
        conn = database.connect(self.vault.db_path, key)
        conn.after_commit = self._conn.after_commit if self._conn is not None else None
        worker = Session(self.vault, conn, self.officer, self.device_id, key)
        worker._shared = shared
        worker._is_worker = True
        worker.audit_findings = self.audit_findings
        return worker

    def detach(self) -> None:
        """Close the connection on the thread that opened it, keeping the keys, so another
        thread can `attach` (an unlock done off the GUI thread hands its session over so)."""
        conn = self.conn
        self._after_commit = conn.after_commit
        self._conn = None
        conn.close()

    def attach(self) -> None:
        """Open this session's connection on the calling thread (after `detach`)."""
        if self._conn is not None:
            raise RuntimeError("the session already has a connection")
        key = self._shared.db_key
        conn = database.connect(self.vault.db_path, key)
        conn.after_commit = self._after_commit
        self._conn, self._conn_key, self._after_commit = conn, key, None

    def can(self, action: policy.Action) -> bool:
        return policy.is_allowed(self.conn, self.officer.role, action)

    def require(self, action: policy.Action) -> None:
        """Raise NotPermitted unless the policy lets this officer's role do `action`."""
        if not self.can(action):
            raise NotPermitted(
                _("Your role ({role}) may not do this: {action}.").format(
                    role=policy.role_label(self.officer.role),
                    action=policy.action_label(action),
                )
            )

    def audit(
        self, action: str, target: str | None = None, details: dict[str, object] | None = None
    ) -> audit.AuditEntry:
        """Record an audit entry; call inside the transaction making the change."""
        return audit.append(
            self.conn,
            device_id=self.device_id,
            officer=self.officer.uuid,
            action=action,
            target=target,
            details=details,
        )

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the connection. Closing the session an unlock made also forgets the keys and
        marks its worker sessions as locked (their work's results are dropped)."""
        if self._conn is not None:
            self._conn.close()
        if not self._is_worker:
            self._shared.closed = True
            self._shared.db_key = b""
            self._shared.slot_identity = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
