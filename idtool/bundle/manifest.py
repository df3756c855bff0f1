"""The inner manifest: the decrypted payload of an exchange package.

Canonical CBOR (RFC 8949 section 4.2.1): a map with exactly `bundle_id`, `kind`, `sender`,
`sequence` (repeating the signed header, so a payload cannot be moved under another header)
and `records`, a list of maps with text keys. Values inside records are limited to null,
booleans, integers, finite floats, text, bytes, lists and text-keyed maps; no CBOR tags.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cbor2

from idtool.bundle.header import BundleHeader, Kind
from idtool.cbor_strict import NO_TAGS, refuse_tag
from idtool.errors import BundleError
from idtool.i18n import _

MAX_DEPTH = 32
KEYS = frozenset({"bundle_id", "kind", "sender", "sequence", "records"})


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    kind: Kind
    sender: str
    sequence: int
    records: list[dict[str, Any]]


def canonical_keys(keys: Iterable[str]) -> list[str]:
    """Text keys in the order canonical CBOR writes them (by their encoded bytes)."""
    encoded = {k: cbor2.dumps(k) for k in keys}
    return sorted(encoded, key=lambda k: (len(encoded[k]), encoded[k]))


def head(major: int, count: int) -> bytes:
    """The shortest CBOR head for `major` type with argument `count` (as canonical CBOR)."""
    if count < 24:
        return bytes((major << 5 | count,))
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if count < 1 << (8 * size):
            return bytes((major << 5 | extra,)) + count.to_bytes(size, "big")
    raise ValueError("count too large")


def encode_manifest(
    header: BundleHeader | Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    *,
    trusted: bool = False,
) -> bytes:
    """Payload bytes for `write_bundle`: the header's ids and the records, canonical CBOR.

    `trusted=True` is for records the exporter has just read from its own database: they are
    not re-checked, and records other than "audit" ones are written without re-sorting their
    keys. The caller guarantees those records are plain dicts whose keys are already in
    canonical order (`canonical_keys`; "row" before "table") and hold no floats (the only
    values canonical CBOR writes differently); the bytes are then identical to the checked
    path. Audit records (free-form details) are always encoded canonically.
    """
    get = (lambda k: getattr(header, k)) if isinstance(header, BundleHeader) else header.__getitem__
    fields: dict[str, Any] = {
        "bundle_id": str(get("bundle_id")),
        "kind": str(Kind(get("kind")).value),
        "sender": str(get("sender")),
        "sequence": int(get("sequence")),
    }
    if not trusted:
        body = {**fields, "records": [dict(r) for r in records]}
        for record in body["records"]:
            _check_value(record, 1)
        return cbor2.dumps(body, canonical=True)
    records = records if isinstance(records, list) else list(records)
    parts = [head(5, len(KEYS))]
    for key in canonical_keys(KEYS):
        parts.append(cbor2.dumps(key))
        if key != "records":
            parts.append(cbor2.dumps(fields[key], canonical=True))
            continue
        parts.append(head(4, len(records)))
        parts.extend(record_runs(records))
    return b"".join(parts)


def record_runs(records: Sequence[Mapping[str, Any]]) -> list[bytes]:
    """Trusted records encoded one after the other (no list head): runs of plain records as
    they are, runs of audit records canonically."""
    parts = []
    start = 0
    while start < len(records):  # runs of plain records, then runs of audit records
        audit = records[start].get("table") == "audit"
        end = start + 1
        while end < len(records) and (records[end].get("table") == "audit") == audit:
            end += 1
        run = records[start:end]
        encoded = cbor2.dumps(run, canonical=audit)
        parts.append(encoded[len(head(4, len(run))) :])  # the items without the list head
        start = end
    return parts


def _bad(what: str) -> BundleError:
    return BundleError(
        _("The contents of the exchange package are invalid ({field}).").format(field=what),
        "bad_manifest",
    )


_PLAIN = frozenset({type(None), bool, int, str, bytes})  # exact types: always acceptable


def _check_value(value: object, depth: int) -> None:
    # The depth limit matters: CBOR shared references can build a list that contains itself.
    if depth > MAX_DEPTH:
        raise _bad("nesting")
    if type(value) is dict:  # fast path for the common case: a map of plain values
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise _bad("key")
            if type(item) not in _PLAIN:
                _check_value(item, depth + 1)
        return
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad("number")
        return
    if isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _bad("key")
            _check_value(item, depth + 1)
        return
    raise _bad("type")


def open_manifest(payload: bytes, header: BundleHeader) -> Manifest:
    """Parse the decrypted payload strictly and check it repeats the header's ids."""
    stream = io.BytesIO(payload)
    try:
        data = cbor2.CBORDecoder(
            stream,
            tag_hook=refuse_tag,
            semantic_decoders=NO_TAGS,
            max_depth=MAX_DEPTH + 4,
            allow_indefinite=False,
            allow_duplicate_keys=False,
        ).decode()
    except Exception:  # cbor2 raises CBORDecodeError, ValueError, and others on hostile input
        raise _bad("CBOR") from None
    if stream.tell() != len(payload):  # cbor2.loads would ignore what follows the item
        raise _bad("CBOR")
    if not isinstance(data, dict) or set(data) != KEYS:
        raise _bad("fields")
    records = data["records"]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise _bad("records")
    for record in records:
        _check_value(record, 1)
    ids = {
        "bundle_id": header.bundle_id,
        "kind": header.kind.value,
        "sender": header.sender,
        "sequence": header.sequence,
    }
    for key, expected in ids.items():
        value = data[key]
        if type(value) is not type(expected) or value != expected:
            raise BundleError(
                _("The contents of the exchange package do not match its header ({field}).").format(
                    field=key
                ),
                "manifest_mismatch",
            )
    return Manifest(header.bundle_id, header.kind, header.sender, header.sequence, records)
