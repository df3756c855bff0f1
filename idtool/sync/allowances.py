"""The coordinator's permissions for a new certificate (`certificate.reissue`) in update
packages: `{"table": "certificate_allowances", "row": {uuid, number, reason, officer_uuid,
officer_name, allowed_at}}`, every one the coordinator has (a full snapshot, like revocations).

A device stores one it does not have, as written by the package's sender (audited
`certificate.allow_new_received`); the same one again is unchanged; a different record under a
known uuid or certificate number is quarantined (`changed`), a malformed one too (`wrong_type`).
Only update packages carry them, and only a trusted coordinator signs those: a case package
naming this table is refused as an unknown table, so a device cannot give itself a permission
by way of its coordinator.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from idtool.certificate import reissue
from idtool.database import Connection
from idtool.session import Session
from idtool.sync.apply import Applier

TABLE = "certificate_allowances"
FIELDS = ("uuid", "number", "reason", "officer_uuid", "officer_name", "allowed_at")
_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
MAX_NAME = 100
MAX_TIME = 64


def records(conn: Connection) -> list[dict[str, Any]]:
    """The update package's records: every permission known here."""
    return [
        {"table": TABLE, "row": {name: getattr(a, name) for name in FIELDS}}
        for a in reissue.allowances(conn).values()
    ]


def _text(value: object, cap: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= cap and value.isprintable()


def _allowance(row: object, sender: str) -> reissue.Allowance | None:
    if not isinstance(row, dict) or set(row) != set(FIELDS):
        return None
    try:
        if str(uuid.UUID(str(row["uuid"]))) != row["uuid"]:
            return None
    except ValueError:
        return None
    if not (
        isinstance(row["number"], str)
        and _NUMBER.fullmatch(row["number"])
        and _text(row["reason"], reissue.MAX_REASON)
        and row["reason"] == " ".join(row["reason"].split())
        and _text(row["officer_uuid"], MAX_TIME)
        and _text(row["officer_name"], MAX_NAME)
        and _text(row["allowed_at"], MAX_TIME)
    ):
        return None
    return reissue.Allowance(
        row["uuid"],
        row["number"],
        row["reason"],
        row["officer_uuid"],
        row["officer_name"],
        row["allowed_at"],
        sender,
    )


def apply(session: Session, applier: Applier, row: object) -> None:
    """A device, inside an update package's import: one permission from the coordinator."""
    allowance = _allowance(row, applier.sender)
    if allowance is None:
        applier.quarantine(TABLE, row, "wrong_type")
        return
    conn = session.conn
    known = conn.execute(
        "SELECT uuid, number, reason, officer_uuid, officer_name, allowed_at, device_id"
        " FROM certificate_allowances WHERE uuid = ? OR number = ?",
        (allowance.uuid, allowance.number),
    ).fetchall()
    if known:
        if len(known) == 1 and reissue.Allowance(*(str(v) for v in known[0])) == allowance:
            applier.report.add(TABLE, "unchanged")
        else:
            applier.quarantine(TABLE, row, "changed")
        return
    reissue.store(conn, allowance)
    session.audit(
        "certificate.allow_new_received",
        allowance.number,
        {"allowance": allowance.uuid, "bundle": applier.bundle_id},
    )
    applier.report.add(TABLE, "imported")
