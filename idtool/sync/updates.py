"""Writing update bundles (supervisor -> devices): the trust list, certificate revocations and
permissions for a new certificate, the NRM directory, the role policy table and every
questionnaire, for some trusted devices or all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from idtool import database, directory
from idtool.bundle import Kind
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import (
    allowances,
    case_edits,
    devices,
    gap,
    issuers,
    outcome_records,
    questionnaires,
    review_back,
    tables,
    update_reference,
)
from idtool.sync.devices import DeviceRole
from idtool.sync.erasure_records import records as erasure_records
from idtool.sync.export import Cancelled, Progress, audit_records, write_and_record


def update_records(conn: Connection, session: Session | None = None) -> list[dict[str, Any]]:
    """An update bundle's records: the trust list (devices, and issuer keys with their status
    and the certificates a key no longer active vouches for), revocations, and
    with a session also the directory, the role policy table and every questionnaire."""
    me = devices.own_device(conn, DeviceRole.SUPERVISOR)
    records: list[dict[str, Any]] = []
    for dev in [me, *devices.all_devices(conn)]:
        records.append(
            {
                "table": "sync_devices",
                "row": {
                    "device_id": dev.device_id,
                    "label": dev.label,
                    "signing_key": dev.signing_key,
                    "age_recipient": dev.age_recipient,
                    "role": dev.role.value,
                    "status": dev.status.value,
                    "org_id": dev.org_id,
                },
            }
        )
    records += issuers.trust_records(conn)
    schema = tables.schema(conn)["certificate_revocations"]
    for row in conn.execute(
        f"SELECT {', '.join(schema.names)} FROM certificate_revocations ORDER BY rowid"
    ):
        records.append(
            {"table": "certificate_revocations", "row": dict(zip(schema.names, row, strict=True))}
        )
    records += allowances.records(conn)
    records += erasure_records(conn)
    records += gap.ack_records(conn)
    if session is not None:
        records += update_reference.directory_records(session)
        records += update_reference.policy_records(conn)
        records += update_reference.options_records(conn)
        records += questionnaires.collect(conn)
    return records


def export_update(
    session: Session,
    out: str | Path,
    device_ids: Iterable[str],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    extra: list[dict[str, Any]] | None = None,
    signing: str | None = None,
) -> Path:
    """Supervisor: write an update bundle (trust list, revocations, directory, policy,
    questionnaires) for the given devices. `extra` records go first (a key change), and
    `signing` replaces this device's signing key (the old key, for a key change)."""
    session.require(Action.TRUST_LIST)
    conn = session.conn
    me = devices.own_device(conn, DeviceRole.SUPERVISOR)
    recipients = [me.age_recipient]
    device_ids = list(device_ids)
    for device_id in device_ids:
        dev = devices.get(conn, device_id)
        if dev is None:
            raise InvalidInput(_("This device is not in the trust list."))
        recipients.append(dev.age_recipient)
    directory.organisations(session)  # seeds the working copy first (its own transaction)
    with database.transaction(conn, immediate=False):
        records = [*(extra or []), *update_bundle_records(session, device_ids)]
        _entries, head = audit_records(conn, 1 << 62)
    return write_and_record(
        session,
        out,
        Kind.UPDATE,
        records,
        head,
        recipients,
        0,
        0,
        progress,
        cancelled,
        {"records": len(records)},
        signing=signing,
    )


def update_bundle_records(session: Session, device_ids: list[str]) -> list[dict[str, Any]]:
    """What an update for `device_ids` carries (inside the caller's transaction). The
    coordinator's edits of a device's cases hold personal data (names, decisions): they go only
    into an update for that one device, which no other post can decrypt."""
    conn = session.conn
    records = update_records(conn, session)
    records += outcome_records.relayed(conn, device_ids)  # `referral_status`
    if len(device_ids) == 1:
        records += case_edits.records(conn, device_ids)
    records += review_back.records(conn, device_ids)
    return records


def export_updates(
    session: Session,
    out: str | Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> tuple[Path, dict[str, Path]]:
    """Supervisor: the update for every trusted device, and for each device whose cases the
    coordinator changed, an update for it alone carrying those changes (a superset of the
    shared one: the device imports whichever it gets). Returns (shared, {device: own})."""
    ids = _trusted_devices(session)
    shared = export_update(session, out, ids, progress, cancelled)
    own: dict[str, Path] = {}
    for device_id in ids:
        with database.transaction(session.conn, immediate=False):
            pending = case_edits.records(session.conn, [device_id])
        if pending:
            own[device_id] = export_update(session, out, [device_id])
    return shared, own


def _trusted_devices(session: Session) -> list[str]:
    return [
        d.device_id
        for d in devices.all_devices(session.conn)
        if d.role is DeviceRole.DEVICE and d.status is devices.DeviceStatus.TRUSTED
    ]


def export_update_all(
    session: Session,
    out: str | Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    extra: list[dict[str, Any]] | None = None,
    signing: str | None = None,
) -> Path:
    """Supervisor: one update bundle readable by every trusted device (no device's case
    edits: see `update_bundle_records`; `export_updates` writes those too)."""
    ids = _trusted_devices(session)
    return export_update(session, out, ids, progress, cancelled, extra=extra, signing=signing)
