"""A device brought back from an old backup: which case packages the coordinator already has.

A restored device remembers its case packages only up to the backup (sequence K); the
coordinator may have imported more from it before the laptop was lost (up to M). A package
numbered K + 1 would then be refused there as a replay, and its contents would be another
history under numbers already used. So:

- every update package from the coordinator carries, per device, the last case package it
  imported from it (`ack_records`: sequence and digest, nothing personal); a device keeps its
  own (`apply_ack`, meta `coordinator_ack`);
- a restore (`backup.restore`) marks the database (`mark_restored`, meta `sync_restored`: the
  backup and K) and forgets the last acknowledgement, which may be older than the backup;
- the first case package after a restore (`after_restore`): with no acknowledgement received
  since the restore it is refused, asking for an update package from the coordinator first; if
  the coordinator has more than K, it is a catch-up package (the resend mechanism of
  `export`): numbered M + 1, `covers_from` K + 1, following package K, so the coordinator
  checks it against what it has and takes the changes made since the restore (conflicting
  edits go to its conflict queue, the rewritten audit history shows as a fork). Packages the
  coordinator still misses from before are found by its own gap check, as always.
"""

from __future__ import annotations

import json
from typing import Any

from idtool import cases
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import acks
from idtool.sync.apply import Applier

TABLE = "sync_ack"
RESTORED_META = "sync_restored"
ACK_META = "coordinator_ack"


def _meta(conn: Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _set_meta(conn: Connection, key: str, value: dict[str, Any]) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))


def _last_case_out(conn: Connection) -> int:
    row = conn.execute(
        "SELECT max(sequence) FROM sync_bundles WHERE direction = 'out' AND kind = 'case'"
        " AND sender = (SELECT value FROM meta WHERE key = 'device_id')"
    ).fetchone()
    return int(row[0] or 0)


def ack_records(conn: Connection) -> list[dict[str, Any]]:
    """Coordinator: per device, the last case package imported from it and the highest case
    number it holds from it (a restored device must not give a number out twice)."""
    return [
        {
            "table": TABLE,
            "row": {
                "device_id": str(d),
                "sequence": int(s),
                "digest": str(g),
                "case_number": _highest_number(conn, str(d)),
            },
        }
        for d, s, g in conn.execute(
            "SELECT b.sender, b.sequence, b.digest FROM sync_bundles b WHERE b.direction = 'in'"
            " AND b.kind = 'case' AND b.sequence = (SELECT max(sequence) FROM sync_bundles"
            " WHERE direction = 'in' AND kind = 'case' AND sender = b.sender)"
            " ORDER BY b.sender"
        )
    ]


def _highest_number(conn: Connection, device_id: str) -> str:
    row = conn.execute(
        "SELECT max(number) FROM cases WHERE device_id = ? AND number LIKE ?",
        (device_id, device_id[:4].upper() + "-%"),
    ).fetchone()
    return str(row[0] or "")


def apply_ack(session: Session, applier: Applier, row: object) -> None:
    """Device: keep the coordinator's acknowledgement of this device's packages, and raise
    the floor of its case numbers to the highest the coordinator has from it."""
    if (
        not isinstance(row, dict)
        or set(row) != {"device_id", "sequence", "digest", "case_number"}
        or not isinstance(row["device_id"], str)
        or type(row["sequence"]) is not int
        or row["sequence"] < 0
        or not isinstance(row["digest"], str)
        or not isinstance(row["case_number"], str)
        or len(row["case_number"]) > 64
    ):
        applier.quarantine(TABLE, row, "wrong_type")
        return
    if row["device_id"] != session.device_id:
        applier.report.add(TABLE, "unchanged")  # another device's: not ours to keep
        return
    acks.prune(session, applier, row["sequence"], row["digest"])  # one this device wrote
    value = {"sequence": row["sequence"], "digest": row["digest"][:128]}
    floor = row["case_number"]
    old_floor = session.conn.execute(
        "SELECT value FROM meta WHERE key = ?", (cases.NUMBER_FLOOR_META,)
    ).fetchone()
    if _meta(session.conn, ACK_META) == value and (old_floor or [""])[0] >= floor:
        applier.report.add(TABLE, "unchanged")
        return
    _set_meta(session.conn, ACK_META, value)
    if floor and (old_floor is None or old_floor[0] < floor):
        session.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (cases.NUMBER_FLOOR_META, floor),
        )
    applier.report.add(TABLE, "imported")


def mark_restored(conn: Connection, backup_id: str, created: str) -> None:
    """In the restore's transaction: remember the backup and the last case package then."""
    _set_meta(
        conn,
        RESTORED_META,
        {"backup_id": backup_id, "created": created, "case_sequence": _last_case_out(conn)},
    )
    conn.execute("DELETE FROM meta WHERE key = ?", (ACK_META,))


def restored(conn: Connection) -> dict[str, Any] | None:
    """The restore mark (backup id, when it was made, last case package then), or None."""
    return _meta(conn, RESTORED_META)


def after_restore(conn: Connection) -> tuple[int, int] | None:
    """For the first case package after a restore: (covers_from, last sequence the
    coordinator acknowledged) when it must be a catch-up package; None when it is a normal
    one. InvalidInput while the coordinator's acknowledgement is still awaited."""
    mark = restored(conn)
    if mark is None:
        return None
    at_backup = mark.get("case_sequence")
    if type(at_backup) is not int or _last_case_out(conn) != at_backup:
        return None  # a package was written since the restore: back to normal
    ack = _meta(conn, ACK_META)
    if ack is None or type(ack.get("sequence")) is not int:
        raise InvalidInput(
            _(
                "This computer was restored from a backup. Before it writes an exchange "
                "package, import an update package the coordinator writes now: it says which "
                "packages from this computer the coordinator already has."
            )
        )
    if ack["sequence"] <= at_backup:
        return None
    return at_backup + 1, int(ack["sequence"])
