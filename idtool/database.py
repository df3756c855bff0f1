"""The encrypted store: SQLCipher 4 connections opened with a raw 256-bit key.

The key is applied as raw hex in the first statement of every connection. The program never
creates or opens an unencrypted database: a plain SQLite file is refused, and a file that does
not decrypt with the key is reported as not one of our databases.

Threads: a connection is used only by the thread that opened it (`check_same_thread`: another
thread's use raises at once); background work opens its own (`Session.worker`). In WAL mode
readers never wait; a writer that finds another connection writing waits up to
`BUSY_WAIT_MS`, then `transaction` raises DatabaseBusy (a translated line, nothing written).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # sqlcipher3 has no type information. It is the standard sqlite3 module built against
    # SQLCipher, with the same interface: the type checker reads sqlite3's.
    import sqlite3 as sqlcipher3
    from sqlite3 import dbapi2
else:
    import sqlcipher3
    from sqlcipher3 import dbapi2

from idtool.errors import CorruptDatabase, DatabaseBusy, NoDatabase, StorageError
from idtool.i18n import _

KEY_BYTES = 32
# "IDT1": marks the file as an idtool database once it decrypts.
APPLICATION_ID = 0x49445431
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
# How long a write waits for another connection's write transaction to end. Writes are short
# (no transaction is open while a PDF, report or bundle is rendered), so this is ample.
BUSY_WAIT_MS = 2000
REKEY_ATTEMPTS = 3

DatabaseError = dbapi2.DatabaseError


class Connection(dbapi2.Connection):
    """A SQLCipher connection; `after_commit`, when set, runs after each transaction that
    `transaction` commits (the audit anchor is written there, see audit_anchor.py). It must
    not raise: the change is already saved."""

    after_commit: Callable[[Connection], None] | None = None


_log_silenced = threading.Lock()
_silenced = False


def _silence_sqlcipher_log() -> None:
    """SQLCipher prints decryption failures to stderr; its log level is process-wide."""
    global _silenced
    with _log_silenced:
        if _silenced:
            return
        probe = sqlcipher3.connect(":memory:")
        try:
            probe.execute("PRAGMA cipher_log_level = NONE")
        finally:
            probe.close()
        _silenced = True


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _looks_unencrypted(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(PLAIN_SQLITE_HEADER)) == PLAIN_SQLITE_HEADER
    except OSError:
        return False


def connect(path: Path, key: bytes, *, create: bool = False) -> Connection:
    """Open (or with `create`, make) the encrypted database at `path` with the raw `key`."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise NoDatabase(_("No database was found in this data folder."))
    if exists and _looks_unencrypted(path):
        raise CorruptDatabase(
            _("This file is an unencrypted database; the program refuses to open it.")
        )
    _silence_sqlcipher_log()
    try:
        conn = sqlcipher3.connect(
            str(path), isolation_level=None, check_same_thread=True, factory=Connection
        )
    except dbapi2.Error as exc:
        raise StorageError(_("The database file could not be opened.")) from exc
    try:
        conn.execute(_key_pragma(key))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_WAIT_MS}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if exists:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise CorruptDatabase(_("This file is not an idtool database."))
        else:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise CorruptDatabase(_("The database could not be switched to safe write mode."))
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        # Sorts and temporary tables stay in memory: never a temporary file on disk.
        conn.execute("PRAGMA temp_store = MEMORY")
    except dbapi2.DatabaseError as exc:
        conn.close()
        raise CorruptDatabase(
            _("The database cannot be read: it is damaged or does not belong to these keys.")
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(conn: Connection, *, immediate: bool = True) -> Iterator[Connection]:
    """One atomic unit of work: BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    Keep it short: gather and render before it, write inside it. If another connection is
    writing, BEGIN IMMEDIATE waits up to BUSY_WAIT_MS, then DatabaseBusy is raised."""
    try:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except dbapi2.OperationalError as exc:
        if _busy(exc):
            raise _busy_error() from exc
        raise
    try:
        yield conn
    except BaseException as exc:
        _rollback(conn)
        if _disk_full(exc):
            raise _full() from exc
        if _busy(exc):
            raise _busy_error() from exc
        raise
    try:
        conn.execute("COMMIT")
    except dbapi2.OperationalError as exc:
        _rollback(conn)
        if _disk_full(exc):
            raise _full() from exc
        if _busy(exc):
            raise _busy_error() from exc
        raise StorageError(_("The change could not be saved: the disk refused the write.")) from exc
    if conn.after_commit is not None:
        conn.after_commit(conn)


def _disk_full(exc: BaseException) -> bool:
    return isinstance(exc, dbapi2.OperationalError) and "full" in str(exc).lower()


def _busy(exc: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock."""
    return isinstance(exc, dbapi2.OperationalError) and "locked" in str(exc).lower()


def _busy_error() -> DatabaseBusy:
    return DatabaseBusy(_("Another task is saving; try again in a moment."))


def _full() -> StorageError:
    return StorageError(
        _(
            "The change could not be saved: the disk is full. Free some space; "
            "what was saved before is kept."
        )
    )


def _rollback(conn: Connection) -> None:
    """ROLLBACK if a transaction is still open (SQLite ends it by itself on some errors, such
    as a full disk, and a second ROLLBACK would raise)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def rekey(conn: Connection, new_key: bytes) -> None:
    """Re-encrypt every page of the database with `new_key`. Another connection's write is
    waited for (DatabaseBusy if it goes on); other connections must reopen with the new key
    (`Session.conn` does so)."""
    for attempt in range(REKEY_ATTEMPTS):
        _wait_for_writers(conn)
        try:
            # WAL content must be folded into the main file before re-encrypting it.
            if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                continue  # a writer came in between: wait for it again
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        except dbapi2.OperationalError as exc:
            if _disk_full(exc):
                raise _full() from exc
            if attempt + 1 == REKEY_ATTEMPTS:
                raise
            continue  # SQLCipher refuses a re-key while another connection writes
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    raise _busy_error()


def _wait_for_writers(conn: Connection) -> None:
    """Wait (up to BUSY_WAIT_MS) until no other connection is writing."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except dbapi2.OperationalError as exc:
        if _busy(exc):
            raise _busy_error() from exc
        raise
    conn.execute("ROLLBACK")


def integrity_problems(conn: Connection) -> list[str]:
    """Results of integrity_check and cipher_integrity_check that are not 'ok'."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
    return problems
