"""Writing case bundles (device -> supervisor); update bundles are in `updates`, and
`write_and_record` writes and records every kind.

A case bundle carries every record changed since the last export (from the change journal)
and the audit entries written since then (the whole chain if it no longer holds the head
exported then: `audit_fork.audit_since`); its header carries the audit head they end at.
The per-sender sequence number, the previous bundle's digest and the journal position are
advanced only after the file is complete under its final name (`write_bundle` is atomic);
if recording that fails, the file is removed again, so no bundle exists that the database
does not know about.

A lost package cannot be written twice (its sequence number is used), so a catch-up package
replaces it ("write the lost packages again", `export_cases(..., resend_from=N)`): it takes
the next sequence number M+1 as usual but carries every change since the marks of package
N-1 (the beginning for N = 1) and the audit entries since then; its header says
`covers_from: N` and its `previous` is the digest of this device's own package N-1, so the
supervisor, who has everything up to N-1, can check it and import it in place of N..M.
The next normal package follows M+1 as usual.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from idtool import database
from idtool.audit import GENESIS, now_iso
from idtool.bundle import Kind, encode_manifest, read_unverified_header, write_bundle
from idtool.bundle.stream import ManifestWriter
from idtool.certificate import issuing
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.migrations import latest
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import (
    acks,
    audit_fork,
    changes,
    devices,
    erasure_records,
    gap,
    outcome_records,
)
from idtool.sync.devices import DeviceRole

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def _schema_version() -> int:
    return latest()


def last_out(conn: Connection, device_id: str, kind: Kind) -> tuple[int, str | None, int, int]:
    """(sequence, digest, journal position, audit seq) of this device's last bundle of `kind`."""
    row = conn.execute(
        "SELECT sequence, digest, last_change, last_audit FROM sync_bundles WHERE direction ="
        " 'out' AND sender = ? AND kind = ? ORDER BY sequence DESC LIMIT 1",
        (device_id, kind.value),
    ).fetchone()
    return (0, None, 0, 0) if row is None else (int(row[0]), str(row[1]), int(row[2]), int(row[3]))


def out_bundles(conn: Connection, device_id: str, kind: Kind = Kind.CASE) -> list[dict[str, Any]]:
    """This device's bundles of `kind` written so far, oldest first: sequence, when written
    (this device's clock), the number of records and audit entries, and `covers_from` for a
    catch-up package. Counts only: nothing personal."""
    out = []
    for sequence, at, report in conn.execute(
        "SELECT sequence, at, report FROM sync_bundles WHERE direction = 'out' AND"
        " sender = ? AND kind = ? ORDER BY sequence",
        (device_id, kind.value),
    ):
        try:
            details = json.loads(report)
        except ValueError:
            details = {}
        details = details if isinstance(details, dict) else {}
        counts = details.get("records")
        records = (
            sum(n for n in counts.values() if isinstance(n, int))
            if isinstance(counts, dict)
            else counts
            if isinstance(counts, int)
            else 0
        )
        audit = details.get("audit_entries")
        covers = details.get("covers_from")
        out.append(
            {
                "sequence": int(sequence),
                "at": str(at),
                "records": records,
                "audit_entries": audit if isinstance(audit, int) else 0,
                "covers_from": covers if isinstance(covers, int) else None,
            }
        )
    return out


def written_packages(session: Session) -> list[dict[str, Any]]:
    """The case packages this device wrote, oldest first (`out_bundles`), to choose the first
    lost one to write again."""
    session.require(Action.EXPORT_OWN_BUNDLE)
    return out_bundles(session.conn, session.device_id, Kind.CASE)


def pending_changes(session: Session) -> int:
    """How many record changes the next case package would carry (from the change journal)."""
    session.require(Action.EXPORT_OWN_BUNDLE)
    since = last_out(session.conn, session.device_id, Kind.CASE)[2]
    row = session.conn.execute("SELECT count(*) FROM sync_changes WHERE id > ?", (since,))
    return int(row.fetchone()[0])


def _marks_before(
    conn: Connection, device_id: str, resend_from: int
) -> tuple[str | None, int, int]:
    """(digest, journal position, audit seq) of this device's case bundle resend_from - 1;
    (None, 0, 0) when writing again from the first one."""
    last = last_out(conn, device_id, Kind.CASE)[0]
    if last == 0:
        raise InvalidInput(
            _("No exchange package has been written yet: there is nothing to write again.")
        )
    if type(resend_from) is not int or not 1 <= resend_from <= last:
        raise InvalidInput(_("Choose a package number from 1 to {last}.").format(last=last))
    acks.check_resend(conn, resend_from)  # the journal before an acknowledged one is pruned
    if resend_from == 1:
        return None, 0, 0
    row = conn.execute(
        "SELECT digest, last_change, last_audit FROM sync_bundles WHERE direction = 'out' AND"
        " sender = ? AND kind = ? AND sequence = ?",
        (device_id, Kind.CASE.value, resend_from - 1),
    ).fetchone()
    if row is None:  # sequence numbers are written without gaps; never expected
        raise InvalidInput(_("Choose a package number from 1 to {last}.").format(last=last))
    return str(row[0]), int(row[1]), int(row[2])


def changed_records(conn: Connection, since: int) -> tuple[list[dict[str, Any]], int]:
    """Records changed after journal position `since`, parents first; and the new position.

    Each record is {"row": ..., "table": ...} with the row's columns in canonical CBOR key
    order (an export does not build these: it encodes the rows as read, `_changed`)."""
    top = changes.journal_top(conn)
    records = [
        {"row": changes.as_dict(row), "table": name}
        for name, _names, rows in changes.changed_rows(conn, since, top)
        for row in rows
    ]
    return records, top


def _changed(conn: Connection, since: int) -> tuple[ManifestWriter, int]:
    """The records changed after `since`, encoded for the manifest as they are read."""
    top = changes.journal_top(conn)
    writer = ManifestWriter()
    for name, names, rows in changes.changed_rows(conn, since, top):
        writer.rows(name, len(names), rows)
    return writer, top


def audit_records(conn: Connection, since: int) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """Audit entries after `since` as records, and the head they end at."""
    out = []
    head = (0, GENESIS)
    for seq, ts, dev, officer, action, target, details, prev, digest in conn.execute(
        "SELECT seq, ts, device_id, officer, action, target, details, prev_hash, hash"
        " FROM audit WHERE seq > ? ORDER BY seq",
        (since,),
    ):
        out.append(
            {
                "table": "audit",
                "row": {
                    "seq": seq,
                    "ts": ts,
                    "device_id": dev,
                    "officer": officer,
                    "action": action,
                    "target": target,
                    "details": json.loads(details),
                    "prev_hash": prev,
                    "hash": digest,
                },
            }
        )
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    if row is not None:
        head = (int(row[0]), str(row[1]))
    return out, head


def write_and_record(
    session: Session,
    out: str | Path,
    kind: Kind,
    records: list[dict[str, Any]] | ManifestWriter,
    head: tuple[int, str],
    recipients: Iterable[str],
    last_change: int,
    last_audit: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
    details: dict[str, object],
    trusted: bool = False,
    resend: tuple[int, str | None] | None = None,
    signing: str | None = None,
    acknowledged: int = 0,
) -> Path:
    """Write the bundle with the next sequence number and record it. `resend` is
    (covers_from, digest of bundle covers_from - 1) for a catch-up package; `acknowledged`,
    the last sequence number the recipient has from this device when it is above ours (after
    a restore from a backup: `gap.after_restore`)."""
    conn = session.conn
    sequence, previous, _, _ = last_out(conn, session.device_id, kind)
    sequence = max(sequence, acknowledged)
    fields: dict[str, Any] = {
        "bundle_id": str(uuid.uuid4()),
        "kind": kind.value,
        "sender": session.device_id,
        "sequence": sequence + 1,
        "previous": previous,
        "schema_version": _schema_version(),
        "audit_head": head,
    }
    if resend is not None:
        fields["covers_from"], previous = resend
        fields["previous"] = previous
    signing = signing or devices.own_signing_key(conn)
    payload = (
        records.payload(fields)
        if isinstance(records, ManifestWriter)
        else encode_manifest(fields, records, trusted=trusted)
    )
    path = write_bundle(out, fields, payload, signing, sorted(set(recipients)), progress, cancelled)
    try:
        header = read_unverified_header(path)
        digest = header.digest
        with database.transaction(conn):
            conn.execute(
                "INSERT INTO sync_bundles (bundle_id, direction, sender, kind, sequence, digest,"
                " previous, at, last_change, last_audit, report) VALUES"
                " (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    header.bundle_id,
                    session.device_id,
                    kind.value,
                    sequence + 1,
                    digest,
                    previous,
                    now_iso(),
                    last_change,
                    last_audit,
                    json.dumps(details),
                ),
            )
            session.audit(
                "bundle.export",
                header.bundle_id,
                {"kind": kind.value, "sequence": sequence + 1, **details},
            )
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path


def export_cases(
    session: Session,
    out_dir: str | Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    resend_from: int | None = None,
) -> Path:
    """Write a case bundle for the supervisor into `out_dir`; returns its path.

    With `resend_from=N` (1 <= N <= the last sequence written) it is a catch-up package for
    lost packages N..M: see the module notes. Raises InvalidInput for another N.
    """
    session.require(Action.EXPORT_OWN_BUNDLE)
    conn = session.conn
    sup = devices.supervisor(conn)
    me = devices.own_device(conn, DeviceRole.DEVICE)
    resend: tuple[int, str | None] | None = None
    acknowledged = 0
    with database.transaction(conn, immediate=False):  # one consistent snapshot to read
        _, last_digest, since, audit_since = last_out(conn, session.device_id, Kind.CASE)
        if resend_from is not None:
            previous, since, audit_since = _marks_before(conn, session.device_id, resend_from)
            resend = (resend_from, previous)
        elif (restored := gap.after_restore(conn)) is not None:
            resend, acknowledged = (restored[0], last_digest), restored[1]
        writer, top = _changed(conn, since)
        counts = dict(writer.tables)
        # Tombstones of this device's erasures (the importer applies them first).
        stones = erasure_records.outgoing(conn, since, top)
        if stones:
            counts["erasures"] = len(stones)
        audit, head = audit_records(
            conn, audit_fork.audit_since(conn, session.device_id, audit_since)
        )
        keys = issuing.announcements(conn)
        keys += outcome_records.outgoing(conn, session.device_id)  # `referral_status`
    writer.records(stones + keys + audit)
    details: dict[str, object] = {
        "records": counts,
        "audit_entries": len(audit),
        "audit_hash": head[1],
    }  # checked at the next export
    if resend is not None:
        details["covers_from"] = resend[0]
    return write_and_record(
        session,
        out_dir,
        Kind.CASE,
        writer,
        head,
        [sup.age_recipient, me.age_recipient],
        top,
        head[0],
        progress,
        cancelled,
        details,
        resend=resend,
        acknowledged=acknowledged,
    )
