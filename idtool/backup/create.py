"""Making a backup: a consistent snapshot of the database, encrypted to the key slots.

1. The key-slots file is read, then the database is copied with `VACUUM INTO` (one read
   transaction, so the copy is consistent while others keep working) into a hidden file in
   the data folder. The copy is SQLCipher-encrypted with the same database key: no plaintext
   touches the disk. The key-slots file is read again: if a re-key or a new officer changed
   it meanwhile, the backup is refused ("try again").
2. The payload (see `container`) is age-encrypted as a stream to the public key of every
   officer slot and of the recovery-code slot, so the passphrase of any officer of the
   database at that time, or the recovery code, opens it; with `to_coordinator`, also to the
   coordinator's age key. It is written to a temporary file next to the destination, fsynced
   and renamed: complete under its final name or not there.
3. The backup is recorded (meta `last_backup`, audit `backup.create`); if that fails, the file
   is removed again. The snapshot is always removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyrage

from idtool import audit, database, keyslots
from idtool.atomic import fsync_dir
from idtool.backup import container
from idtool.backup.container import Cancelled, Progress
from idtool.bundle import keys
from idtool.errors import BackupError, BundleError, InvalidInput, StorageError
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import devices

LAST_BACKUP_META = "last_backup"
SNAPSHOT_PREFIX = ".backup-snapshot-"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backup_id: str
    size: int


def backup_name(created: str, backup_id: str) -> str:
    day = created[:10].replace("-", "")
    return f"idtool-backup-{day}-{backup_id[:8]}{container.SUFFIX}"


def create_backup(
    session: Session,
    out: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    to_coordinator: bool = False,
) -> BackupResult:
    """Write a backup of this database into the folder `out`; see the module notes."""
    dest = Path(out)
    if not dest.is_dir():
        raise InvalidInput(_("The folder for the backup does not exist."))
    folder = Path(session.vault.folder)
    coordinator = _coordinator(session) if to_coordinator else None
    slots_text = session.vault.slots_path.read_bytes()
    snapshot = folder / f"{SNAPSHOT_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.db"
    _remove_stale_snapshots(folder)
    try:
        manifest_fields = _snapshot(session, snapshot)
        if session.vault.slots_path.read_bytes() != slots_text:
            raise BackupError(
                _("The keys changed while the backup was being made; try again."), "keys_changed"
            )
        slots = json.loads(slots_text)
        if manifest_fields["db_id"] != slots.get("db_id"):
            raise BackupError(_("The key file does not belong to this database."), "keys_changed")
        backup_id = str(uuid.uuid4())
        created = audit.now_iso()
        recipients = _recipients(slots) + ([coordinator] if coordinator else [])
        db_size = snapshot.stat().st_size
        manifest = {
            **manifest_fields,
            "backup_id": backup_id,
            "created": created,
            "db_size": db_size,
            "db_sha256": container.sha256_file(snapshot),
            "slots_size": len(slots_text),
            "slots_sha256": hashlib.sha256(slots_text).hexdigest(),
        }
        header = {
            "format": container.FORMAT_VERSION,
            "backup_id": backup_id,
            "db_id": slots["db_id"],
            "created": created,
            "slots": slots,
            "coordinator": keys.recipient_fingerprint(coordinator) if coordinator else None,
        }
        final = dest / backup_name(created, backup_id)
        size = _write(
            final,
            container.encode_header(header),
            _payload(manifest, snapshot, slots_text),
            db_size + len(slots_text),
            recipients,
            progress,
            cancelled,
        )
    finally:
        container.remove_quietly(*_snapshot_files(snapshot))
    try:
        _record(session, backup_id, created, coordinator is not None)
    except BaseException:
        container.remove_quietly(final)
        raise
    return BackupResult(final, backup_id, size)


def coordinator_known(session: Session) -> bool:
    """Whether this computer is enrolled with a coordinator, so a backup may be for it too."""
    try:
        devices.supervisor(session.conn)
    except BundleError:
        return False
    return True


def _coordinator(session: Session) -> pyrage.x25519.Recipient:
    try:
        device = devices.supervisor(session.conn)
    except BundleError:
        raise InvalidInput(
            _("This computer is not enrolled with a coordinator: the backup cannot be for it.")
        ) from None
    return pyrage.x25519.Recipient.from_str(device.age_recipient)


def _recipients(slots: dict[str, object]) -> list[pyrage.x25519.Recipient]:
    found = []
    raw = slots.get("slots")
    for slot in raw if isinstance(raw, list) else []:
        if isinstance(slot, dict) and slot.get("kind") in (
            keyslots.KIND_OFFICER,
            keyslots.KIND_RECOVERY_CODE,
        ):
            found.append(pyrage.x25519.Recipient.from_str(str(slot["recipient"])))
    if not found:
        raise BackupError(_("The key file of this data folder is damaged."), "no_slots")
    return found


def _snapshot_files(snapshot: Path) -> list[Path]:
    suffixes = ("-wal", "-shm", "-journal")
    return [snapshot, *(snapshot.with_name(snapshot.name + s) for s in suffixes)]


def _remove_stale_snapshots(folder: Path) -> None:
    """Snapshots another process left behind when it was killed (they are encrypted)."""
    mine = f"{SNAPSHOT_PREFIX}{os.getpid()}-"
    for path in folder.glob(f"{SNAPSHOT_PREFIX}*"):
        if not path.name.startswith(mine):
            container.remove_quietly(path)


def _snapshot(session: Session, snapshot: Path) -> dict[str, object]:
    """Copy the database into `snapshot` (encrypted with the same key); what the manifest
    needs from that copy: database and device ids, schema version, audit head."""
    try:
        os.close(os.open(snapshot, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner only
        session.conn.execute("VACUUM INTO ?", (str(snapshot),))  # an empty file is allowed
    except OSError as exc:
        raise container.storage_error(exc) from exc
    except database.DatabaseError as exc:
        if "full" in str(exc).lower():
            raise StorageError(
                _("The disk is full: the backup was not written. Make room.")
            ) from None
        raise StorageError(_("The database could not be copied for the backup.")) from None
    conn = database.connect(snapshot, session.db_key)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('db_id', 'device_id')"))
        seq, digest = audit.head(conn)
        return {
            "db_id": str(meta.get("db_id", "")),
            "device_id": str(meta.get("device_id", "")),
            "schema": int(conn.execute("PRAGMA user_version").fetchone()[0]),
            "audit_head": [seq, digest],
        }
    finally:
        conn.close()


def _payload(manifest: dict[str, object], snapshot: Path, slots_text: bytes) -> Iterator[bytes]:
    text = json.dumps(manifest, sort_keys=True).encode("utf-8")
    yield container.MANIFEST_LEN.pack(len(text)) + text
    yield from container.file_chunks(snapshot)
    yield slots_text


def _write(
    final: Path,
    head: bytes,
    chunks: Iterable[bytes],
    total: int,
    recipients: list[pyrage.x25519.Recipient],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> int:
    tmp = container.temp_name(final, secrets.token_hex(4))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise container.storage_error(exc) from exc
    try:
        try:
            container.write_all(fd, head)
            source = container.Source(chunks, total, progress, cancelled)
            sink = container.Sink(fd)
            try:
                pyrage.encrypt_io(source, sink, recipients)
            except Exception as exc:
                cause = source.error or sink.error
                if cause is not None:
                    raise cause from None
                raise BackupError(_("The backup could not be encrypted."), "encrypt") from exc
            cause = source.error or sink.error  # pyrage may swallow the last write's error
            if cause is not None:
                raise cause from None
            if cancelled is not None and cancelled():
                raise container.cancelled_error()
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException as exc:
        container.remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise container.storage_error(exc) from exc
        raise
    fsync_dir(final.parent)
    return len(head) + sink.length


def _record(session: Session, backup_id: str, created: str, to_coordinator: bool) -> None:
    value = json.dumps({"at": created, "backup_id": backup_id})
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (LAST_BACKUP_META, value)
        )
        session.audit(
            "backup.create",
            details={"backup_id": backup_id, "to_coordinator": to_coordinator},
        )


def last_backup(session: Session) -> str | None:
    """When the last backup of this database was made (ISO time, this device's clock)."""
    with contextlib.suppress(ValueError, TypeError, KeyError):
        raw = session.meta(LAST_BACKUP_META)
        if raw:
            return str(json.loads(raw)["at"])
    return None
