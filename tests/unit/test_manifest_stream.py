"""The manifest written as rows are read (bundle.stream) is byte for byte the canonical
manifest of the same records (encode_manifest's checked path), floats included."""

from __future__ import annotations

import uuid

from idtool import database, demo
from idtool.bundle import encode_manifest
from idtool.bundle.stream import ManifestWriter
from idtool.session import Session
from idtool.sync import changes, export


def test_streamed_rows_are_the_canonical_manifest(session: Session) -> None:
    demo.generate(session, 3, seed=11)
    with database.transaction(session.conn):  # REAL values, written as canonical CBOR does
        rows = session.conn.execute("SELECT rowid FROM cases ORDER BY rowid").fetchall()
        for (rowid,), value in zip(rows, (2.5, 1e300, 0.1), strict=True):
            session.conn.execute("UPDATE cases SET review = ? WHERE rowid = ?", (value, rowid))
    fields = {"bundle_id": str(uuid.uuid4()), "kind": "case", "sender": "dev", "sequence": 3}
    floats = False
    for since in (0, 5):
        records, top = export.changed_records(session.conn, since)
        audit, _head = export.audit_records(session.conn, 0)
        writer = ManifestWriter()
        for name, names, rows in changes.changed_rows(session.conn, since, top):
            writer.rows(name, len(names), rows)
        writer.records(audit)
        assert writer.count == len(records) + len(audit)
        expected = encode_manifest(fields, records + audit)  # checked, canonical
        assert writer.payload(fields) == expected
        floats = floats or any(type(r["row"].get("review")) is float for r in records)
    assert floats


def test_an_empty_table_adds_nothing(session: Session) -> None:
    writer = ManifestWriter()
    writer.rows("answers", 4, [])
    fields = {"bundle_id": str(uuid.uuid4()), "kind": "case", "sender": "dev", "sequence": 1}
    assert writer.payload(fields) == encode_manifest(fields, [])
