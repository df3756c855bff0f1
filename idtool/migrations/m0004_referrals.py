"""Consent records, the NRM directory, referrals and their status history."""

SQL = """
CREATE TABLE consents (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    purpose TEXT NOT NULL CHECK (purpose IN
        ('interview', 'referral', 'law_enforcement', 'statistics')),
    recipient_id TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('given', 'refused', 'withdrawn')),
    told TEXT NOT NULL,
    child_assent TEXT NOT NULL DEFAULT '',
    guardian TEXT NOT NULL DEFAULT '',
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    recorded_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consents_case ON consents (case_uuid);

CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
BEGIN
    SELECT RAISE(ABORT, 'consent records are never edited; record a new one');
END;

CREATE TABLE directory (
    uuid TEXT PRIMARY KEY,
    org_id TEXT NOT NULL UNIQUE,
    entry TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE referrals (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    recipient_id TEXT NOT NULL,
    services TEXT NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'immediate')),
    reason TEXT NOT NULL DEFAULT '',
    risks TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL CHECK (legal_basis IN ('consent', 'child_protection_law')),
    fields TEXT NOT NULL,
    status TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX referrals_case ON referrals (case_uuid);

CREATE TABLE referral_events (
    uuid TEXT PRIMARY KEY,
    referral_uuid TEXT NOT NULL REFERENCES referrals (uuid),
    status TEXT NOT NULL CHECK (status IN
        ('sent', 'accepted', 'service_delivered', 'declined', 'closed')),
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX referral_events_referral ON referral_events (referral_uuid);
"""
