"""The signed header of an exchange package: fields, canonical encoding and strict parsing.

The header is canonical JSON (UTF-8, ASCII only, keys sorted, no spaces, no floats). Parsing
re-encodes what it read and requires the very same bytes, so one header has exactly one
encoding and nothing can hide in whitespace, duplicate keys or number spellings.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Any

from idtool.errors import BundleError
from idtool.i18n import _

MAGIC = b"IDTBNDL\0"
FORMAT_VERSION = 1
PREFIX = struct.Struct(">8sHI")  # magic, format version, header region length
SIGNATURE_SIZE = 64  # Ed25519
MAX_HEADER = 64 * 1024
MAX_PADDING = 16  # NUL bytes after the JSON: the writer reserves the region before it is filled
MAX_RECIPIENTS = 64
MAX_PAYLOAD = 10**15 - 1  # keeps payload_length at most 15 digits (see the writer)
MAX_INT = 2**53 - 1

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class Kind(enum.StrEnum):
    CASE = "case"
    UPDATE = "update"
    REFERRAL = "referral"
    ENROL = "enrol"
    REPORT = "report"  # suppressed statistics, regional -> national coordinator


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class BundleHeader:
    bundle_id: str
    kind: Kind
    sender: str
    sequence: int
    previous: str | None  # digest of the sender's previous bundle; None for its first
    recipients: tuple[str, ...]  # recipient fingerprints, sorted
    payload_length: int
    payload_sha256: str  # of the encrypted payload (the age file), checkable before decrypting
    schema_version: int
    audit_head: AuditHead
    created: str  # sender's clock, informational only: never trusted
    sender_key_id: str
    # Case bundles only, and only in a catch-up package ("write the lost packages again"): the
    # first sequence number whose changes it carries again (it carries everything since the
    # sender's bundle covers_from - 1, and `previous` is that bundle's digest). Absent (None)
    # in every other bundle: such a bundle covers only its own sequence number.
    covers_from: int | None = None
    digest: str = ""  # SHA-256 of the signed bytes (prefix + header region); set on read/write

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "bundle_id": self.bundle_id,
            "kind": self.kind.value,
            "sender": self.sender,
            "sequence": self.sequence,
            "previous": self.previous,
            "recipients": list(self.recipients),
            "payload_length": self.payload_length,
            "payload_sha256": self.payload_sha256,
            "schema_version": self.schema_version,
            "audit_head": {"seq": self.audit_head.seq, "hash": self.audit_head.hash},
            "created": self.created,
            "sender_key_id": self.sender_key_id,
        }
        if self.covers_from is not None:
            data["covers_from"] = self.covers_from
        return data


FIELDS = frozenset(BundleHeader.__dataclass_fields__) - {"digest"}
OPTIONAL_FIELDS = frozenset({"covers_from"})
WRITER_FIELDS = frozenset({"recipients", "payload_length", "payload_sha256", "sender_key_id"})


def _bad(what: str) -> BundleError:
    return BundleError(
        _("The exchange package header is invalid ({field}).").format(field=what), "bad_header"
    )


def _int(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data[key]
    if type(value) is not int or not low <= value <= high:
        raise _bad(key)
    return value


def _match(data: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = data[key]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad(key)
    return value


def _uuid(value: object, key: str) -> str:
    if not isinstance(value, str) or len(value) != 36:
        raise _bad(key)
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        raise _bad(key) from None
    if canonical != value:
        raise _bad(key)
    return value


def header_from_json(data: object) -> BundleHeader:
    """Validate a decoded header object strictly: every field present (`covers_from` may be
    absent), nothing else, all typed."""
    if not isinstance(data, dict):
        raise _bad("object")
    keys = set(data)
    if keys - FIELDS:
        raise _bad("unknown field")  # never echo file content: it may hold anything
    missing = FIELDS - OPTIONAL_FIELDS - keys
    if missing:
        raise _bad(", ".join(sorted(missing)))
    try:
        kind = Kind(data["kind"])
    except (ValueError, TypeError):
        raise _bad("kind") from None
    previous = data["previous"]
    if previous is not None and not (isinstance(previous, str) and _HEX64.fullmatch(previous)):
        raise _bad("previous")
    recips = data["recipients"]
    if (
        not isinstance(recips, list)
        or not 1 <= len(recips) <= MAX_RECIPIENTS
        or not all(isinstance(r, str) and _HEX16.fullmatch(r) for r in recips)
        or recips != sorted(set(recips))
    ):
        raise _bad("recipients")
    head = data["audit_head"]
    if not isinstance(head, dict) or set(head) != {"seq", "hash"}:
        raise _bad("audit_head")
    created = data["created"]
    if not isinstance(created, str) or len(created) > 64 or not created.isprintable():
        raise _bad("created")
    sequence = _int(data, "sequence", 1, MAX_INT)
    covers_from = None
    if "covers_from" in data:
        if kind is not Kind.CASE:
            raise _bad("covers_from")
        covers_from = _int(data, "covers_from", 1, sequence)
    return BundleHeader(
        bundle_id=_uuid(data["bundle_id"], "bundle_id"),
        kind=kind,
        sender=_match(data, "sender", _DEVICE),
        sequence=sequence,
        previous=previous,
        recipients=tuple(recips),
        payload_length=_int(data, "payload_length", 0, MAX_PAYLOAD),
        payload_sha256=_match(data, "payload_sha256", _HEX64),
        schema_version=_int(data, "schema_version", 1, 2**31 - 1),
        audit_head=AuditHead(_int(head, "seq", 0, MAX_INT), _match(head, "hash", _HEX64)),
        created=created,
        sender_key_id=_match(data, "sender_key_id", _HEX16),
        covers_from=covers_from,
    )


def encode_header(header: BundleHeader) -> bytes:
    return canonical_json(header.to_json())


def canonical_json(data: object) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_float(text: str) -> object:
    raise ValueError("floats are not allowed")


def parse_header_region(region: bytes) -> BundleHeader:
    """Header region -> header: canonical JSON, then at most MAX_PADDING NUL bytes."""
    text = region.rstrip(b"\0")
    if len(region) - len(text) > MAX_PADDING:
        raise _bad("padding")
    try:
        data = json.loads(
            text.decode("ascii"),
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _bad("JSON") from None
    header = header_from_json(data)
    if encode_header(header) != text:
        raise _bad("canonical form")
    return header


def signed_digest(signed: bytes) -> str:
    """A bundle's digest (chained through `previous`): SHA-256 of everything the signature covers.

    The header commits to the payload's length and SHA-256, so this names the whole bundle.
    """
    return hashlib.sha256(signed).hexdigest()
