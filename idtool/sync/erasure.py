"""Erasures travel: a tombstone (`erasure.Tombstone`, record table "erasures") goes wherever
the erased case went, and the case is erased there too.

- A post's case package carries the tombstones of the erasures decided on that post for its
  own cases (`erasure_records.outgoing`, from the change journal like every other record).
  The coordinator accepts one only from the device that owns the case: the tombstone must
  name the signer as the owner and as the device that decided, and a case held here must be
  the signer's (`sync.ownership`). Any other is refused and nothing is erased.
- The coordinator's update packages carry every tombstone it holds
  (`erasure_records.records`): its own erasures of any case, and those its devices sent. The
  coordinator may erase any case.
- Applying a tombstone erases the case if it is here (as deep as its kind says), and the cases
  opened here from a referral of it: a received referral names the sending device and its
  case (`referrals_received`, by the case's `referral_out.public_id`), and only a tombstone of
  that device's case erases them. Such an erasure is this device's own: its tombstone goes to
  the coordinator in the next case package.
- The tombstone is kept, so a record of the case written before the erasure reached its sender
  is refused when it arrives (`sync.ownership`, "erased"), and not kept.

Everything happens inside the import's transaction; the importer scrubs the file afterwards
(`erasure.scrub`) when anything was erased.
"""

from __future__ import annotations

import uuid
from typing import Any

from idtool import erasure
from idtool.erasure import COLUMNS, Kind, Tombstone
from idtool.session import Session
from idtool.sync.apply import Applier
from idtool.sync.erasure_records import TABLE, split
from idtool.sync.referral_out import public_id

__all__ = ["from_coordinator", "from_device", "split"]

MAX_FIELD = 200


def _valid(row: object) -> Tombstone | None:
    if not isinstance(row, dict) or set(row) != set(COLUMNS):
        return None
    if not all(isinstance(row[c], str) and 0 < len(row[c]) <= MAX_FIELD for c in COLUMNS):
        return None
    if row["kind"] not in {k.value for k in Kind}:
        return None
    try:
        for c in ("uuid", "case_uuid", "person_uuid"):
            uuid.UUID(row[c])
    except ValueError:
        return None
    return Tombstone(**{c: row[c] for c in COLUMNS})


def from_device(session: Session, applier: Applier, rows: list[Any]) -> int:
    """A case package's tombstones, signed by `applier.sender`; returns how many erased."""
    conn, signer = session.conn, applier.sender
    done = 0
    for row in rows:
        stone = _valid(row)
        if stone is None:
            applier.quarantine(TABLE, row, "wrong_type")
            continue
        if erasure.case_erased(conn, stone.case_uuid):
            applier.report.add(TABLE, "unchanged")
            continue
        if stone.owner != signer or stone.device_id != signer:
            applier.refuse(TABLE, row, "foreign_origin", "owner, device_id")
            continue
        held = conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (stone.case_uuid,)).fetchone()
        if held is not None and erasure.owner_of(conn, stone.case_uuid) != signer:
            applier.refuse(TABLE, row, "not_owner", "case_uuid")
            continue
        done += _apply(session, applier, stone)
    return done


def from_coordinator(session: Session, applier: Applier, rows: list[Any]) -> int:
    """An update package's tombstones (the coordinator signed it); returns how many erased."""
    done = 0
    for row in rows:
        stone = _valid(row)
        if stone is None:
            applier.quarantine(TABLE, row, "wrong_type")
        elif erasure.case_erased(session.conn, stone.case_uuid):
            applier.report.add(TABLE, "unchanged")
            done += _copies(session, applier, stone)
        else:
            done += _apply(session, applier, stone)
    return done


def _apply(session: Session, applier: Applier, stone: Tombstone) -> int:
    conn = session.conn
    details: dict[str, object] = {"from": stone.device_id, "bundle": applier.bundle_id}
    done = 0
    if conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (stone.case_uuid,)).fetchone():
        erasure.erase_rows(session, stone.case_uuid, Kind(stone.kind), stone=stone, details=details)
        done += 1
    else:  # not here: kept all the same, so a record of it that comes later is refused
        conn.execute(
            f"INSERT INTO erasures ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            tuple(stone.row().values()),
        )
        session.audit(
            "case.erase", stone.case_uuid, {"kind": stone.kind, "absent": True, **details}
        )
    applier.report.add(TABLE, "imported")
    return done + _copies(session, applier, stone)


def _copies(session: Session, applier: Applier, stone: Tombstone) -> int:
    """Erase the cases opened here from a referral of the erased case (by its owner)."""
    conn = session.conn
    copies = [
        str(r[0])
        for r in conn.execute(
            "SELECT g.case_uuid FROM referrals_received g WHERE g.sender = ? AND"
            " g.source_case_uuid = ? AND NOT EXISTS"
            " (SELECT 1 FROM erasures e WHERE e.case_uuid = g.case_uuid)",
            (stone.owner, public_id(stone.case_uuid)),
        )
    ]
    for case in dict.fromkeys(copies):
        erasure.erase_rows(
            session,
            case,
            Kind(stone.kind),
            details={"source": stone.uuid, "bundle": applier.bundle_id},
        )
    return len(set(copies))
