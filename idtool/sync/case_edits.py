"""The coordinator's decisions and edits of a device's cases travel back to that device in its
update packages (issue 16, item 3).

`records(conn, device_ids)`: every record of a case owned by one of `device_ids` (as
`sync_owners` says) that the coordinator itself wrote last - a decision, an assessment under
new rules, a corrected person, a case status - and the coordinator's officers those records
name, in the order of `tables.ORDER`. Sent each time (what is already there comes out
"unchanged").

`apply(session, applier, record)` on the device, inside the update's import, for a record of
one of this device's own cases (made here: not in `sync_owners`; another device's case is
skipped) written by the coordinator (its `device_id` is the signer, else refused
"foreign_origin"):

- not here yet -> inserted (a decision, a consent, an addendum are append-only anyway);
- identical -> unchanged; last written by the coordinator too -> the newer version wins;
- ours, and the coordinator's edit was based on exactly our current version (`base_version`
  equals our `version`) -> replaced: nobody changed it here since;
- ours, changed here since the version the coordinator edited -> the conflict queue
  (`conflicts.resolve_conflict`): never last-writer-wins.

Answers carry no writer and never travel back. The coordinator keeps its own rule for the
device's later packages (`apply`): a record it edited and the device edits again is a
conflict there, for a person to resolve.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from idtool.database import Connection
from idtool.session import Session
from idtool.sync import devices, tables
from idtool.sync.apply import Applier
from idtool.sync.devices import DeviceRole

TABLE_PREFIX = "edit:"  # record tables in an update are "edit:<table>"
_OWNED = "SELECT record_key FROM sync_owners WHERE tbl = 'cases' AND device_id IN ({marks})"
# table -> the condition naming the device's cases (`{owned}`: the owned case uuids)
_WHERE = {
    "persons": "uuid IN (SELECT person_uuid FROM cases WHERE uuid IN ({owned}))",
    "cases": "uuid IN ({owned})",
    "interviews": "case_uuid IN ({owned})",
    "assessments": "case_uuid IN ({owned})",
    "interview_addenda": "case_uuid IN ({owned})",
    "decisions": "case_uuid IN ({owned})",
    "consents": "case_uuid IN ({owned})",
    "referrals": "case_uuid IN ({owned})",
    "referral_events": "referral_uuid IN (SELECT uuid FROM referrals WHERE case_uuid IN ({owned}))",
    "certificates": "case_uuid IN ({owned})",
    "certificate_revocations": (
        "number IN (SELECT number FROM certificates WHERE case_uuid IN ({owned}))"
    ),
}
_CASE_OF = {
    "persons": "SELECT uuid FROM cases WHERE person_uuid = ?",
    "cases": "SELECT uuid FROM cases WHERE uuid = ?",
    "referral_events": "SELECT case_uuid FROM referrals WHERE uuid = ?",
    "certificate_revocations": "SELECT case_uuid FROM certificates WHERE number = ?",
}
_CASE_KEY = {"persons": "uuid", "cases": "uuid", "referral_events": "referral_uuid"}


def records(conn: Connection, device_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The coordinator: its own writes to the cases of `device_ids`, parents first."""
    ids = list(device_ids)
    if not ids:
        return []
    me = devices.own_device(conn, DeviceRole.SUPERVISOR).device_id
    owned = _OWNED.format(marks=", ".join("?" * len(ids)))
    schema = tables.schema(conn)
    found: list[dict[str, Any]] = []
    officers: set[str] = set()
    for name, where in _WHERE.items():
        table = schema[name]
        cols = ", ".join(table.names)
        for row in conn.execute(
            f"SELECT {cols} FROM {name} WHERE device_id = ? AND {where.format(owned=owned)}"
            " ORDER BY rowid",
            (me, *ids),
        ):
            values = dict(zip(table.names, row, strict=True))
            if isinstance(values.get("officer_uuid"), str):
                officers.add(values["officer_uuid"])
            found.append({"table": TABLE_PREFIX + name, "row": values})
    table = schema["officers"]
    people = [
        {"table": TABLE_PREFIX + "officers", "row": dict(zip(table.names, row, strict=True))}
        for row in conn.execute(
            f"SELECT {', '.join(table.names)} FROM officers WHERE device_id = ? AND uuid IN"
            f" ({', '.join('?' * len(officers))}) ORDER BY rowid",
            (me, *sorted(officers)),
        )
    ]
    return people + found


def _case_of(conn: Connection, name: str, row: dict[str, Any]) -> str | None:
    if name in _CASE_OF:
        key = row["number"] if name == "certificate_revocations" else row[_CASE_KEY[name]]
        found = conn.execute(_CASE_OF[name], (key,)).fetchone()
        return None if found is None else str(found[0])
    return str(row["case_uuid"])


def apply(session: Session, applier: Applier, record: dict[str, Any]) -> None:
    """The device: one record of the coordinator's (see the module notes)."""
    conn = session.conn
    name = str(record["table"])[len(TABLE_PREFIX) :]
    row = record["row"]
    table = applier.schema.get(name)
    if table is None:
        applier.quarantine(name[:64], row, "unknown_table")
        return
    problem = tables.check_row(table, row)
    if problem is not None:
        applier.quarantine(name, row, *problem)
        return
    if row.get("device_id") != applier.sender:
        applier.refuse(name, row, "foreign_origin", "device_id")
        return
    if name == "officers":
        if tables.read_row(conn, table, table.record_key(row)) is None:
            applier.apply({"table": name, "row": row})
        else:
            applier.report.add(name, "unchanged")
        return
    case = _case_of(conn, name, row)
    if case is None and name in ("persons", "cases"):
        applier.report.add(name, "unchanged")  # a case of another device: not here
        return
    if (
        case is None
        or conn.execute(
            "SELECT 1 FROM sync_owners WHERE tbl = 'cases' AND record_key = ?", (case,)
        ).fetchone()
        is not None
        or not conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (case,)).fetchone()
    ):
        applier.report.add(name, "unchanged")  # not one of this device's own cases
        return
    local = tables.read_row(conn, table, table.record_key(row))
    if (
        local is None
        or name in tables.APPEND_ONLY
        or local["device_id"] == row["device_id"]
        or local == row
    ):
        applier.apply({"table": name, "row": row})
        return
    if row["base_version"] != local["version"]:
        applier.conflict(table, table.record_key(row), local, row)
        return
    if name in ("persons", "certificates"):
        keyed = applier.own_keys(name, row)  # identity keys are computed here, as on import
        if keyed is None:
            return
        row = keyed
    applier.update(table, row)
    applier.report.add(name, "imported")
