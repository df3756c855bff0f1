"""Victim-status certificates, their revocations, and the trust list of issuer keys."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE TABLE certificates (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    person_uuid TEXT NOT NULL UNIQUE REFERENCES persons (uuid),
    decision_uuid TEXT NOT NULL REFERENCES decisions (uuid),
    holder_key TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    holder_birth_date TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    officer_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    language TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    code TEXT NOT NULL,
    prints INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX certificates_case ON certificates (case_uuid);
CREATE INDEX certificates_holder ON certificates (holder_key);

CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN
    SELECT RAISE(ABORT, 'certificates are never deleted; revoke them');
END;

CREATE TABLE certificate_revocations (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    officer_uuid TEXT NOT NULL,
    officer_name TEXT NOT NULL,
    revoked_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER certificate_revocations_no_update BEFORE UPDATE ON certificate_revocations
BEGIN
    SELECT RAISE(ABORT, 'revocations are never edited');
END;

CREATE TRIGGER certificate_revocations_no_delete BEFORE DELETE ON certificate_revocations
BEGIN
    SELECT RAISE(ABORT, 'revocations are never deleted');
END;

CREATE TABLE trusted_keys (
    uuid TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    label TEXT NOT NULL,
    added_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
"""


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    # A database made before this migration already has its device key: trust it now. (A new
    # database gets its key after the migrations: the certificate code adds it on first use.)
    meta = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('device_signing_key', 'device_id')")
    )
    if "device_signing_key" not in meta:
        return
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(meta["device_signing_key"]))
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    conn.execute(
        "INSERT INTO trusted_keys (uuid, key_id, public_key, label, added_at, device_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            str(uuid.uuid4()),
            hashlib.sha256(public).digest()[:8].hex(),
            public.hex(),
            f"device {meta['device_id'][:8]}",
            datetime.now(UTC).isoformat(timespec="seconds"),
            meta["device_id"],
        ),
    )
