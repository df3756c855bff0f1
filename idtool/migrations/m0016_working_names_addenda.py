"""A working name for a person met without one, and addenda to completed interviews.

`persons.working_name` is what the officer calls a person who gave no name ("the woman from
the bus station"), shown marked as a working name; it never counts as the person's name
(certificates and referrals need a real one) and never enters the identity key, so nameless
persons are never duplicates of each other. A sender of an older schema cannot name it: its
rows take the default (`sync.tables.ADDED_COLUMNS`).

`interview_addenda`: an amendment of a completed interview, never edited or deleted, which
travels in case bundles like decisions: which answers changed (before and after), the
officer's reason, and the assessment made again with the amended answers.

(Applying it again over a database whose version was set back changes nothing.)
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE INDEX IF NOT EXISTS persons_working_name ON persons (working_name) WHERE working_name != '';

CREATE TABLE IF NOT EXISTS interview_addenda (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    interview_uuid TEXT NOT NULL REFERENCES interviews (uuid),
    changes TEXT NOT NULL,
    reason TEXT NOT NULL,
    assessment_uuid TEXT NOT NULL REFERENCES assessments (uuid),
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS interview_addenda_case ON interview_addenda (case_uuid);

CREATE TRIGGER IF NOT EXISTS interview_addenda_no_update BEFORE UPDATE ON interview_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are never edited; record a new one');
END;

CREATE TRIGGER IF NOT EXISTS interview_addenda_no_delete BEFORE DELETE ON interview_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are never deleted');
END;

CREATE TRIGGER IF NOT EXISTS sync_journal_interview_addenda_insert AFTER INSERT ON interview_addenda
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('interview_addenda', new.uuid);
END;
"""


def apply(conn: Connection) -> None:
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(persons)")}
    if "working_name" not in columns:
        conn.execute("ALTER TABLE persons ADD COLUMN working_name TEXT NOT NULL DEFAULT ''")
    for statement in split_sql(SQL):
        conn.execute(statement)
