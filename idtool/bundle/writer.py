"""Write an exchange package: complete under its final name, or not there at all.

The payload is age-encrypted as a stream into a temporary file in the destination folder,
after a reserved region for the prefix, header and signature. Length and SHA-256 of the
ciphertext are computed on the way; then the header is filled in (padded with NUL bytes to
the reserved length), signed and written at the start; then fsync, rename, fsync the folder.
A pulled USB stick, a full disk or a cancel leaves at most a hidden `.tmp` file, which the
writer removes whenever it still can.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyrage

from idtool.atomic import fsync_dir
from idtool.audit import now_iso
from idtool.bundle import keys
from idtool.bundle.header import (
    FORMAT_VERSION,
    MAGIC,
    MAX_PAYLOAD,
    PREFIX,
    SIGNATURE_SIZE,
    WRITER_FIELDS,
    AuditHead,
    BundleHeader,
    encode_header,
    header_from_json,
)
from idtool.errors import BundleError, StorageError
from idtool.i18n import _

SUFFIX = ".idtb"
PROGRESS_STEP = 1 << 20
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def _now() -> str:
    return now_iso()


def _head_json(value: object) -> object:
    if isinstance(value, AuditHead):
        return {"seq": value.seq, "hash": value.hash}
    if isinstance(value, tuple) and len(value) == 2:
        return {"seq": value[0], "hash": value[1]}
    return value


def build_header(
    fields: Mapping[str, Any], key: keys.SigningKey, recipients: Iterable[keys.Recipient]
) -> BundleHeader:
    """The header before the payload is known (length and digest are placeholders)."""
    bad = sorted(set(fields) & WRITER_FIELDS)
    if bad:
        raise ValueError(f"write_bundle computes these header fields itself: {bad}")
    fps = sorted({keys.recipient_fingerprint(r) for r in recipients})
    data = {
        "bundle_id": str(fields.get("bundle_id") or uuid.uuid4()),
        "previous": None,
        "created": _now(),
        **{k: v for k, v in fields.items() if k != "bundle_id"},
        "recipients": fps,
        "payload_length": MAX_PAYLOAD,  # widest value: the real one never needs more room
        "payload_sha256": "0" * 64,
        "sender_key_id": keys.key_id(keys.signing_key(key)),
    }
    data["kind"] = str(data.get("kind", ""))
    data["audit_head"] = _head_json(data.get("audit_head"))
    return header_from_json(data)


def bundle_name(header: BundleHeader) -> str:
    return (
        f"{header.kind.value}-{header.sender[:8]}-{header.sequence:06d}"
        f"-{header.bundle_id[:8]}{SUFFIX}"
    )


class _Source:
    """File-like reader over the plaintext for pyrage; reports progress, notices a cancel."""

    def __init__(
        self,
        payload: bytes | Iterable[bytes],
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        if isinstance(payload, (bytes, bytearray, memoryview)):
            self.total = len(payload)
            self._chunks: Iterator[bytes] = iter((bytes(payload),))
        else:
            self.total = 0  # unknown
            self._chunks = iter(payload)
        self._buffer = memoryview(b"")
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
            raise BundleError(_("The exchange package was not written: cancelled."), "cancelled")
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._report(final=True)
                return b""
            self._buffer = memoryview(bytes(chunk))
        size = len(self._buffer) if size is None or size < 0 else size
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.done += len(out)
        self._report()
        return bytes(out)

    def _report(self, final: bool = False) -> None:
        if self.progress and (final or self.done - self._reported >= PROGRESS_STEP):
            self._reported = self.done
            self.progress(self.done, self.total)


class _Sink:
    """File-like writer for pyrage: writes the ciphertext to the temporary file and hashes it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.sha = hashlib.sha256()
        self.length = 0
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            _write_all(self.fd, data)
        except BaseException as e:
            self.error = e
            raise
        self.sha.update(data)
        self.length += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, os.strerror(28))
        view = view[written:]


def _storage_error(error: OSError) -> StorageError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(
            _("The disk (USB stick) is full. Make room or use another stick; nothing was exported.")
        )
    if error.errno == errno.EFBIG:
        return StorageError(
            _("The file is too large for this disk (USB stick); nothing was exported.")
        )
    return StorageError(
        _("Could not write the exchange package: {error}.").format(
            error=error.strerror or type(error).__name__
        )
    )


def write_bundle(
    destination: str | os.PathLike[str],
    header_fields: Mapping[str, Any],
    payload: bytes | Iterable[bytes],
    signing_key: keys.SigningKey,
    recipients: Iterable[keys.Recipient],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Encrypt `payload` to `recipients`, sign, and write atomically; return the final path.

    `destination` is a folder (the file is named by `bundle_name`) or a file path (replaced if
    present). `header_fields`: kind, sender, sequence, schema_version, audit_head ((seq, hash)
    or AuditHead), and optionally bundle_id, previous, created. `progress(done, total)` counts
    plaintext bytes (total 0 when the payload is an iterator); `cancelled()` returning True
    stops the write. Raises BundleError (invalid input, cancelled) or StorageError (the disk).
    """
    key = keys.signing_key(signing_key)
    recips = keys.recipients(recipients)
    if not recips:
        raise BundleError(_("An exchange package needs at least one recipient."), "no_recipient")
    header = build_header(header_fields, key, recips)
    reserved = len(encode_header(header))
    dest = Path(destination)
    final = dest / bundle_name(header) if dest.is_dir() else dest
    tmp = final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as e:
        raise _storage_error(e) from e
    try:
        try:
            _write_all(fd, bytes(PREFIX.size + reserved + SIGNATURE_SIZE))
            sink = _Sink(fd)
            source = _Source(payload, progress, cancelled)
            try:
                pyrage.encrypt_io(source, sink, recips)
            except Exception as e:
                cause = source.error or sink.error
                if cause is not None:
                    raise cause from None
                raise BundleError(_("Could not encrypt the exchange package."), "encrypt") from e
            # pyrage does not always pass on an error raised by the last write: a full disk
            # would otherwise leave a cut file that is signed and counted as exported.
            cause = source.error or sink.error
            if cause is not None:
                raise cause from None
            if cancelled is not None and cancelled():
                raise BundleError(
                    _("The exchange package was not written: cancelled."), "cancelled"
                )
            header = replace(
                header, payload_length=sink.length, payload_sha256=sink.sha.hexdigest()
            )
            text = encode_header(header)
            signed = PREFIX.pack(MAGIC, FORMAT_VERSION, reserved) + text.ljust(reserved, b"\0")
            os.lseek(fd, 0, os.SEEK_SET)
            _write_all(fd, signed + key.sign(signed))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _storage_error(e) from e
        raise
    fsync_dir(final.parent)
    return final
