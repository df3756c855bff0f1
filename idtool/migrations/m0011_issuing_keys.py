"""Keys by purpose: a certificate-issuing key apart from the device's bundle key.

- `issuing_keys`: this device's issuing keys (public part); `issuing_key_wraps`: the private key
  encrypted to the key slot of each officer who may issue (and to the recovery slot).
- `trusted_keys` gains the device that issues with each key and its status; a key that is no
  longer active (the device was revoked, or the key retired) vouches only for the certificates
  listed in `trusted_key_certificates` (SHA-256 of the code text).

Before this migration the bundle key also signed certificates, and every officer could open
it. That key is retired here as an issuer: the certificates it signed so far stay valid, any
later code signed with it does not. The new issuing key is made at the next unlock. Keys of
other devices learned from updates are matched to their device; those of a revoked device
become revoked (their list arrives with the coordinator's next update).

`policy_options` holds who may issue and how (`idtool.policy_options`).
"""

from __future__ import annotations

from idtool.certificate import keyring
from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE TABLE issuing_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    created_at TEXT NOT NULL,
    retired_at TEXT
);
CREATE TABLE issuing_key_wraps (
    key_id TEXT NOT NULL REFERENCES issuing_keys (key_id),
    slot_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (key_id, slot_id)
);
ALTER TABLE trusted_keys ADD COLUMN issuer_device TEXT NOT NULL DEFAULT '';
ALTER TABLE trusted_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'retired', 'revoked'));
CREATE TABLE policy_options (
    uuid TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE trusted_key_certificates (
    key_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (key_id, digest)
) WITHOUT ROWID;
"""


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    meta = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('device_signing_key', 'device_id')")
    )
    if "device_signing_key" not in meta:
        return  # a database being made: its issuing key comes with its first officer
    here = meta["device_id"]
    for device_id, signing_key, status in conn.execute(
        "SELECT device_id, signing_key, status FROM sync_devices"
    ):
        conn.execute(
            "UPDATE trusted_keys SET issuer_device = ?, status = CASE WHEN ? ="
            " 'revoked' THEN 'revoked' ELSE status END WHERE public_key = ?",
            (device_id, status, signing_key),
        )
    own = keyring.public_of(meta["device_signing_key"])
    keyring.learn(conn, own, f"device {here[:8]}", here, "active")
    keyring.retire_trusted(conn, own, "retired", keyring.local_certificates(conn, own))
    # The coordinator vouches for its devices' certificates: their bundle keys were their
    # issuing keys until they upgrade (they then announce the retirement themselves).
    for device_id, signing_key, status, label in conn.execute(
        "SELECT device_id, signing_key, status, label FROM sync_devices WHERE role = 'device'"
    ).fetchall():
        public = bytes.fromhex(signing_key)
        keyring.learn(conn, public, label, device_id, "active")
        if status == "revoked":
            keyring.retire_trusted(
                conn, public, "revoked", keyring.imported_certificates(conn, public, device_id)
            )
