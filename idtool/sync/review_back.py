"""The coordinator's review resolutions of a device's cases travel back to that device in its
update packages (issue 16, item 3), so the post knows its case was reviewed.

The review queue stays the coordinator's (`oversight`); a post needs only to know that an item
about one of its own cases was resolved there: a decision against the recommendation was
reviewed (the case loses its `review` mark), a case waiting for a decision, a referral waiting
for a response, a non-punishment flag was followed up.

`records(conn, device_ids)`: the coordinator's own resolutions (`device_id` is the coordinator)
whose item belongs to a case owned by one of `device_ids` (`sync_owners`), with the officers
who wrote them (as `case_edits` records, applied there). Sent each time; a resolution already
there comes out "unchanged". The coordinator's note stays with it: an update for all devices
is readable by every post, and the note is free text that may name the person; the post
learns what was reviewed and when.

`apply(session, applier, row)` on the device, inside the update's import:

- written by another device than the coordinator that signed -> refused ("foreign_origin");
- about a case not here (another post's) -> skipped ("unchanged"), as `case_edits` does;
- about a case here that this device did not make (`sync_owners` names another) -> refused
  ("not_owner");
- else stored in `review_resolutions` and audited; a resolution of the case's latest decision
  against the recommendation clears the case's `review` mark (a newer such decision made here
  since keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from idtool.database import Connection
from idtool.session import Session
from idtool.sync import case_edits, devices, tables
from idtool.sync.apply import Applier
from idtool.sync.devices import DeviceRole

TABLE = "review_resolution"
FIELDS = ("uuid", "kind", "target", "officer_uuid", "resolved_at", "device_id")
# kind -> the case its target (a decision, a case or a referral) belongs to
_CASE_OF = {
    "against_recommendation": "SELECT case_uuid FROM decisions WHERE uuid = ?",
    "no_decision": "SELECT uuid FROM cases WHERE uuid = ?",
    "non_punishment": "SELECT uuid FROM cases WHERE uuid = ?",
    "no_referral_response": "SELECT case_uuid FROM referrals WHERE uuid = ?",
}
_OWNER = "SELECT device_id FROM sync_owners WHERE tbl = 'cases' AND record_key = ?"


@dataclass(frozen=True)
class Reviewed:
    """A resolution the coordinator recorded about a case of this device."""

    kind: str
    resolved_at: str


def _case_of(conn: Connection, kind: str, target: str) -> str | None:
    row = conn.execute(_CASE_OF[kind], (target,)).fetchone()
    return None if row is None else str(row[0])


def records(conn: Connection, device_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The coordinator: its resolutions of items of the cases of `device_ids`."""
    ids = set(device_ids)
    if not ids:
        return []
    me = devices.own_device(conn, DeviceRole.SUPERVISOR).device_id
    found: list[dict[str, Any]] = []
    officers: set[str] = set()
    for values in conn.execute(
        f"SELECT {', '.join(FIELDS)} FROM review_resolutions WHERE device_id = ? ORDER BY rowid",
        (me,),
    ):
        row = dict(zip(FIELDS, values, strict=True))
        case = _case_of(conn, row["kind"], row["target"]) if row["kind"] in _CASE_OF else None
        owner = None if case is None else conn.execute(_OWNER, (case,)).fetchone()
        if owner is not None and owner[0] in ids:
            officers.add(row["officer_uuid"])
            found.append({"table": TABLE, "row": row})
    table = tables.schema(conn)["officers"]
    people = [
        {
            "table": case_edits.TABLE_PREFIX + "officers",
            "row": dict(zip(table.names, values, strict=True)),
        }
        for values in conn.execute(
            f"SELECT {', '.join(table.names)} FROM officers WHERE device_id = ? AND uuid IN"
            f" ({', '.join('?' * len(officers))}) ORDER BY rowid",
            (me, *sorted(officers)),
        )
    ]
    return people + found


def apply(session: Session, applier: Applier, row: object) -> None:
    """The device: one resolution of the coordinator's (see the module notes)."""
    if not isinstance(row, dict) or set(row) != set(FIELDS):
        applier.quarantine("review_resolutions", row, "missing_fields")
        return
    if not all(isinstance(row[f], str) for f in FIELDS) or row["kind"] not in _CASE_OF:
        applier.quarantine("review_resolutions", row, "wrong_type")
        return
    if row["device_id"] != applier.sender:
        applier.refuse("review_resolutions", row, "foreign_origin", "device_id")
        return
    conn = session.conn
    case = _case_of(conn, row["kind"], row["target"])
    if case is None:
        applier.report.add("review_resolutions", "unchanged")  # another device's case
        return
    if conn.execute(_OWNER, (case,)).fetchone() is not None:
        applier.refuse("review_resolutions", row, "not_owner", "case")
        return
    if conn.execute("SELECT 1 FROM review_resolutions WHERE uuid = ?", (row["uuid"],)).fetchone():
        applier.report.add("review_resolutions", "unchanged")
        return
    if not conn.execute("SELECT 1 FROM officers WHERE uuid = ?", (row["officer_uuid"],)).fetchone():
        applier.quarantine("review_resolutions", row, "missing_reference", "officer_uuid")
        return
    conn.execute(
        f"INSERT INTO review_resolutions ({', '.join(FIELDS)}, note) VALUES"
        f" ({', '.join('?' * len(FIELDS))}, '')",
        tuple(row[f] for f in FIELDS),
    )
    if (
        row["kind"] == "against_recommendation"
        and not conn.execute(
            "SELECT 1 FROM decisions WHERE supersedes = ?", (row["target"],)
        ).fetchone()
    ):
        conn.execute("UPDATE cases SET review = 0 WHERE uuid = ?", (case,))
    session.audit(
        "sync.review_resolved",
        case,
        {"kind": row["kind"], "target": row["target"], "bundle": applier.bundle_id},
    )
    applier.report.add("review_resolutions", "imported")


def reviewed(session: Session, case_uuid: str) -> list[Reviewed]:
    """The resolutions another device (the coordinator) recorded about this case, oldest
    first; read with the case (the case view is audited as a view of the case)."""
    conn = session.conn
    found = []
    for kind, target, at in conn.execute(
        "SELECT kind, target, resolved_at FROM review_resolutions WHERE device_id != ?"
        " ORDER BY resolved_at, rowid",
        (session.device_id,),
    ):
        if kind in _CASE_OF and _case_of(conn, kind, target) == case_uuid:
            found.append(Reviewed(kind, at))
    return found
