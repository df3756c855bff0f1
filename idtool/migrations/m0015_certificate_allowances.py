"""A new certificate for a person who already had one, with the coordinator's permission
(issue 14); and the shipped NRM directory's corrections for databases made before them.

- `certificates.person_uuid` is no longer unique: a person may hold a revoked certificate (or
  one replaced by a newer one) and a new one. The table is rebuilt with the same columns,
  rows, indexes and triggers; the rows are not journalled again (nothing changed in them).
- `certificate_allowances`: the coordinator's permission for a new certificate after the
  certificate `number` (revoked, or the person was trafficked again), with its reason. Written
  on the coordinator, carried to every device by update packages; never changed or deleted.
- The directory's working copy: shipped entries never edited nor received take the shipped
  wording of this version, and organisations new in it are added (`directory.refresh_shipped`).

Applying it again over a database whose version was set back changes nothing.
"""

from __future__ import annotations

from idtool import directory
from idtool.database import Connection
from idtool.migrations import split_sql

CERTIFICATES = """
CREATE TABLE certificates_new (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    person_uuid TEXT NOT NULL REFERENCES persons (uuid),
    decision_uuid TEXT NOT NULL REFERENCES decisions (uuid),
    holder_key TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    holder_birth_date TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    officer_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    language TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    code TEXT NOT NULL,
    prints INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO certificates_new SELECT uuid, number, case_uuid, person_uuid, decision_uuid,
    holder_key, holder_name, holder_birth_date, officer_uuid, officer_name, organisation,
    language, issue_date, issued_at, code, prints, version, device_id, base_version
    FROM certificates ORDER BY rowid;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
CREATE INDEX certificates_case ON certificates (case_uuid);
CREATE INDEX certificates_holder ON certificates (holder_key);
CREATE INDEX certificates_person ON certificates (person_uuid);

CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN
    SELECT RAISE(ABORT, 'certificates are never deleted; revoke them');
END;

CREATE TRIGGER sync_journal_certificates_insert AFTER INSERT ON certificates
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('certificates', new.uuid);
END;

CREATE TRIGGER sync_journal_certificates_update AFTER UPDATE ON certificates
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('certificates', new.uuid);
END;
"""

ALLOWANCES = """
CREATE TABLE IF NOT EXISTS certificate_allowances (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    officer_uuid TEXT NOT NULL,
    officer_name TEXT NOT NULL,
    allowed_at TEXT NOT NULL,
    device_id TEXT NOT NULL
);

CREATE TRIGGER IF NOT EXISTS certificate_allowances_no_update
BEFORE UPDATE ON certificate_allowances
BEGIN
    SELECT RAISE(ABORT, 'allowances are never edited');
END;

CREATE TRIGGER IF NOT EXISTS certificate_allowances_no_delete
BEFORE DELETE ON certificate_allowances
BEGIN
    SELECT RAISE(ABORT, 'allowances are never deleted');
END;
"""


def apply(conn: Connection) -> None:
    unique = any(
        row[2] and "person_uuid" in [c[2] for c in conn.execute(f"PRAGMA index_info({row[1]})")]
        for row in conn.execute("PRAGMA index_list(certificates)")
    )
    if unique:
        for statement in split_sql(CERTIFICATES):
            conn.execute(statement)
    for statement in split_sql(ALLOWANCES):
        conn.execute(statement)
    device = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    if device is not None:
        directory.refresh_shipped(conn, str(device[0]))
