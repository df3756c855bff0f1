"""The coordinator's earlier keys, kept after a key change (`sync.keychange`): to read packages
written to the old age identity before devices learned the new one, and to sign the key-change
package again for a device that missed it."""

SQL = """
CREATE TABLE IF NOT EXISTS sync_key_history (
    signing_key TEXT NOT NULL,
    age_identity TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    change TEXT NOT NULL
);
"""
