"""The backup file: one file, age-encrypted, written atomically; read with every check first.

Layout:

    prefix   14-byte magic, format version (1 byte), header length (4 bytes, big endian)
    header   JSON: format, backup id, database id, when made, the key-slots file of the
             database (the same text as `keyslots.json` in the data folder: wrapped keys and
             name tags, nothing personal), and the fingerprint of the coordinator's key when
             the backup is encrypted to it as well
    payload  an age stream (X25519) to the public keys of the officer and recovery-code slots
             (and optionally the coordinator's). Its plaintext is: manifest length (4 bytes),
             manifest JSON (ids, sizes and SHA-256 of the parts, the audit head), the SQLCipher
             database snapshot (still encrypted with the database key), the key-slots file.

The header is not trusted: it only says which slot to try. After decryption the manifest must
repeat the backup and database ids, the key-slots file inside must be the one in the header,
and sizes and digests must match, else the backup is refused. age authenticates every chunk,
so a cut or edited payload fails to decrypt.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from idtool.errors import BackupError, StorageError
from idtool.i18n import _

MAGIC = b"IDTOOL-BACKUP\x00"
FORMAT_VERSION = 1
PREFIX = struct.Struct(">14sBI")
MANIFEST_LEN = struct.Struct(">I")
MAX_HEADER = 1 << 20
MAX_MANIFEST = 1 << 16
SUFFIX = ".idbk"
CHUNK = 1 << 20
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class BackupHeader:
    backup_id: str
    db_id: str
    created: str
    slots: dict[str, Any]
    coordinator: str | None
    payload_offset: int


def not_a_backup() -> BackupError:
    return BackupError(_("This file is not an idtool backup."), "not_backup")


def truncated() -> BackupError:
    return BackupError(_("The backup file is incomplete (the file was cut short)."), "truncated")


def damaged() -> BackupError:
    return BackupError(
        _("The backup file is damaged; nothing was restored. Try another copy."), "damaged"
    )


def cancelled_error() -> BackupError:
    return BackupError(_("Cancelled; nothing was written."), "cancelled")


def encode_header(header: dict[str, Any]) -> bytes:
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return PREFIX.pack(MAGIC, FORMAT_VERSION, len(text)) + text


def read_header(f: BinaryIO) -> BackupHeader:
    """The header, checked for shape only (it is not trusted; see the module notes)."""
    start = f.read(PREFIX.size)
    if not start or start[: len(MAGIC)] != MAGIC[: len(start)]:
        raise not_a_backup()
    if len(start) < PREFIX.size:
        raise truncated()
    _magic, version, length = PREFIX.unpack(start)
    if version != FORMAT_VERSION:
        raise BackupError(
            _(
                "This backup has format version {version}; this program reads version "
                "{supported}. Update the program."
            ).format(version=version, supported=FORMAT_VERSION),
            "version",
        )
    if length > MAX_HEADER:
        raise damaged()
    text = f.read(length)
    if len(text) != length:
        raise truncated()
    try:
        raw = json.loads(text)
        header = BackupHeader(
            backup_id=_text(raw["backup_id"]),
            db_id=_text(raw["db_id"]),
            created=_text(raw["created"]),
            slots=dict(raw["slots"]),
            coordinator=None if raw.get("coordinator") is None else _text(raw["coordinator"]),
            payload_offset=PREFIX.size + length,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise damaged() from None
    if raw.get("format") != FORMAT_VERSION or header.slots.get("db_id") != header.db_id:
        raise damaged()
    return header


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError("field")
    return value


def storage_error(error: OSError) -> StorageError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(_("The disk is full: the backup was not written. Make room."))
    if error.errno == errno.EFBIG:
        return StorageError(_("The backup is too large for this disk; it was not written."))
    return StorageError(
        _("The backup could not be written: {error}.").format(
            error=error.strerror or type(error).__name__
        )
    )


class Source:
    """File-like reader over plaintext chunks for pyrage: progress and cancel on the way."""

    def __init__(
        self,
        chunks: Iterable[bytes],
        total: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = memoryview(b"")
        self.total = total
        self.done = 0
        self._reported = 0
        self.progress = progress
        self.cancelled = cancelled
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except BaseException as e:  # pyrage would flatten it into a string: keep the original
            self.error = e
            raise

    def _read(self, size: int) -> bytes:
        if self.cancelled is not None and self.cancelled():
            raise cancelled_error()
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                if self.progress:
                    self.progress(self.total, self.total)
                return b""
            self._buffer = memoryview(chunk)
        size = len(self._buffer) if size is None or size < 0 else size
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.done += len(out)
        if self.progress and self.done - self._reported >= CHUNK:
            self._reported = self.done
            self.progress(min(self.done, self.total), self.total)
        return bytes(out)


class Sink:
    """File-like writer for pyrage into a file descriptor (the temporary file)."""

    def __init__(self, fd: int, cancelled: Cancelled | None = None) -> None:
        self.fd = fd
        self.cancelled = cancelled
        self.length = 0
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            if self.cancelled is not None and self.cancelled():
                raise cancelled_error()
            write_all(self.fd, data)
        except BaseException as e:
            self.error = e
            raise
        self.length += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    for chunk in file_chunks(path):
        sha.update(chunk)
    return sha.hexdigest()


def temp_name(final: Path, tag: str) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.{tag}.tmp")


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
