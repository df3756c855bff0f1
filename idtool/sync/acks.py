"""Acknowledgements: the coordinator says which case package it imported, and the device prunes
its change journal up to there.

The coordinator's update package for some devices carries, for each of them, the sequence
number and digest of the last case package it imported from that device (`records`, table
`ack`). The device (`apply`) accepts an acknowledgement only for a package it wrote itself
(same sequence number and digest in its own log of packages written) and newer than the one
acknowledged before; it then deletes the journal entries (`sync_changes`) older than that
package's journal position. The entry at that position stays, so the next package still
starts from the right place (the journal's largest id never goes back).

A package the coordinator has can never be needed again, so a catch-up package
(`export.export_cases(resend_from=N)`) may start only after the last one acknowledged
(`check_resend`): the journal before it is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from idtool.audit import now_iso
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session
from idtool.sync.apply import Applier

TABLE = "ack"
_FIELDS = {"device_id", "sequence", "digest"}


def records(conn: Connection, device_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The coordinator: the last case package imported from each of `device_ids`."""
    out = []
    for device_id in device_ids:
        row = conn.execute(
            "SELECT sequence, digest FROM sync_bundles WHERE direction = 'in' AND sender = ?"
            " AND kind = 'case' ORDER BY sequence DESC LIMIT 1",
            (device_id,),
        ).fetchone()
        if row is not None:
            out.append(
                {
                    "table": TABLE,
                    "row": {"device_id": device_id, "sequence": int(row[0]), "digest": row[1]},
                }
            )
    return out


def acknowledged(conn: Connection) -> int:
    """The sequence number of this device's last case package the coordinator acknowledged."""
    row = conn.execute("SELECT sequence FROM sync_acks WHERE kind = 'case'").fetchone()
    return 0 if row is None else int(row[0])


def check_resend(conn: Connection, resend_from: int) -> None:
    """A catch-up package may start only after the last package acknowledged."""
    done = acknowledged(conn)
    if type(resend_from) is int and resend_from <= done:
        raise InvalidInput(
            _(
                "The coordinator confirmed it has the packages up to {done}: write again "
                "from {next} or later."
            ).format(done=done, next=done + 1)
        )


def apply(session: Session, applier: Applier, row: object) -> None:
    """A device, inside the coordinator's update: one acknowledgement."""
    if (
        not isinstance(row, dict)
        or set(row) != _FIELDS
        or not isinstance(row["device_id"], str)
        or type(row["sequence"]) is not int
        or not isinstance(row["digest"], str)
    ):
        applier.quarantine("sync_acks", row, "wrong_type")
        return
    if row["device_id"] != session.device_id:
        applier.report.add("sync_acks", "unchanged")  # another device's
        return
    conn = session.conn
    mine = conn.execute(
        "SELECT last_change FROM sync_bundles WHERE direction = 'out' AND sender = ? AND"
        " kind = 'case' AND sequence = ? AND digest = ?",
        (session.device_id, row["sequence"], row["digest"]),
    ).fetchone()
    if mine is None:
        applier.quarantine("sync_acks", row, "unknown_bundle")
        return
    if row["sequence"] <= acknowledged(conn):
        applier.report.add("sync_acks", "unchanged")
        return
    last_change = int(mine[0])
    conn.execute(
        "INSERT OR REPLACE INTO sync_acks (kind, sequence, digest, last_change, at)"
        " VALUES ('case', ?, ?, ?, ?)",
        (row["sequence"], row["digest"], last_change, now_iso()),
    )
    pruned = conn.execute("DELETE FROM sync_changes WHERE id < ?", (last_change,)).rowcount
    session.audit(
        "sync.acknowledged",
        applier.bundle_id,
        {"sequence": row["sequence"], "pruned": int(pruned)},
    )
    applier.report.add("sync_acks", "imported")
