"""The loop closed both ways (issue 16, items 3 and 4).

- `referral_outcomes`: what a receiving organisation's device reported about a referral
  (accepted, service delivered, declined, closed). On the receiving device `referral_uuid` is
  the id the referral package gave it (`referral_out.public_id`); on the coordinator and the
  referring device it is the referring device's own referral uuid. No free text travels.
- `sync_acks`: on a device, the last case package the coordinator said it imported (sent in
  its update packages); the change journal before it is pruned (`sync.acks`).
- `stats_peers` and `stats_reports`: a regional coordinator's national coordinator, a national
  coordinator's regions, and the suppressed statistics reports received from them
  (`stats.regional`, `stats.national`). No record of a person is ever among them.

Every table is new, so applying this again over a database whose version was set back changes
nothing.
"""

SQL = """
CREATE TABLE IF NOT EXISTS referral_outcomes (
    uuid TEXT PRIMARY KEY,
    referral_uuid TEXT NOT NULL,
    referrer TEXT NOT NULL,
    org_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('accepted', 'service_delivered', 'declined', 'closed')),
    at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS referral_outcomes_referral ON referral_outcomes (referral_uuid);

CREATE TABLE IF NOT EXISTS sync_acks (
    kind TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL,
    digest TEXT NOT NULL,
    last_change INTEGER NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS stats_peers (
    device_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    age_recipient TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('national', 'region')),
    added_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS stats_reports (
    bundle_id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    report TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stats_reports_period ON stats_reports (period_from, period_to);
"""
