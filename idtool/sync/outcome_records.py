"""The records of referral outcomes that packages carry (see `referral_status`): kept apart so
that the writers of case and update packages (`export`, `updates`) need nothing else."""

from __future__ import annotations

from typing import Any

from idtool.database import Connection

TABLE = "referral_outcome"
STATUSES = ("accepted", "service_delivered", "declined", "closed")
FIELDS = ("uuid", "referral", "referrer", "org_id", "status", "at")
COLUMNS = "uuid, referral_uuid, referrer, org_id, status, at"


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"table": TABLE, "row": dict(zip(FIELDS, (str(v) for v in row), strict=True))}


def outgoing(conn: Connection, device_id: str) -> list[dict[str, Any]]:
    """Every outcome this device reported, for its case package (a handful per referral: sent
    each time, so one quarantined at the coordinator comes again)."""
    return [
        _record(r)
        for r in conn.execute(
            f"SELECT {COLUMNS} FROM referral_outcomes WHERE device_id = ? ORDER BY at, rowid",
            (device_id,),
        )
    ]


def relayed(conn: Connection, device_ids: list[str]) -> list[dict[str, Any]]:
    """The coordinator's update for `device_ids`: the outcomes of the referrals they made."""
    if not device_ids:
        return []
    marks = ", ".join("?" * len(device_ids))
    return [
        _record(r)
        for r in conn.execute(
            "SELECT o.uuid, o.referral_uuid, o.referrer, o.org_id, o.status, o.at"
            f" FROM referral_outcomes o WHERE o.referrer IN ({marks})"
            " AND o.device_id != o.referrer ORDER BY o.at, o.rowid",
            device_ids,
        )
    ]
