"""Writing the manifest as rows are read: no dict per row.

A database row becomes the record `{"row": {column: value, ...}, "table": name}`. The exporter
reads each row as a tuple that already alternates column names and values (`key1, value1,
key2, value2, ...`, columns in canonical order: `manifest.canonical_keys`), straight from the
cursor. Such a tuple encodes as a CBOR array whose items are exactly the map's content; only
the array's head differs from the map's. So each row is encoded by cbor2 in one call, its head
cut off, and the constant bytes between two rows (`"table": name` of one, then `{"row": {` of
the next with the map head) are put between them. Values are encoded canonically (a float in
its shortest exact form), so the bytes are those `encode_manifest` writes for the same records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import cbor2

from idtool.bundle.header import BundleHeader, Kind
from idtool.bundle.manifest import KEYS, canonical_keys, head, record_runs

_encode = partial(cbor2.dumps, canonical=True)
_ROW = cbor2.dumps("row")
_TABLE = cbor2.dumps("table")


class ManifestWriter:
    """Collects encoded records; `payload(header)` returns the manifest's bytes."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.count = 0
        self.tables: Counter[str] = Counter()

    def rows(self, table: str, columns: int, rows: Iterable[Sequence[object]]) -> None:
        """Records of `table` from interleaved name/value tuples of `columns` columns each."""
        start = b"\xa2" + _ROW + head(5, columns)
        end = _TABLE + cbor2.dumps(table)
        cut = len(head(4, 2 * columns))
        encoded = [_encode(row)[cut:] for row in rows]
        if encoded:
            self._parts.append(start + (end + start).join(encoded) + end)
            self.count += len(encoded)
            self.tables[table] += len(encoded)

    def records(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Records built as dicts by the exporter (keys in canonical order, no floats; audit
        records are encoded canonically), as `encode_manifest(..., trusted=True)` writes them."""
        self._parts.extend(record_runs(records))
        self.count += len(records)
        for record in records:
            self.tables[str(record["table"])] += 1

    def payload(self, header: BundleHeader | Mapping[str, Any]) -> bytes:
        get = (
            (lambda k: getattr(header, k))
            if isinstance(header, BundleHeader)
            else header.__getitem__
        )
        fields: dict[str, Any] = {
            "bundle_id": str(get("bundle_id")),
            "kind": str(Kind(get("kind")).value),
            "sender": str(get("sender")),
            "sequence": int(get("sequence")),
        }
        parts = [head(5, len(KEYS))]
        for key in canonical_keys(KEYS):
            parts.append(cbor2.dumps(key))
            if key == "records":
                parts.append(head(4, self.count))
                parts.extend(self._parts)
            else:
                parts.append(cbor2.dumps(fields[key], canonical=True))
        return b"".join(parts)
