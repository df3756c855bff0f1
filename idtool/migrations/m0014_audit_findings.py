"""The coordinator's record of device audit chains that stopped matching what they exported
(a fork: rewritten or cut after an export), that arrived broken, or whose device reported them
damaged at an unlock; and the stored entries a fork replaced, kept as evidence. (IF NOT
EXISTS: applying it again over a database whose version was set back changes nothing.)"""

SQL = """
CREATE TABLE IF NOT EXISTS sync_audit_findings (
    uuid TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rewritten', 'cut', 'broken', 'reported')),
    first_seq INTEGER,
    exact INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    note TEXT,
    officer_uuid TEXT REFERENCES officers (uuid)
);
CREATE INDEX IF NOT EXISTS sync_audit_findings_open ON sync_audit_findings (resolved_at);

CREATE TABLE IF NOT EXISTS sync_audit_archive (
    finding_uuid TEXT NOT NULL REFERENCES sync_audit_findings (uuid),
    sender TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (finding_uuid, seq)
);
"""
