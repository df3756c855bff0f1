"""Cases imported from a partner's filled HTCDS toolkit spreadsheet (`idtool.htcds.importer`).

One row per imported case: where it came from (the partner organisation as the coordinator
named it), the HTCDS facts of the row as the partner wrote them (value names only, no personal
data: the person's details went to `persons`), and whether the person's consent to their data
being held here has been confirmed with them yet. The table stays on the coordinator's device.
Applied again over a database whose version was set back, it changes nothing.
"""

SQL = """
CREATE TABLE IF NOT EXISTS partner_imports (
    case_uuid TEXT PRIMARY KEY REFERENCES cases (uuid),
    source TEXT NOT NULL,
    facts TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    consent_confirmed_at TEXT,
    consent_confirmed_by TEXT REFERENCES officers (uuid),
    consent_note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
"""
