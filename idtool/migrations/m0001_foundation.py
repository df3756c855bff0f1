"""Foundation: device, officers, role policy, audit log."""

SQL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE officers (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('border_guard', 'police', 'social_worker', 'supervisor')),
    slot_id TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE policy (
    uuid TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    role TEXT NOT NULL,
    allowed INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (action, role)
);

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    device_id TEXT NOT NULL,
    officer TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
"""
