"""Erasure of a person's data: the tombstones, and the one door through the write-once rules.

- `erasures`: one tombstone per erased case, without personal data (the ids of the case and
  its person, the case's number, whether it was erased on request or by the retention
  schedule, when, by which officer on which device, and the device that owns the case).
  Never edited or deleted; journalled, so a post's tombstones travel in its case packages
  (`sync.erasure`).
- `erasing`: the cases being erased inside the current transaction, and only then (`erasure`
  fills it and empties it again before the transaction ends). The triggers that keep
  decisions, consents, certificates and interview addenda write-once are made again here with
  an exception for the rows of a case listed there: nothing else can change or delete them.
- `erased_parents`: the interviews and referrals of erased cases (ids only), so an answer or a
  referral event of one that arrives later is known for what it is and refused, never kept
  (`sync.ownership`). Stays on this device.

Applied again over a database whose version was set back, it changes nothing.
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE TABLE IF NOT EXISTS erasures (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL UNIQUE,
    case_number TEXT NOT NULL,
    person_uuid TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'retention')),
    erased_at TEXT NOT NULL,
    officer_uuid TEXT NOT NULL,
    owner TEXT NOT NULL,
    device_id TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS erasures_person ON erasures (person_uuid);

CREATE TABLE IF NOT EXISTS erasing (case_uuid TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS erased_parents (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS erasures_no_update BEFORE UPDATE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'erasure records are never edited');
END;

CREATE TRIGGER IF NOT EXISTS erasures_no_delete BEFORE DELETE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'erasure records are never deleted');
END;

CREATE TRIGGER IF NOT EXISTS sync_journal_erasures_insert AFTER INSERT ON erasures
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('erasures', new.uuid);
END;
"""

# (trigger, event, table, message, the row's case): the write-once rules, with the exception.
_GUARDED = (
    ("decisions_no_update", "UPDATE", "decisions", "decisions are never edited; record a new one"),
    ("decisions_no_delete", "DELETE", "decisions", "decisions are never deleted"),
    (
        "consents_no_update",
        "UPDATE",
        "consents",
        "consent records are never edited; record a new one",
    ),
    (
        "certificates_no_delete",
        "DELETE",
        "certificates",
        "certificates are never deleted; revoke them",
    ),
    (
        "interview_addenda_no_update",
        "UPDATE",
        "interview_addenda",
        "addenda are never edited; record a new one",
    ),
    ("interview_addenda_no_delete", "DELETE", "interview_addenda", "addenda are never deleted"),
)


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    for index in ("case_search", "case_words"):
        # A deleted entry leaves the index at once, not at the next merge of its segments.
        conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('secure-delete', 1)")
    for name, event, table, message in _GUARDED:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table}\n"
            "WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE case_uuid = OLD.case_uuid)\n"
            f"BEGIN\n    SELECT RAISE(ABORT, '{message}');\nEND;"
        )
