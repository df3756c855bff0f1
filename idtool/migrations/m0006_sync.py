"""Sync: known devices, the bundle log, the change journal, and the queues an import fills.

The change journal (`sync_changes`) is filled by triggers on every synced table, so an export
sends "everything changed since the last export" without scanning the database. Existing rows
are journalled once here, so the first export of an older database sends all of them.
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

# (table, SQL expression naming the record): answers have no uuid, only their composite key.
JOURNALLED = (
    ("officers", "uuid"),
    ("persons", "uuid"),
    ("cases", "uuid"),
    ("interviews", "uuid"),
    ("answers", "interview_uuid || '/' || question"),
    ("assessments", "uuid"),
    ("decisions", "uuid"),
    ("consents", "uuid"),
    ("referrals", "uuid"),
    ("referral_events", "uuid"),
    ("certificates", "uuid"),
    ("certificate_revocations", "uuid"),
)

SQL = """
CREATE TABLE sync_devices (
    device_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    age_recipient TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('supervisor', 'device')),
    status TEXT NOT NULL CHECK (status IN ('trusted', 'revoked')),
    enrolled_at TEXT NOT NULL
);

CREATE TABLE sync_bundles (
    bundle_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender TEXT NOT NULL,
    kind TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    digest TEXT NOT NULL,
    previous TEXT,
    at TEXT NOT NULL,
    last_change INTEGER NOT NULL DEFAULT 0,
    last_audit INTEGER NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '{}',
    UNIQUE (direction, sender, kind, sequence)
);

CREATE TABLE sync_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    record_key TEXT NOT NULL
);

CREATE TABLE sync_conflicts (
    uuid TEXT PRIMARY KEY,
    tbl TEXT NOT NULL,
    record_key TEXT NOT NULL,
    local TEXT NOT NULL,
    incoming TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT CHECK (resolution IN ('local', 'incoming'))
);
CREATE INDEX sync_conflicts_open ON sync_conflicts (tbl, record_key) WHERE resolved_at IS NULL;

CREATE TABLE sync_duplicates (
    uuid TEXT PRIMARY KEY,
    person_a TEXT NOT NULL,
    person_b TEXT NOT NULL,
    reason TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT CHECK (resolution IN ('same', 'different')),
    CHECK (person_a < person_b),
    UNIQUE (person_a, person_b)
);

CREATE TABLE sync_quarantine (
    uuid TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    tbl TEXT NOT NULL,
    record TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE sync_received (
    tbl TEXT NOT NULL,
    record_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (tbl, record_key)
);

CREATE TABLE sync_audit (
    sender TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (sender, seq)
);

CREATE INDEX persons_duplicate_name ON persons (name_key, birth_date);
CREATE INDEX persons_duplicate_document ON persons (document_number);
"""


def _triggers(table: str, key: str) -> list[str]:
    new_key = (
        key.replace("interview_uuid", "new.interview_uuid").replace("question", "new.question")
        if table == "answers"
        else f"new.{key}"
    )
    return [
        f"CREATE TRIGGER sync_journal_{table}_insert AFTER INSERT ON {table}\nBEGIN\n"
        f"    INSERT INTO sync_changes (tbl, record_key) VALUES ('{table}', {new_key});\nEND;",
        f"CREATE TRIGGER sync_journal_{table}_update AFTER UPDATE ON {table}\nBEGIN\n"
        f"    INSERT INTO sync_changes (tbl, record_key) VALUES ('{table}', {new_key});\nEND;",
    ]


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    for table, key in JOURNALLED:
        for statement in _triggers(table, key):
            conn.execute(statement)
        conn.execute(
            f"INSERT INTO sync_changes (tbl, record_key) SELECT '{table}', {key}"
            f" FROM {table} ORDER BY rowid"
        )
