"""Each device's audit chain at the coordinator, and what shows when it stops matching.

The coordinator keeps every entry a device exported (`sync_audit`). A case bundle carries the
entries written since the device's last export; a device whose chain no longer holds the head
it exported (rewritten or cut since), or whose unlock found its chain damaged, sends its whole
chain instead (`audit_since`). On import (`store_audit`), in order:

1. every entry must be well formed, from the sender, in increasing order, and the last one
   must be the header's audit head (with none, the head must not claim more than is stored):
   otherwise the bundle is refused, as a bundle inconsistent with its own header;
2. the entries must chain among themselves. A break is accepted only in a bundle that carries
   the device's own `audit.chain_broken` report (so a device whose log was damaged can still
   send its cases); it is recorded as a `broken` finding. An undeclared break is refused;
3. compared with the stored chain: entries that repeat stored ones must be exactly those, and
   the first entry must link to the stored one before it. Where they differ, or the bundle's
   chain ends before the stored one, that is a fork: the first differing sequence number is
   named (exactly when the bundle carries the entries to compare, else "at or before" it),
   the stored entries from there on move to `sync_audit_archive` as evidence, the device's
   chain is stored in their place so later bundles continue normally, the fork is audited
   (`sync.audit_fork`), put in the import report and in the review queue. Entries before the
   stored ones are missing (a gap) are refused, as before;
4. each newly stored `audit.chain_broken` entry becomes a `reported` finding, also in the
   review queue.

The bundle's records are imported in every case that is not refused; record rules are checked
separately.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from idtool.audit import GENESIS, entry_hash, now_iso
from idtool.audit_anchor import BROKEN_ACTION
from idtool.bundle import BundleHeader
from idtool.database import Connection
from idtool.errors import BundleError, InvalidInput
from idtool.i18n import _
from idtool.session import Session
from idtool.sync.audit_findings import Kind
from idtool.sync.record_json import to_json
from idtool.sync.report import ImportReport

_AUDIT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "seq": int,
    "ts": str,
    "device_id": str,
    "officer": (str, type(None)),
    "action": str,
    "target": (str, type(None)),
    "details": dict,
    "prev_hash": str,
    "hash": str,
}
_BODY = ("seq", "ts", "device_id", "officer", "action", "target", "details")


@dataclass(frozen=True)
class _Entry:
    seq: int
    text: str  # the stored form: to_json of the body and prev_hash
    prev_hash: str
    hash: str
    action: str
    details: dict[str, Any]
    hash_ok: bool


@dataclass(frozen=True)
class Fork:
    first_seq: int
    exact: bool  # False: the first difference is at or before first_seq
    kind: Kind


def refused(header: BundleHeader) -> BundleError:
    return BundleError(
        _(
            "The audit log in the exchange package from device {device} does not "
            "match its header or the entries imported before: it may have been "
            "cut or altered. Nothing was imported."
        ).format(device=header.sender),
        "audit_head",
    )


# -- the device: what to send ---------------------------------------------------------------


def audit_since(conn: Connection, device_id: str, since: int) -> int:
    """Where a case bundle's audit entries start: `since` (the audit position of the export it
    follows), or 0 (the whole chain) if the chain no longer holds the head exported then (the
    entry at `since` is gone or has another hash) or holds an `audit.chain_broken` report not
    yet exported."""
    if since == 0:
        return 0
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (since,)).fetchone()
    if row is None:
        return 0
    exported = exported_hash(conn, device_id, since)
    if exported is not None and exported != row[0]:
        return 0
    report = conn.execute(
        "SELECT 1 FROM audit WHERE seq > ? AND action = ? LIMIT 1", (since, BROKEN_ACTION)
    ).fetchone()
    return 0 if report is not None else since


def exported_hash(conn: Connection, device_id: str, seq: int) -> str | None:
    """The audit head hash recorded with this device's case bundle that ended at `seq`."""
    row = conn.execute(
        "SELECT report FROM sync_bundles WHERE direction = 'out' AND sender = ? AND kind = 'case'"
        " AND last_audit = ? ORDER BY sequence DESC LIMIT 1",
        (device_id, seq),
    ).fetchone()
    try:
        value = json.loads(row[0]).get("audit_hash") if row is not None else None
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


# -- the coordinator: storing and comparing --------------------------------------------------


def store_audit(
    session: Session, header: BundleHeader, rows: list[Any], report: ImportReport
) -> int:
    """Check and store the sender's audit entries; see the module notes. Returns how many were
    stored. Raises BundleError (refused) only for a bundle inconsistent in itself."""
    conn = session.conn
    entries = [_parse(header, row) for row in rows]
    _check_own_head(header, entries)
    breaks = _breaks(entries)
    if breaks and not any(e.action == BROKEN_ACTION for e in entries):
        raise refused(header)
    top = conn.execute(
        "SELECT coalesce(max(seq), 0) FROM sync_audit WHERE sender = ?", (header.sender,)
    ).fetchone()[0]
    if entries and entries[0].seq > top + 1:
        raise refused(header)  # the entries between are not carried: a gap
    if not entries and header.audit_head.seq > top:
        raise refused(header)
    fork = _compare(conn, header, entries, top)
    keep_below = top + 1
    if fork is not None:
        keep_below = (
            fork.first_seq
            if fork.exact
            else (entries[0].seq if entries else header.audit_head.seq + 1)
        )
        keep_below = min(keep_below, top + 1)
        finding = _record(session, header, report, fork.kind, fork.first_seq, fork.exact)
        archived = conn.execute(
            "INSERT INTO sync_audit_archive (finding_uuid, sender, seq, entry, hash) SELECT ?,"
            " sender, seq, entry, hash FROM sync_audit WHERE sender = ? AND seq >= ?",
            (finding, header.sender, keep_below),
        ).rowcount
        conn.execute(
            "DELETE FROM sync_audit WHERE sender = ? AND seq >= ?", (header.sender, keep_below)
        )
        conn.execute(
            "UPDATE sync_audit_findings SET archived = ? WHERE uuid = ?", (archived, finding)
        )
    new = [e for e in entries if e.seq >= keep_below]
    conn.executemany(
        "INSERT INTO sync_audit (sender, seq, entry, hash) VALUES (?, ?, ?, ?)",
        [(header.sender, e.seq, e.text, e.hash) for e in new],
    )
    for seq, _reason in breaks[:1]:
        _record_once(session, header, report, Kind.BROKEN, seq, "")
    for e in new:
        if e.action == BROKEN_ACTION:
            first_bad = e.details.get("first_bad_seq")
            _record_once(
                session,
                header,
                report,
                Kind.REPORTED,
                first_bad if type(first_bad) is int else None,
                str(e.details.get("reason", "")),
            )
    return len(new)


def _parse(header: BundleHeader, row: Any) -> _Entry:
    if (
        not isinstance(row, dict)
        or set(row) != set(_AUDIT_FIELDS)
        or not all(
            isinstance(row[k], t) and not isinstance(row[k], bool) for k, t in _AUDIT_FIELDS.items()
        )
    ):
        raise refused(header)
    if row["device_id"] != header.sender or row["seq"] < 1:
        raise refused(header)
    body = {k: row[k] for k in _BODY}
    return _Entry(
        row["seq"],
        to_json({**body, "prev_hash": row["prev_hash"]}),
        row["prev_hash"],
        row["hash"],
        row["action"],
        row["details"],
        entry_hash(row["prev_hash"], body) == row["hash"],
    )


def _check_own_head(header: BundleHeader, entries: list[_Entry]) -> None:
    if any(b.seq <= a.seq for a, b in itertools.pairwise(entries)):
        raise refused(header)
    if entries and (entries[-1].seq, entries[-1].hash) != (
        header.audit_head.seq,
        header.audit_head.hash,
    ):
        raise refused(header)


def _breaks(entries: list[_Entry]) -> list[tuple[int, str]]:
    """Where the entries do not chain among themselves: (sequence number, reason)."""
    found = []
    for i, e in enumerate(entries):
        if i == 0:
            if e.seq == 1 and e.prev_hash != GENESIS:
                found.append((1, "chain broken"))
        elif e.seq != entries[i - 1].seq + 1:
            found.append((entries[i - 1].seq + 1, "missing entry"))
        elif e.prev_hash != entries[i - 1].hash:
            found.append((e.seq, "chain broken"))
        if not e.hash_ok:
            found.append((e.seq, "entry altered"))
    return found


def _compare(
    conn: Connection, header: BundleHeader, entries: list[_Entry], top: int
) -> Fork | None:
    """The first place where the bundle's chain and the stored one differ, or None."""
    head = header.audit_head
    if not entries:
        if head.seq == top and (top == 0 or _stored_hash(conn, header.sender, top) == head.hash):
            return None
        if head.seq < top and (
            head.seq == 0 or _stored_hash(conn, header.sender, head.seq) == head.hash
        ):
            return Fork(head.seq + 1, True, Kind.CUT)
        return Fork(head.seq, False, Kind.CUT if head.seq < top else Kind.REWRITTEN)
    first, last = entries[0].seq, entries[-1].seq
    kind = Kind.CUT if last < top else Kind.REWRITTEN
    if 1 < first <= top + 1 and (
        _stored_hash(conn, header.sender, first - 1) != entries[0].prev_hash
    ):
        return Fork(first - 1, False, kind)
    stored = {
        seq: (text, digest)
        for seq, text, digest in conn.execute(
            "SELECT seq, entry, hash FROM sync_audit WHERE sender = ? AND seq >= ? AND seq <= ?",
            (header.sender, first, min(last, top)),
        )
    }
    for e in entries:
        if e.seq > top:
            break
        if stored.get(e.seq) != (e.text, e.hash):
            return Fork(e.seq, True, kind)
    if last < top:
        return Fork(last + 1, True, Kind.CUT)
    return None


def _stored_hash(conn: Connection, sender: str, seq: int) -> str | None:
    row = conn.execute(
        "SELECT hash FROM sync_audit WHERE sender = ? AND seq = ?", (sender, seq)
    ).fetchone()
    return None if row is None else str(row[0])


def _record_once(
    session: Session,
    header: BundleHeader,
    report: ImportReport,
    kind: Kind,
    seq: int | None,
    reason: str,
) -> None:
    """A `broken` or `reported` finding, unless the same one came before (a device sending
    its whole chain again repeats them)."""
    seen = session.conn.execute(
        "SELECT 1 FROM sync_audit_findings WHERE sender = ? AND kind = ? AND first_seq IS ?"
        " AND reason = ?",
        (header.sender, kind.value, seq, reason),
    ).fetchone()
    if seen is None:
        _record(session, header, report, kind, seq, True, reason)


def _record(
    session: Session,
    header: BundleHeader,
    report: ImportReport,
    kind: Kind,
    seq: int | None,
    exact: bool,
    reason: str = "",
) -> str:
    finding = str(uuid.uuid4())
    session.conn.execute(
        "INSERT INTO sync_audit_findings (uuid, sender, bundle_id, kind, first_seq, exact,"
        " reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (finding, header.sender, header.bundle_id, kind.value, seq, int(exact), reason, now_iso()),
    )
    details: dict[str, object] = {
        "kind": kind.value,
        "first_seq": seq,
        "exact": exact,
        "reason": reason,
        "bundle_id": header.bundle_id,
    }
    session.audit("sync.audit_fork", header.sender, details)
    report.audit_findings.append({k: details[k] for k in ("kind", "first_seq", "exact", "reason")})
    return finding


# -- in words, and in the review queue ------------------------------------------------------


@dataclass(frozen=True)
class OpenFinding:
    uuid: str
    created_at: str
    kind: str
    sender: str
    first_seq: int | None
    exact: bool
    reason: str


def open_findings(conn: Connection) -> list[OpenFinding]:
    return [
        OpenFinding(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6])
        for r in conn.execute(
            "SELECT uuid, created_at, kind, sender, first_seq, exact, reason FROM"
            " sync_audit_findings WHERE resolved_at IS NULL ORDER BY created_at, rowid"
        )
    ]


def resolve(session: Session, finding: str, note: str) -> None:
    """Record what the coordinator found out about a finding (call inside a transaction)."""
    done = session.conn.execute(
        "UPDATE sync_audit_findings SET resolved_at = ?, note = ?, officer_uuid = ? WHERE"
        " uuid = ? AND resolved_at IS NULL",
        (now_iso(), note, session.officer.uuid, finding),
    )
    if done.rowcount != 1:
        raise InvalidInput(_("This item was resolved already."))
