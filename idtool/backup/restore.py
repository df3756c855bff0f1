"""Restoring a backup into a data folder that holds no database.

Order: the header's shape; the passphrase (or recovery code) must open a key slot of the
key-slots file the header carries (Argon2id, so guessing costs as at unlock); then the payload
is decrypted as a stream into a hidden file in the target folder (the database snapshot, which
stays SQLCipher-encrypted) while its sizes and digests are checked against the manifest; the
manifest must repeat the header's ids and the key-slots file inside must be the header's. The
copy must open with the slot's database key and pass SQLite's quick check. Only then is the
restore recorded in the copy (audit `backup.restore`, and the sync marks of `sync.gap`), the
audit anchor written for it, the copy renamed to the database and, last, the key-slots file
written: until it exists the folder holds no database, so a restore killed half-way leaves a
folder a new restore (or set-up) starts again from. A wrong passphrase, a damaged, cut or
cancelled file: one translated line, and nothing is left in the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyrage

from idtool import audit, audit_anchor, database, vault_keys
from idtool.atomic import fsync_dir, write_atomic
from idtool.backup import container
from idtool.backup.container import BackupHeader, Cancelled, Progress
from idtool.errors import BackupError, IdtoolError, InvalidInput, StorageError
from idtool.i18n import _
from idtool.keyslots import SlotsFile
from idtool.sync import gap
from idtool.vault import DB_FILE, Vault

MAX_SLOTS_TEXT = 1 << 20


@dataclass(frozen=True)
class RestoreResult:
    folder: Path
    backup_id: str
    created: str  # when the backup was made (that device's clock)


def read_info(path: str | os.PathLike[str]) -> BackupHeader:
    """The header of a backup file (when it was made), to show before asking for a secret."""
    with _open(path) as f:
        return container.read_header(f)


def restore_backup(
    path: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    *,
    officer: str = "",
    passphrase: str = "",
    recovery_code: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RestoreResult:
    """Bring the database of the backup at `path` back into `folder` (see the module notes).
    Opened with an officer's name and passphrase, or with the recovery code."""
    target = Vault(Path(folder))
    if target.exists():
        raise InvalidInput(
            _("This data folder already holds a database; restore into an empty folder.")
        )
    with _open(path) as f:
        header = container.read_header(f)
        try:
            slots = SlotsFile.from_dict(header.slots)
        except Exception:
            raise container.damaged() from None
        if recovery_code:
            db_key, _slot, identity = _with_recovery_code(slots, recovery_code)
        else:
            db_key, _slot, identity = vault_keys.officer_key(
                slots, officer, passphrase.encode("utf-8")
            )
        created_folder = not target.folder.exists()
        target.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.folder / f".restore-{os.getpid()}-{secrets.token_hex(4)}.db"
        try:
            slots_text = _decrypt(f, header, identity, tmp, progress, cancelled)
            anchor = _check_and_mark(tmp, db_key, header)
            _install(target, tmp, slots, slots_text, anchor)
        except BaseException:
            container.remove_quietly(*_db_files(tmp))
            if not target.exists():  # killed before the key file: no half restore stays
                container.remove_quietly(
                    *_db_files(target.db_path), target.folder / audit_anchor.ANCHOR_FILE
                )
            if created_folder:
                with contextlib.suppress(OSError):
                    target.folder.rmdir()
            raise
    return RestoreResult(target.folder, header.backup_id, header.created)


def _with_recovery_code(slots: SlotsFile, code: str) -> tuple[bytes, str, pyrage.x25519.Identity]:
    try:
        return vault_keys.recovery_key(slots, code)
    except BackupError:
        raise
    except Exception:
        raise BackupError(_("The recovery code is not correct."), "wrong_code") from None


@contextlib.contextmanager
def _open(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, errors translated
    except OSError as exc:
        raise BackupError(
            _("The backup file could not be read: {error}.").format(
                error=exc.strerror or type(exc).__name__
            ),
            "io",
        ) from None
    with f:
        yield f


def _db_files(db: Path) -> list[Path]:
    return [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm"))]


class _Reader:
    """File-like reader over the payload for pyrage: progress and cancel."""

    def __init__(
        self, f: BinaryIO, total: int, progress: Progress | None, cancelled: Cancelled | None
    ):
        self.f, self.total, self.done = f, total, 0
        self.progress, self.cancelled = progress, cancelled
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        if self.cancelled is not None and self.cancelled():
            self.error = container.cancelled_error()
            raise self.error
        data = self.f.read(container.CHUNK if size is None or size < 0 else size)
        self.done += len(data)
        if self.progress:
            self.progress(min(self.done, self.total), self.total)
        return data


class _Splitter:
    """File-like writer for pyrage: the plaintext is manifest length, manifest, database,
    key-slots file; the database goes to a file, hashed on the way, the rest to memory."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.manifest: dict[str, object] | None = None
        self.db_left = 0
        self.db_sha = hashlib.sha256()
        self.slots = bytearray()
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            self._take(memoryview(data))
        except BaseException as exc:
            self.error = exc
            raise
        return len(data)

    def flush(self) -> None:
        pass

    def _take(self, view: memoryview) -> None:
        if self.manifest is None:
            self.buffer += view
            if len(self.buffer) < container.MANIFEST_LEN.size:
                return
            (length,) = container.MANIFEST_LEN.unpack_from(self.buffer)
            if length > container.MAX_MANIFEST:
                raise container.damaged()
            end = container.MANIFEST_LEN.size + length
            if len(self.buffer) < end:
                return
            try:
                manifest = json.loads(bytes(self.buffer[container.MANIFEST_LEN.size : end]))
                self.db_left = int(manifest["db_size"])
            except (ValueError, KeyError, TypeError):
                raise container.damaged() from None
            if not isinstance(manifest, dict) or self.db_left < 0:
                raise container.damaged()
            self.manifest = manifest
            view = memoryview(bytes(self.buffer[end:]))
            self.buffer = bytearray()
        if self.db_left:
            part = view[: self.db_left]
            container.write_all(self.fd, part)
            self.db_sha.update(part)
            self.db_left -= len(part)
            view = view[len(part) :]
        if len(self.slots) + len(view) > MAX_SLOTS_TEXT:
            raise container.damaged()
        self.slots += view


def _decrypt(
    f: BinaryIO,
    header: BackupHeader,
    identity: pyrage.x25519.Identity,
    tmp: Path,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> bytes:
    """Decrypt the payload: the database into `tmp`; returns the key-slots file's text."""
    size = os.fstat(f.fileno()).st_size
    f.seek(header.payload_offset)
    reader = _Reader(f, size - header.payload_offset, progress, cancelled)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise container.storage_error(exc) from exc
    try:
        splitter = _Splitter(fd)
        try:
            pyrage.decrypt_io(reader, splitter, [identity])
        except Exception:
            cause = reader.error or splitter.error
            if cause is not None:
                raise cause from None
            raise container.damaged() from None
        cause = reader.error or splitter.error
        if cause is not None:
            raise cause from None
        os.fsync(fd)
    except OSError as exc:
        raise container.storage_error(exc) from exc
    finally:
        os.close(fd)
    manifest = splitter.manifest
    slots_text = bytes(splitter.slots)
    if (
        manifest is None
        or splitter.db_left
        or manifest.get("backup_id") != header.backup_id
        or manifest.get("db_id") != header.db_id
        or manifest.get("db_sha256") != splitter.db_sha.hexdigest()
        or manifest.get("slots_sha256") != hashlib.sha256(slots_text).hexdigest()
    ):
        raise container.damaged()
    try:
        if json.loads(slots_text) != header.slots:
            raise container.damaged()
    except ValueError:
        raise container.damaged() from None
    return slots_text


def _check_and_mark(tmp: Path, db_key: bytes, header: BackupHeader) -> bytes | None:
    """The copy opens with the slot's key, is whole and is this backup's database; record the
    restore in it (audit entry, sync marks) and fold its journal into the file. Returns the
    audit anchor for the copy's head (None for a database that never had one)."""
    try:
        conn = database.connect(tmp, db_key)
    except StorageError:
        raise
    except (database.DatabaseError, IdtoolError):
        raise container.damaged() from None
    try:
        try:
            stored = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
            check = conn.execute("PRAGMA quick_check").fetchone()
            device_id = vault_keys.device_id_of(conn)
        except database.DatabaseError:
            raise container.damaged() from None
        if stored is None or stored[0] != header.db_id or check is None or check[0] != "ok":
            raise container.damaged()
        try:
            with database.transaction(conn):
                gap.mark_restored(conn, header.backup_id, header.created)
                audit.append(
                    conn,
                    device_id=device_id,
                    officer=None,
                    action="backup.restore",
                    details={"backup_id": header.backup_id, "created": header.created},
                )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except database.DatabaseError:
            raise StorageError(
                _("The backup could not be restored: the disk refused the write.")
            ) from None
        return _anchor(conn, header.db_id)
    finally:
        conn.close()


def _anchor(conn: database.Connection, db_id: str) -> bytes | None:
    """The anchor for the restored database's head, so the first unlock finds the chain and
    its anchor in step (an anchor left in the folder would be of another state)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (audit_anchor.KEY_META,)).fetchone()
    if row is None:
        return None
    return audit_anchor.anchor_bytes(bytes.fromhex(row[0]), db_id, *audit.head(conn))


def _install(
    target: Vault, tmp: Path, slots: SlotsFile, slots_text: bytes, anchor: bytes | None
) -> None:
    for suffix in ("-wal", "-shm"):  # the copy's journal is folded in; leave none beside it
        container.remove_quietly(tmp.with_name(tmp.name + suffix))
    for suffix in ("", "-wal", "-shm"):  # a database left without its key file: an orphan
        container.remove_quietly(target.folder / (DB_FILE + suffix))
    os.replace(tmp, target.db_path)
    anchor_path = target.folder / audit_anchor.ANCHOR_FILE
    if anchor is None:
        container.remove_quietly(anchor_path)
    else:
        write_atomic(anchor_path, anchor)
    target.throttle.start_fresh(slots.db_id, slots.tag_salt)
    write_atomic(target.slots_path, slots_text)  # last: from now on the folder has a database
    fsync_dir(target.folder)
