"""Certificate issuer keys in bundles, both ways.

- A case bundle announces the sending device's own issuing keys (`issuing.announcements`):
  `{"public_key", "status": active|retired, "certificates": [code digests]}`. The coordinator
  learns a new key as that device's, and a retirement with the certificates it still vouches
  for: those the device lists AND the coordinator imported from it, signed with that key. A key
  known as another device's is refused. Applied after the bundle's records, so certificates
  issued just before a retirement are counted.
- An update bundle carries the coordinator's whole trust list of issuer keys, each with its
  device, status and, when not active, its certificates: `{"public_key", "label", "device_id",
  "status", "certificates"}` (older coordinators send only `public_key` and `label`). The
  coordinator's word is final here, except that a status never moves back and this device's
  own keys are its own.
"""

from __future__ import annotations

import re
from typing import Any

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
    if not isinstance(value, str) or len(value) != 64:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _digests(value: object) -> list[str] | None:
    if not isinstance(value, list) or len(value) > MAX_CERTIFICATES or not all(
            isinstance(d, str) and _DIGEST.fullmatch(d) for d in value):
        return None
    return list(value)


def apply_announcements(session: Session, applier: Applier, rows: list[Any]) -> None:
    """Coordinator, inside a case bundle's import: the sender's issuing keys."""
    conn, sender = session.conn, applier.sender
    for row in rows:
        public = _public(row.get("public_key")) if isinstance(row, dict) else None
        certificates = _digests(row.get("certificates")) if isinstance(row, dict) else None
        if (public is None or certificates is None or set(row) != ANNOUNCE_FIELDS
                or row["status"] not in ("active", "retired")):
            applier.quarantine("issuing_keys", row, "wrong_type")
            continue
        kid = key_id(public).hex()
        known = conn.execute("SELECT issuer_device FROM trusted_keys WHERE key_id = ?",
                             (kid,)).fetchone()
        if known is not None and known[0] not in (sender, ""):
            applier.refuse("issuing_keys", row, "not_owner")
            continue
        changed = False
        if known is None or not known[0]:
            device = devices.get(conn, sender)
            label = device.label if device is not None else f"device {sender[:8]}"
            changed = keyring.learn(conn, public, label, sender) or known is not None
            session.audit("trust.issuer_key_learned", kid, {"device": sender,
                                                              "bundle": applier.bundle_id})
        if row["status"] == "retired":
            vouched = set(certificates) & set(keyring.imported_certificates(conn, public,
                                                                            sender))
            if keyring.retire_trusted(conn, public, "retired", vouched):
                changed = True
                session.audit("trust.issuer_key_retired", kid, {
                    "device": sender, "certificates": len(vouched),
                    "bundle": applier.bundle_id})
        applier.report.issuer_keys += changed


def revoke_device_keys(conn: Any, device_id: str) -> None:
    """The device was revoked: its keys vouch only for the certificates imported from it
    (on a device, none until the coordinator's list arrives)."""
    for (public,) in conn.execute("SELECT public_key FROM trusted_keys WHERE issuer_device = ?"
                                  " AND status != 'revoked'", (device_id,)).fetchall():
        raw = bytes.fromhex(public)
        keyring.retire_trusted(conn, raw, "revoked",
                               keyring.imported_certificates(conn, raw, device_id))


def apply_trusted_key(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update bundle's import: one issuer key of the coordinator's list."""
    if isinstance(row, dict) and set(row) == {"public_key", "label"}:
        row = {**row, "device_id": "", "status": "active", "certificates": []}
    public = _public(row.get("public_key")) if isinstance(row, dict) else None
    certificates = _digests(row.get("certificates")) if isinstance(row, dict) else None
    if (public is None or certificates is None or set(row) != TRUST_FIELDS  # type: ignore[arg-type]
            or not isinstance(row["label"], str) or not row["label"].strip()  # type: ignore[index]
            or not isinstance(row["device_id"], str) or len(row["device_id"]) > 100  # type: ignore[index]
            or row["status"] not in keyring.STATUSES):  # type: ignore[index]
        applier.quarantine("trusted_keys", row, "wrong_type")
        return
    assert isinstance(row, dict)
    conn = session.conn
    if row["device_id"] == session.device_id:  # my own keys: issuing_keys decides
        applier.report.add("trusted_keys", "unchanged")
        return
    kid = key_id(public).hex()
    changed = keyring.learn(conn, public, row["label"], row["device_id"])
    if row["status"] != "active":
        changed = keyring.retire_trusted(conn, public, row["status"], certificates,
                                         replace=True) or changed
    if changed:
        session.audit("trust.issuer_key", kid, {"device": row["device_id"],
                                                 "status": row["status"],
                                                 "bundle": applier.bundle_id})
    applier.report.add("trusted_keys", "imported" if changed else "unchanged")


def trust_records(conn: Any) -> list[dict[str, Any]]:
    """The coordinator's trust list of issuer keys, for an update bundle."""
    out = []
    for kid, public, label, device_id, status in conn.execute(
            "SELECT key_id, public_key, label, issuer_device, status FROM trusted_keys"
            " ORDER BY added_at, key_id").fetchall():
        out.append({"table": "trusted_keys", "row": {
            "public_key": str(public), "label": str(label), "device_id": str(device_id),
            "status": str(status),
            "certificates": keyring.vouched(conn, str(kid)) if status != "active" else []}})
    return out
