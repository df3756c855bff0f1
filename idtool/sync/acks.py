"""Acknowledgements: the coordinator says which case package it imported, and the device prunes
its change journal up to there.

The coordinator's update package carries, for each device, the sequence number and digest of
the last case package it imported from it: one record per device, table `sync_ack`
(`gap.ack_records`, which also carries the highest case number, for a restored device). The
device (`gap.apply_ack`, calling `prune`) prunes only for a package it wrote itself (same
sequence number and digest in its own log of packages written) newer than the one acknowledged
before: it deletes the journal entries (`sync_changes`) older than that package's journal
position. The entry at that position stays, so the next package still starts from the right
place (the journal's largest id never goes back). An acknowledgement of a package the device
does not remember (it was restored from an older backup) prunes nothing.

Updates from coordinators of earlier versions carried the same fact a second time, table `ack`
(`TABLE`); `apply` still reads it, and quarantines one naming a package this device never
wrote.

A package the coordinator has can never be needed again, so a catch-up package
(`export.export_cases(resend_from=N)`) may start only after the last one acknowledged
(`check_resend`): the journal before it is gone.
"""

from __future__ import annotations

from idtool.audit import now_iso
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session
from idtool.sync.apply import Applier

TABLE = "ack"
_FIELDS = {"device_id", "sequence", "digest"}


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
    if not prune(session, applier, row["sequence"], row["digest"]):
        applier.quarantine("sync_acks", row, "unknown_bundle")


def prune(session: Session, applier: Applier, sequence: int, digest: str) -> bool:
    """This device's case package `sequence` with `digest` is at the coordinator: prune the
    journal up to it (when newer than the last acknowledged). False, pruning nothing, when
    this device never wrote that package."""
    conn = session.conn
    mine = conn.execute(
        "SELECT last_change FROM sync_bundles WHERE direction = 'out' AND sender = ? AND"
        " kind = 'case' AND sequence = ? AND digest = ?",
        (session.device_id, sequence, digest),
    ).fetchone()
    if mine is None:
        return False
    if sequence <= acknowledged(conn):
        applier.report.add("sync_acks", "unchanged")
        return True
    last_change = int(mine[0])
    conn.execute(
        "INSERT OR REPLACE INTO sync_acks (kind, sequence, digest, last_change, at)"
        " VALUES ('case', ?, ?, ?, ?)",
        (sequence, digest, last_change, now_iso()),
    )
    pruned = conn.execute("DELETE FROM sync_changes WHERE id < ?", (last_change,)).rowcount
    session.audit(
        "sync.acknowledged", applier.bundle_id, {"sequence": sequence, "pruned": int(pruned)}
    )
    applier.report.add("sync_acks", "imported")
    return True
