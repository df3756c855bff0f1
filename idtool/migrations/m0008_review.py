"""The supervisor's resolutions of review-queue items (decisions against the recommendation,
cases waiting for a decision, referrals waiting for an answer)."""

SQL = """
CREATE TABLE review_resolutions (
    uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('against_recommendation', 'no_decision',
                                       'no_referral_response')),
    target TEXT NOT NULL,
    note TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    resolved_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_resolutions_target ON review_resolutions (kind, target);
"""
