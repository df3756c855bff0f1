"""Certificate issuer keys in bundles, both ways.

- A case bundle announces the sending device's own issuing keys (`issuing.announcements`):
  `{"public_key", "status": active|retired, "certificates": [code digests]}`. The coordinator
  learns a new key as that device's (before the bundle's records, so its certificates can be
  checked against it) if the device's audit log records making it; a key known as another
  device's, or trusted by hand, is refused. A retirement, applied after the records (so
  certificates issued just before it count), vouches only for the certificates the device
  lists AND the coordinator imported from it, signed with that key. Keys must be sound Ed25519
  points (`keys.is_sound_public`).
- An update bundle carries the coordinator's whole trust list of issuer keys, each with its
  device, status and, when not active, its certificates: `{"public_key", "label", "device_id",
  "status", "certificates"}` (older coordinators send only `public_key` and `label`). The
  coordinator's word is final here, except that a status never moves back and this device's
  own keys are its own.
"""

from __future__ import annotations

import re
from typing import Any

from idtool.bundle.keys import is_sound_public
from idtool.certificate import keyring
from idtool.certificate.payload import key_id
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.apply import Applier

ANNOUNCE_FIELDS = {"public_key", "status", "certificates"}
TRUST_FIELDS = {"public_key", "label", "device_id", "status", "certificates"}
MAX_CERTIFICATES = 1_000_000
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _public(value: object) -> bytes | None:
    """Raw bytes of a sound Ed25519 public key given as hex (see `keys.is_sound_public`)."""
    if not isinstance(value, str) or len(value) != 64:
        return None
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    return raw if is_sound_public(raw) else None


def _digests(value: object) -> list[str] | None:
    if (
        not isinstance(value, list)
        or len(value) > MAX_CERTIFICATES
        or not all(isinstance(d, str) and _DIGEST.fullmatch(d) for d in value)
    ):
        return None
    return list(value)


def learn_announced(
    session: Session, applier: Applier, rows: list[Any]
) -> list[tuple[bytes, dict[str, Any]]]:
    """Coordinator, inside a case bundle's import, before its records: learn the sender's new
    issuing keys (so its certificates in this bundle can be checked against them). Returns the
    well-formed announcements of the sender's own keys, for `retire_announced`."""
    conn, sender = session.conn, applier.sender
    accepted: list[tuple[bytes, dict[str, Any]]] = []
    for row in rows:
        public = _public(row.get("public_key")) if isinstance(row, dict) else None
        certificates = _digests(row.get("certificates")) if isinstance(row, dict) else None
        if (
            public is None
            or certificates is None
            or set(row) != ANNOUNCE_FIELDS
            or row["status"] not in ("active", "retired")
        ):
            applier.quarantine("issuing_keys", row, "wrong_type")
            continue
        kid = key_id(public).hex()
        known = conn.execute(
            "SELECT issuer_device FROM trusted_keys WHERE key_id = ?", (kid,)
        ).fetchone()
        if known is not None and known[0] != sender:
            # another device's key, or one trusted by hand (no device): never the sender's
            applier.refuse("issuing_keys", row, "not_owner")
            continue
        if known is None:
            if not _made_in_the_open(conn, sender, kid):
                applier.refuse("issuing_keys", row, "unaudited_key")
                continue
            device = devices.get(conn, sender)
            label = device.label if device is not None else f"device {sender[:8]}"
            applier.report.issuer_keys += keyring.learn(conn, public, label, sender)
            session.audit(
                "trust.issuer_key_learned", kid, {"device": sender, "bundle": applier.bundle_id}
            )
        accepted.append((public, row))
    return accepted


def retire_announced(
    session: Session, applier: Applier, accepted: list[tuple[bytes, dict[str, Any]]]
) -> None:
    """After the records: a key announced retired vouches from now on only for the
    certificates the sender lists AND this coordinator imported from it, signed with it."""
    conn, sender = session.conn, applier.sender
    for public, row in accepted:
        if row["status"] != "retired":
            continue
        vouched = set(row["certificates"]) & set(
            keyring.imported_certificates(conn, public, sender)
        )
        if keyring.retire_trusted(conn, public, "retired", vouched):
            applier.report.issuer_keys += 1
            session.audit(
                "trust.issuer_key_retired",
                key_id(public).hex(),
                {"device": sender, "certificates": len(vouched), "bundle": applier.bundle_id},
            )


def _made_in_the_open(conn: Any, sender: str, kid: str) -> bool:
    """Whether the sender's audit log, as stored here, records making this issuing key
    (`certificate.key_create` or `certificate.key_rotate`): a key put into the database by hand
    has no such entry (forging one leaves it in the chain for good)."""
    return (
        conn.execute(
            "SELECT 1 FROM sync_audit WHERE sender = ? AND json_extract(entry, '$.action') IN"
            " ('certificate.key_create', 'certificate.key_rotate') AND (json_extract(entry,"
            " '$.details.key') = ? OR json_extract(entry, '$.details.new') = ?) LIMIT 1",
            (sender, kid, kid),
        ).fetchone()
        is not None
    )


def apply_trusted_key(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update bundle's import: one issuer key of the coordinator's list."""
    if isinstance(row, dict) and set(row) == {"public_key", "label"}:
        row = {**row, "device_id": "", "status": "active", "certificates": []}
    public = _public(row.get("public_key")) if isinstance(row, dict) else None
    certificates = _digests(row.get("certificates")) if isinstance(row, dict) else None
    if (
        not isinstance(row, dict)
        or public is None
        or certificates is None
        or set(row) != TRUST_FIELDS
        or not isinstance(row["label"], str)
        or not row["label"].strip()
        or not isinstance(row["device_id"], str)
        or len(row["device_id"]) > 100
        or row["status"] not in keyring.STATUSES
    ):
        applier.quarantine("trusted_keys", row, "wrong_type")
        return
    conn = session.conn
    if row["device_id"] == session.device_id:  # my own keys: issuing_keys decides
        applier.report.add("trusted_keys", "unchanged")
        return
    kid = key_id(public).hex()
    changed = keyring.learn(conn, public, row["label"], row["device_id"])
    if row["status"] != "active":
        changed = (
            keyring.retire_trusted(conn, public, row["status"], certificates, replace=True)
            or changed
        )
    if changed:
        session.audit(
            "trust.issuer_key",
            kid,
            {"device": row["device_id"], "status": row["status"], "bundle": applier.bundle_id},
        )
    applier.report.add("trusted_keys", "imported" if changed else "unchanged")


def trust_records(conn: Any) -> list[dict[str, Any]]:
    """The coordinator's trust list of issuer keys, for an update bundle."""
    out = []
    for kid, public, label, device_id, status in conn.execute(
        "SELECT key_id, public_key, label, issuer_device, status FROM trusted_keys"
        " ORDER BY added_at, key_id"
    ).fetchall():
        out.append(
            {
                "table": "trusted_keys",
                "row": {
                    "public_key": str(public),
                    "label": str(label),
                    "device_id": str(device_id),
                    "status": str(status),
                    "certificates": keyring.vouched(conn, str(kid)) if status != "active" else [],
                },
            }
        )
    return out
