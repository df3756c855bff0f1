"""Sync, part two: the organisation a device serves, questionnaires installed by update
bundles, and referrals received from another organisation's device."""

SQL = """
CREATE TABLE sync_device_orgs (
    device_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL
);

CREATE TABLE questionnaires (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
);
CREATE TRIGGER questionnaires_no_update BEFORE UPDATE ON questionnaires
BEGIN
    SELECT RAISE(ABORT, 'an installed questionnaire version is never changed');
END;

CREATE TABLE referrals_received (
    uuid TEXT PRIMARY KEY,
    referral_uuid TEXT NOT NULL,
    sender TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    source_case_uuid TEXT NOT NULL,
    source_case_number TEXT NOT NULL,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    org_id TEXT NOT NULL,
    legal_basis TEXT NOT NULL CHECK (legal_basis IN ('consent', 'child_protection_law')),
    services TEXT NOT NULL,
    urgency TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    risks TEXT NOT NULL DEFAULT '',
    certificate_number TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,
    consents TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('accepted', 'service_delivered', 'declined', 'closed')),
    received_at TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    UNIQUE (sender, referral_uuid)
);
CREATE INDEX referrals_received_case ON referrals_received (case_uuid);
"""
