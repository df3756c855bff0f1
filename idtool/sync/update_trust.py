"""Applying an update bundle on a device: the trust list (supervisor and device keys, issuer
keys for certificates: `issuers`), certificate revocations and permissions for a new
certificate (`allowances`).

The bundle is a full snapshot signed by a trusted supervisor. A device's own entry is never
taken from it, and a known device whose key would change is quarantined rather than
re-keyed: a new key needs a new enrolment, compared aloud. A revocation is final: a device
the supervisor revoked is never trusted again here, whatever a later (or older) update says.
Directory, policy and questionnaires are applied by `update_reference` and `questionnaires`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from idtool import device_info
from idtool.audit import now_iso
from idtool.bundle import keys
from idtool.certificate import keyring
from idtool.errors import BundleError
from idtool.session import Session
from idtool.sync import (
    acks,
    allowances,
    case_edits,
    devices,
    gap,
    issuers,
    keychange,
    outcome_records,
    questionnaires,
    referral_status,
    update_reference,
)
from idtool.sync.apply import Applier
from idtool.sync.devices import Device, DeviceRole, DeviceStatus

_DEVICE_FIELDS = {"device_id", "label", "signing_key", "age_recipient", "role", "status"}


def _device(row: object) -> Device | None:
    if not isinstance(row, dict):
        return None
    org_id = row.get("org_id", "")  # older supervisors do not send it
    if not isinstance(org_id, str) or len(org_id) > 100:
        return None
    row = {k: v for k, v in row.items() if k != "org_id"}
    if set(row) != _DEVICE_FIELDS or not all(
        isinstance(v, str) and 0 < len(v) <= 200 for v in row.values()
    ):
        return None
    try:
        keys.public_key(row["signing_key"])
        keys.recipient(row["age_recipient"])
        return Device(
            row["device_id"],
            row["label"],
            row["signing_key"],
            row["age_recipient"],
            DeviceRole(row["role"]),
            DeviceStatus(row["status"]),
            org_id=org_id,
        )
    except (ValueError, BundleError):
        return None


def apply_update(session: Session, applier: Applier, records: list[dict[str, Any]]) -> None:
    conn = session.conn
    now = now_iso()
    # A key change first: the snapshot after it names the coordinator with its new keys.
    changes = [r for r in records if isinstance(r, dict) and r.get("table") == "key_change"]
    for record in changes:
        keychange.apply_key_change(session, applier, record.get("row"))
    records = [r for r in records if not any(r is c for c in changes)]
    for record in records:
        if not isinstance(record, dict) or set(record) != {"table", "row"}:
            applier.quarantine("?", record, "not_a_record")
            continue
        table, row = record.get("table"), record.get("row")
        if table == "sync_devices":
            dev = _device(row)
            if dev is None:
                applier.quarantine("sync_devices", row, "wrong_type")
            elif dev.device_id == session.device_id:  # only which organisation it serves
                if dev.org_id and device_info.own_org(conn) != dev.org_id:
                    device_info.set_org(conn, session.device_id, dev.org_id)
                    applier.report.add("sync_devices", "imported")
                else:
                    applier.report.add("sync_devices", "unchanged")
            else:
                known = devices.get(conn, dev.device_id)
                if known is not None and known.status is DeviceStatus.REVOKED:
                    dev = replace(dev, status=DeviceStatus.REVOKED)  # never un-revoked
                if known is not None and known.signing_key != dev.signing_key:
                    applier.quarantine("sync_devices", row, "key_changed")
                elif known is not None and (
                    known.role,
                    known.status,
                    known.label,
                    known.org_id,
                ) == (dev.role, dev.status, dev.label, dev.org_id):
                    applier.report.add("sync_devices", "unchanged")
                else:
                    devices.upsert(conn, dev, now)
                    applier.report.add("sync_devices", "imported")
                    if dev.status is DeviceStatus.REVOKED and (
                        known is None or known.status is not DeviceStatus.REVOKED
                    ):
                        keyring.revoke_device_keys(conn, dev.device_id)
                        session.audit(
                            "sync.device_revoked",
                            dev.device_id,
                            {"role": dev.role.value, "bundle": applier.bundle_id},
                        )
        elif table == "trusted_keys":
            issuers.apply_trusted_key(session, applier, row)
        elif table == "certificate_revocations":
            applier.apply(record)
        elif table == allowances.TABLE:
            allowances.apply(session, applier, row)
        elif table == "directory":
            update_reference.apply_directory(session, applier, row)
        elif table == "policy":
            update_reference.apply_policy(session, applier, row)
        elif table == "policy_options":
            update_reference.apply_option(session, applier, row)
        elif table == "questionnaires":
            questionnaires.install(session, applier, row)
        elif isinstance(table, str) and table.startswith(case_edits.TABLE_PREFIX):
            case_edits.apply(session, applier, record)
        elif table == acks.TABLE:
            acks.apply(session, applier, row)
        elif table == outcome_records.TABLE:
            referral_status.apply_relayed(session, applier, row)
        elif table == gap.TABLE:
            gap.apply_ack(session, applier, row)
        else:
            applier.quarantine(str(table)[:64], row, "unknown_table")
