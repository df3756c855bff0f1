"""The criminal-justice link of a case (`idtool.cj_link`): what the police and prosecutors did
about it, and the prosecutors' reviews of it; and the role `prosecutor`.

- `criminal_links`: one row per case, whether a criminal or misconduct case was opened, under
  which articles (ids of `resources/legal/cj_articles.yaml`, a JSON list), public or private
  prosecution, the stage and the date each stage was reached (a JSON map), the person's role;
- `prosecutor_reviews`: the outcome of a prosecutor's review of the link (re-qualified,
  confirmed, sent back) and the version of the link reviewed, appended, never changed.

Both travel in case bundles like the case's other records (the change journal's triggers).

The officers' role CHECK gains 'prosecutor'. SQLite cannot alter a CHECK constraint, and copying
`officers` into a new table would rewrite every foreign key that names it; the constraint is
changed in the schema text instead, as SQLite's documentation describes for changes that do not
alter what is stored ("Making Other Kinds Of Table Schema Changes": writable_schema and a new
schema_version, in the migration's transaction). Applied again over a database whose version was
set back, it changes nothing.
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

OLD_ROLES = "CHECK (role IN ('border_guard', 'police', 'social_worker', 'supervisor'))"
NEW_ROLES = (
    "CHECK (role IN ('border_guard', 'police', 'social_worker', 'supervisor', 'prosecutor'))"
)

SQL = """
CREATE TABLE IF NOT EXISTS criminal_links (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL UNIQUE REFERENCES cases (uuid),
    opened TEXT NOT NULL CHECK (opened IN ('criminal', 'misconduct', 'none')),
    articles TEXT NOT NULL DEFAULT '[]',
    prosecution TEXT NOT NULL DEFAULT '' CHECK (prosecution IN ('', 'public', 'private')),
    stage TEXT NOT NULL DEFAULT ''
        CHECK (stage IN ('', 'investigation', 'discontinued', 'in_court', 'verdict')),
    stage_dates TEXT NOT NULL DEFAULT '{}',
    role TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'victim', 'witness', 'suspect')),
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS prosecutor_reviews (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    outcome TEXT NOT NULL CHECK (outcome IN ('requalified', 'confirmed', 'sent_back')),
    link_version INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    reviewed_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS prosecutor_reviews_case ON prosecutor_reviews (case_uuid);
CREATE TRIGGER IF NOT EXISTS sync_journal_criminal_links_insert AFTER INSERT ON criminal_links
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('criminal_links', new.uuid);
END;
CREATE TRIGGER IF NOT EXISTS sync_journal_criminal_links_update AFTER UPDATE ON criminal_links
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('criminal_links', new.uuid);
END;
CREATE TRIGGER IF NOT EXISTS sync_journal_prosecutor_reviews_insert
AFTER INSERT ON prosecutor_reviews
BEGIN
    INSERT INTO sync_changes (tbl, record_key) VALUES ('prosecutor_reviews', new.uuid);
END;
CREATE TRIGGER IF NOT EXISTS prosecutor_reviews_append_only
BEFORE UPDATE ON prosecutor_reviews
BEGIN
    SELECT RAISE(ABORT, 'prosecutor reviews are never changed');
END;
"""


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'officers'"
    ).fetchone()
    if NEW_ROLES in sql:
        return
    if OLD_ROLES not in sql:
        raise RuntimeError("officers: the role constraint is not the one this migration knows")
    (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'officers'",
            (sql.replace(OLD_ROLES, NEW_ROLES),),
        )
        conn.execute(f"PRAGMA schema_version = {int(schema_version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
