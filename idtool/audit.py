"""The audit log: append-only and hash-chained.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of the entry
(including its sequence number), so an edited, deleted, reordered or inserted entry breaks the
chain at its own position. Entries are written in the caller's transaction, together with the
change they record. Triggers forbid UPDATE and DELETE. The head (last sequence number and hash)
is also kept in `meta`, so losing the newest entries is noticed too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from idtool.database import Connection

GENESIS = "0" * 64


def canonical(entry: dict[str, object]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, entry: dict[str, object]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    device_id: str
    officer: str | None
    action: str
    target: str | None
    details: dict[str, object]
    prev_hash: str
    hash: str

    def body(self) -> dict[str, object]:
        return {"seq": self.seq, "ts": self.ts, "device_id": self.device_id,
                "officer": self.officer, "action": self.action, "target": self.target,
                "details": self.details}


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def append(conn: Connection, *, device_id: str, officer: str | None, action: str,
           target: str | None = None, details: dict[str, object] | None = None) -> AuditEntry:
    """Add one entry. Call inside the transaction that makes the change it records."""
    seq, prev = head(conn)
    entry = AuditEntry(seq + 1, now_iso(), device_id, officer, action, target, details or {},
                       prev, "")
    digest = entry_hash(prev, entry.body())
    conn.execute(
        "INSERT INTO audit (seq, ts, device_id, officer, action, target, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.seq, entry.ts, device_id, officer, action, target,
         canonical(entry.details).decode(), prev, digest),
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                 (f"{entry.seq}:{digest}",))
    return AuditEntry(**{**entry.__dict__, "hash": digest})


def entries(conn: Connection, target: str | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, ts, device_id, officer, action, target, details, prev_hash, hash FROM audit"
    args: tuple[object, ...] = ()
    if target is not None:
        sql += " WHERE target = ?"
        args = (target,)
    rows = conn.execute(sql + " ORDER BY seq", args).fetchall()
    return [AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8])
            for r in rows]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(conn: Connection) -> VerifyResult:
    """Walk the chain from the start; name the first sequence number that does not fit."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in conn.execute(
        "SELECT seq, ts, device_id, officer, action, target, details, prev_hash, hash"
        " FROM audit ORDER BY seq"
    ):
        seq = int(row[0])
        if seq != expected_seq:
            return VerifyResult(False, count, expected_seq, "missing entry")
        try:
            details = json.loads(row[6])
        except ValueError:
            return VerifyResult(False, count, seq, "unreadable entry")
        body = {"seq": seq, "ts": row[1], "device_id": row[2], "officer": row[3],
                "action": row[4], "target": row[5], "details": details}
        if row[7] != prev:
            return VerifyResult(False, count, seq, "chain broken")
        if entry_hash(prev, body) != row[8]:
            return VerifyResult(False, count, seq, "entry altered")
        prev = row[8]
        expected_seq += 1
        count += 1
    recorded = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if recorded is not None:
        head_seq, _, head_hash = str(recorded[0]).partition(":")
        if int(head_seq) != count:
            return VerifyResult(False, count, count + 1 if int(head_seq) > count else int(head_seq),
                                "entries missing at the end")
        if head_hash != prev:
            return VerifyResult(False, count, count, "entry altered")
    return VerifyResult(True, count)
