"""The review queue's resolutions may also close a case with a non-punishment flag (the person
was detained, charged, fined or deported for acts they were made to commit: `case_flags`).

SQLite cannot change a CHECK constraint, so the table is copied into a new one with the wider
list of kinds. The table stays on this device (it is not in a package) and nothing refers to it.
Applied again over a database whose version was set back, it changes nothing.
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE TABLE review_resolutions_new (
    uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('against_recommendation', 'no_decision',
                                       'no_referral_response', 'non_punishment')),
    target TEXT NOT NULL,
    note TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    resolved_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO review_resolutions_new (uuid, kind, target, note, officer_uuid, resolved_at,
    version, device_id, base_version)
    SELECT uuid, kind, target, note, officer_uuid, resolved_at, version, device_id, base_version
    FROM review_resolutions;
DROP TABLE review_resolutions;
ALTER TABLE review_resolutions_new RENAME TO review_resolutions;
CREATE INDEX review_resolutions_target ON review_resolutions (kind, target);
"""


def apply(conn: Connection) -> None:
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'review_resolutions'"
    ).fetchone()
    if row is not None and "'non_punishment'" in str(row[0]):
        return
    for statement in split_sql(SQL):
        conn.execute(statement)
