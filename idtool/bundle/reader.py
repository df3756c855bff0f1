"""Read an exchange package: every check before anything is decrypted.

Order: file size cap; magic and format version (a fixed 14-byte read); header length cap;
strict header parse; sender in the trust list and its key id; Ed25519 signature; payload length
and SHA-256 of the ciphertext; this device among the recipients; only then age decryption
(which hashes the ciphertext again, so a file changed between the passes is refused too).
Every failure is a BundleError with one translated line; nothing else escapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import pyrage
from cryptography.exceptions import InvalidSignature

from idtool.bundle import keys
from idtool.bundle.header import (
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER,
    PREFIX,
    SIGNATURE_SIZE,
    BundleHeader,
    parse_header_region,
    signed_digest,
)
from idtool.errors import BundleError
from idtool.i18n import _

DEFAULT_MAX_SIZE = 1 << 30
CHUNK = 1 << 20
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def _truncated() -> BundleError:
    return BundleError(
        _("The exchange package is incomplete (the file was cut short)."), "truncated"
    )


def _cancelled() -> BundleError:
    return BundleError(_("Reading the exchange package was cancelled."), "cancelled")


@contextlib.contextmanager
def _open(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, errors translated
    except OSError as e:
        raise BundleError(
            _("Could not read the exchange package: {error}.").format(
                error=e.strerror or type(e).__name__
            ),
            "io",
        ) from e
    try:
        yield f
    except OSError as e:
        raise BundleError(
            _("Could not read the exchange package: {error}.").format(
                error=e.strerror or type(e).__name__
            ),
            "io",
        ) from e
    finally:
        f.close()


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _truncated()
    return data


def _structure(f: BinaryIO, max_size: int) -> tuple[BundleHeader, bytes, bytes, int, int]:
    """Caps, magic, version, header: (header with digest, signed bytes, signature, offset, size)."""
    size = os.fstat(f.fileno()).st_size
    if size > max_size:
        raise BundleError(
            _("The exchange package is too large ({size} MB, at most {limit} MB).").format(
                size=size >> 20, limit=max_size >> 20
            ),
            "too_large",
        )
    start = f.read(PREFIX.size)
    if start[: len(MAGIC)] != MAGIC[: len(start)] or not start:
        raise BundleError(_("This file is not an exchange package."), "not_bundle")
    if len(start) < PREFIX.size:
        raise _truncated()
    _magic, version, region_len = PREFIX.unpack(start)
    if version != FORMAT_VERSION:
        raise BundleError(
            _(
                "This exchange package has format version {version}; this program "
                "reads version {supported}. Update the program."
            ).format(version=version, supported=FORMAT_VERSION),
            "version",
        )
    if region_len > MAX_HEADER:
        raise BundleError(_("The exchange package header is too large."), "header_too_large")
    offset = PREFIX.size + region_len + SIGNATURE_SIZE
    if size < offset:
        raise _truncated()
    region = _read_exact(f, region_len)
    signature = _read_exact(f, SIGNATURE_SIZE)
    header = parse_header_region(region)
    signed = start + region
    return replace(header, digest=signed_digest(signed)), signed, signature, offset, size


def read_unverified_header(
    path: str | os.PathLike[str], max_size: int = DEFAULT_MAX_SIZE
) -> BundleHeader:
    """The header, structurally checked but NOT authenticated: for display and routing only."""
    with _open(path) as f:
        return _structure(f, max_size)[0]


def payload_offset(path: str | os.PathLike[str]) -> int:
    """Where the age file starts: 14 + header length (bytes 10-13, big-endian) + 64."""
    with _open(path) as f:
        return _structure(f, DEFAULT_MAX_SIZE)[3]


def extract_payload(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """Copy the encrypted payload (a plain age file) to `out`, for the stock `age -d`."""
    with _open(path) as f:
        offset = _structure(f, DEFAULT_MAX_SIZE)[3]
        f.seek(offset)
        try:
            with open(out, "wb") as dst:
                while chunk := f.read(CHUNK):
                    dst.write(chunk)
        except OSError as e:
            raise BundleError(
                _("Could not write the exchange package: {error}.").format(
                    error=e.strerror or type(e).__name__
                ),
                "io",
            ) from e
    return Path(out)


def _check_sender(
    header: BundleHeader,
    signed: bytes,
    signature: bytes,
    trusted_senders: Mapping[str, keys.PublicKey],
) -> None:
    trusted = trusted_senders.get(header.sender)
    if trusted is None:
        raise BundleError(
            _(
                "The exchange package comes from device {device}, which is not in the trust list."
            ).format(device=header.sender),
            "unknown_signer",
        )
    pub = keys.public_key(trusted)
    if keys.key_id(pub) != header.sender_key_id:
        raise BundleError(
            _(
                "The exchange package from device {device} is signed with a key "
                "that is not trusted for it."
            ).format(device=header.sender),
            "unknown_key",
        )
    try:
        pub.verify(signature, signed)
    except InvalidSignature:
        raise BundleError(
            _("The signature of the exchange package is invalid: it was altered or forged."),
            "bad_signature",
        ) from None


class _Payload:
    """Reads exactly the payload section, hashing it and reporting progress."""

    def __init__(
        self,
        f: BinaryIO,
        length: int,
        progress: Progress | None,
        done: int,
        total: int,
        cancelled: Cancelled | None,
    ) -> None:
        self.f, self.left = f, length
        self.sha = hashlib.sha256()
        self.progress, self.done, self.total = progress, done, total
        self.cancelled = cancelled
        self.error: BaseException | None = None
        self._reported = done

    def read(self, size: int = -1) -> bytes:
        try:
            if self.cancelled is not None and self.cancelled():
                raise _cancelled()
            size = self.left if size is None or size < 0 else min(size, self.left)
            data = self.f.read(size)
            if len(data) != size:
                raise _truncated()
        except BaseException as e:  # keep it: pyrage would flatten it into a string
            self.error = e
            raise
        self.left -= len(data)
        self.sha.update(data)
        self.done += len(data)
        if self.progress and (self.done - self._reported >= CHUNK or not self.left):
            self._reported = self.done
            self.progress(self.done, self.total)
        return data


def _check_payload(
    f: BinaryIO,
    header: BundleHeader,
    offset: int,
    size: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    if size - offset != header.payload_length:
        if size - offset < header.payload_length:
            raise _truncated()
        raise BundleError(_("The exchange package has extra data after its end."), "length")
    f.seek(offset)
    reader = _Payload(f, header.payload_length, progress, 0, 2 * header.payload_length, cancelled)
    while reader.left:
        reader.read(CHUNK)
    if reader.sha.hexdigest() != header.payload_sha256:
        raise BundleError(
            _("The exchange package is damaged (its checksum does not match)."), "digest"
        )


def _decrypt(
    f: BinaryIO,
    header: BundleHeader,
    offset: int,
    ident: pyrage.x25519.Identity,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> bytes:
    f.seek(offset)
    n = header.payload_length
    reader = _Payload(f, n, progress, n, 2 * n, cancelled)
    out = io.BytesIO()
    try:
        pyrage.decrypt_io(reader, out, [ident])
    except Exception as e:
        if isinstance(reader.error, BundleError):
            raise reader.error from None
        raise BundleError(
            _("The exchange package could not be decrypted with this device's key."), "decrypt"
        ) from e
    if reader.left or reader.sha.hexdigest() != header.payload_sha256:
        raise BundleError(_("The exchange package changed while it was being read."), "digest")
    return out.getvalue()


def read_bundle(
    path: str | os.PathLike[str],
    trusted_senders: Mapping[str, keys.PublicKey],
    identity: keys.Identity | Sequence[keys.Identity],
    max_size: int = DEFAULT_MAX_SIZE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> tuple[BundleHeader, bytes]:
    """Check and decrypt one exchange package: (authenticated header, plaintext payload).

    `trusted_senders` maps device id -> Ed25519 public key (object, raw bytes or hex);
    `identity` is this device's age identity, or several (its current one first, then earlier
    ones a coordinator kept after changing its keys): the first one the package is addressed to
    decrypts it. `progress(done, total)` counts payload bytes over the checksum pass and the
    decryption pass (total = 2 x payload length).
    """
    idents = [
        keys.identity(i)
        for i in ([identity] if isinstance(identity, str | pyrage.x25519.Identity) else identity)
    ]
    with _open(path) as f:
        header, signed, signature, offset, size = _structure(f, max_size)
        _check_sender(header, signed, signature, trusted_senders)
        _check_payload(f, header, offset, size, progress, cancelled)
        ident = next(
            (i for i in idents if keys.recipient_fingerprint(i) in header.recipients), None
        )
        if ident is None:
            raise BundleError(
                _("The exchange package is not addressed to this device."), "wrong_recipient"
            )
        return header, _decrypt(f, header, offset, ident, progress, cancelled)
