"""The audit chain checked at every unlock, and its head anchored outside the database.

At unlock, inside the unlock transaction and before `session.unlock` is appended
(`check_at_unlock`), the whole chain is walked recomputing every hash (`audit.scan`) and
compared with meta.audit_head and with the anchor file. Each problem not recorded before is
recorded as an `audit.chain_broken` entry (first bad sequence number and a reason code, nothing
personal), so it travels to the coordinator in the next case bundle; the session carries the
new findings (`Session.audit_findings`) so the officer is warned. Nobody is locked out.

The anchor file (`audit-anchor.json` in the data folder) holds the last committed head
(sequence number and hash) and an HMAC-SHA256 over it and the database id, under a key the
program derives from a random 256-bit secret kept inside the encrypted database
(meta.audit_anchor_key, so it survives a re-key). Only a program that opens the database can
make a valid anchor; a person holding a passphrase who knows the program can too. The anchor
is rewritten after every committed transaction that moved the audit head
(`Connection.after_commit`), atomically. What it tells at unlock:

- the database ends before the anchored sequence number (its newest entries were cut, or an
  older copy of the database was put back): `behind_anchor`, naming the first missing entry;
- the entry at the anchored sequence number has another hash (rewritten): `anchor_mismatch`;
- no anchor, though one was written before (meta.audit_anchor_written): `anchor_missing`;
- an anchor whose MAC does not verify (edited, or another database's): `anchor_invalid`.

An anchor behind the database is no alarm: a crash between a commit and the anchor write
leaves it so, and the entry at its sequence number still has its hash. An older data folder
(no anchor yet) gets one at its next unlock.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import threading
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from idtool import audit, database
from idtool.atomic import write_atomic
from idtool.audit import Finding
from idtool.i18n import N_, _, gettext

if TYPE_CHECKING:
    from idtool.session import Session

ANCHOR_FILE = "audit-anchor.json"
BROKEN_ACTION = "audit.chain_broken"
FORMAT = "idtool-audit-anchor"
VERSION = 1
KEY_META = "audit_anchor_key"
WRITTEN_META = "audit_anchor_written"
_KEY_BYTES = 32
_MAX_FILE = 4096
_write_lock = threading.Lock()  # write_atomic's temporary name is per process, not thread


class Reason(StrEnum):
    MISSING_ENTRY = "missing_entry"
    CHAIN_BROKEN = "chain_broken"
    ENTRY_ALTERED = "entry_altered"
    UNREADABLE_ENTRY = "unreadable_entry"
    TAIL_MISSING = "tail_missing"
    BEHIND_ANCHOR = "behind_anchor"
    ANCHOR_MISMATCH = "anchor_mismatch"
    ANCHOR_MISSING = "anchor_missing"
    ANCHOR_INVALID = "anchor_invalid"


_FROM_AUDIT = {
    "missing entry": Reason.MISSING_ENTRY,
    "chain broken": Reason.CHAIN_BROKEN,
    "entry altered": Reason.ENTRY_ALTERED,
    "unreadable entry": Reason.UNREADABLE_ENTRY,
    "entries missing at the end": Reason.TAIL_MISSING,
}

_TEXTS = {
    Reason.MISSING_ENTRY: N_("entry {seq} is missing"),
    Reason.CHAIN_BROKEN: N_("the chain is broken at entry {seq}"),
    Reason.ENTRY_ALTERED: N_("entry {seq} was altered"),
    Reason.UNREADABLE_ENTRY: N_("entry {seq} cannot be read"),
    Reason.TAIL_MISSING: N_("the newest entries are missing, from entry {seq} on"),
    Reason.BEHIND_ANCHOR: N_(
        "the log is shorter than it was: entries from entry {seq} on are "
        "missing (deleted, or an older copy of the database was put back)"
    ),
    Reason.ANCHOR_MISMATCH: N_(
        "entry {seq} is not the one recorded outside the database: the log was rewritten"
    ),
    Reason.ANCHOR_MISSING: N_("the check file audit-anchor.json was deleted"),
    Reason.ANCHOR_INVALID: N_(
        "the check file audit-anchor.json was altered or belongs to another database"
    ),
}


def describe(finding: Finding, lang: str | None = None) -> str:
    """The finding in words, in `lang` (default: the program's language)."""
    try:
        text = _TEXTS[Reason(finding.reason)]
    except ValueError:  # a code from a newer version
        text = N_("a problem of kind {reason} at entry {seq}")
    return gettext(text, lang).format(
        seq=finding.seq if finding.seq is not None else "?", reason=finding.reason
    )


def warning_text(findings: tuple[Finding, ...] | list[Finding], lang: str | None = None) -> str:
    """The warning shown to the officer after an unlock that found problems."""
    return gettext(
        N_(
            "The audit log of this computer is damaged: {problems}. This was "
            "recorded and goes to the coordinator with the next exchange package. "
            "Tell your supervisor."
        ),
        lang,
    ).format(problems="; ".join(describe(f, lang) for f in findings))


# -- the check at unlock --------------------------------------------------------------------


def check_at_unlock(session: Session) -> tuple[Finding, ...]:
    """Check the chain, meta.audit_head and the anchor; record and return what is new.

    Call inside the unlock transaction, before anything is appended. From the commit on, the
    connection rewrites the anchor after each transaction."""
    conn = session.conn
    path = Path(session.vault.folder) / ANCHOR_FILE
    key = _key(conn, create=True)
    db_id = _meta(conn, "db_id") or ""
    chain = audit.scan(conn)
    found = _chain_findings(conn, chain) + _anchor_findings(
        conn, chain, path, key, db_id, written=_meta(conn, WRITTEN_META) is not None
    )
    new: list[Finding] = []
    for finding in found:
        if finding.seq is not None and (
            (finding.seq, finding.reason) in chain.recorded
            or any(f.seq == finding.seq for f in new)
        ):
            continue  # recorded at an earlier unlock, or the same place found twice
        new.append(finding)
    for finding in new:
        session.audit(BROKEN_ACTION, details=finding.details())
    session.audit_findings = tuple(new)
    conn.after_commit = AnchorWriter(
        path, key, db_id, written=_meta(conn, WRITTEN_META) is not None
    )
    return session.audit_findings


def attach(session: Session) -> None:
    """A database just made: its anchor key and first anchor."""
    with database.transaction(session.conn):
        key = _key(session.conn, create=True)
    writer = AnchorWriter(
        Path(session.vault.folder) / ANCHOR_FILE,
        key,
        _meta(session.conn, "db_id") or "",
        written=False,
    )
    session.conn.after_commit = writer
    writer(session.conn)


def status(session: Session) -> list[Finding]:
    """For `audit verify`: what is wrong now (chain, meta.audit_head, anchor) and what was
    recorded at earlier unlocks."""
    conn = session.conn
    chain = audit.scan(conn)
    found = _chain_findings(conn, chain)
    key = _key(conn, create=False)
    if key is not None:
        found += _anchor_findings(
            conn,
            chain,
            Path(session.vault.folder) / ANCHOR_FILE,
            key,
            _meta(conn, "db_id") or "",
            written=_meta(conn, WRITTEN_META) is not None,
        )
    recorded = [
        Finding(seq, reason)
        for seq, reason in sorted(chain.recorded, key=lambda r: (r[0] or 0, r[1]))
    ]
    out: list[Finding] = []
    for finding in found + recorded:
        if finding not in out:
            out.append(finding)
    return out


def _chain_findings(conn: database.Connection, chain: audit.ChainScan) -> list[Finding]:
    found = [Finding(seq, _FROM_AUDIT.get(reason, reason)) for seq, reason in chain.breaks]
    problem = audit.head_problem(chain, audit.recorded_head(conn))
    if problem is not None:
        found.append(Finding(problem[0], _FROM_AUDIT.get(problem[1], problem[1])))
    return found


def _anchor_findings(
    conn: database.Connection,
    chain: audit.ChainScan,
    path: Path,
    key: bytes,
    db_id: str,
    *,
    written: bool,
) -> list[Finding]:
    try:
        anchor = read_anchor(path, key, db_id)
    except FileNotFoundError:
        return [Finding(None, Reason.ANCHOR_MISSING)] if written else []
    except (ValueError, OSError):  # not an anchor, or not a readable file
        return [Finding(None, Reason.ANCHOR_INVALID)]
    seq, digest = anchor
    if seq > chain.head[0]:
        return [Finding(chain.head[0] + 1, Reason.BEHIND_ANCHOR)]
    if seq == 0:
        return []
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    if row is None or row[0] != digest:
        return [Finding(seq, Reason.ANCHOR_MISMATCH)]
    return []


# -- the anchor file ------------------------------------------------------------------------


def _meta(conn: database.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


@overload
def _key(conn: database.Connection, *, create: Literal[True]) -> bytes: ...
@overload
def _key(conn: database.Connection, *, create: Literal[False]) -> bytes | None: ...
def _key(conn: database.Connection, *, create: bool) -> bytes | None:
    """The anchor key; with `create`, a new one when it is missing or damaged."""
    stored = _meta(conn, KEY_META)
    if stored is not None:
        try:
            key = bytes.fromhex(stored)
        except ValueError:
            key = b""
        if len(key) == _KEY_BYTES:
            return key
    if not create:
        return None
    key = os.urandom(_KEY_BYTES)  # a replaced or damaged key: the old anchor will not verify
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY_META, key.hex()))
    return key


def _mac(key: bytes, db_id: str, seq: int, digest: str) -> str:
    """HMAC-SHA256 under a key derived from the stored secret for this one purpose."""
    mac_key = hmac.new(key, b"idtool audit anchor mac v1", hashlib.sha256).digest()
    message = audit.canonical(
        {"db_id": db_id, "format": FORMAT, "hash": digest, "seq": seq, "version": VERSION}
    )
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


def anchor_bytes(key: bytes, db_id: str, seq: int, digest: str) -> bytes:
    """The anchor file's content for head (seq, digest)."""
    return json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "seq": seq,
            "hash": digest,
            "mac": _mac(key, db_id, seq, digest),
        },
        sort_keys=True,
    ).encode()


def read_anchor(path: Path, key: bytes, db_id: str) -> tuple[int, str]:
    """The anchored head. FileNotFoundError if there is none; ValueError if it is not a valid
    anchor of this database."""
    with path.open("rb") as f:
        raw = f.read(_MAX_FILE + 1)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not an anchor") from None
    if (
        not isinstance(data, dict)
        or len(raw) > _MAX_FILE
        or data.get("format") != FORMAT
        or data.get("version") != VERSION
        or type(data.get("seq")) is not int
        or not isinstance(data.get("hash"), str)
        or not isinstance(data.get("mac"), str)
    ):
        raise ValueError("not an anchor")
    seq, digest = data["seq"], data["hash"]
    if seq < 0 or not hmac.compare_digest(data["mac"], _mac(key, db_id, seq, digest)):
        raise ValueError("not an anchor")
    return seq, digest


class AnchorWriter:
    """`Connection.after_commit`: rewrite the anchor when the audit head moved. Never raises
    (the change is saved): a failed write leaves the anchor behind, which is no alarm.

    After its first write it does not move an anchor backwards: if the database lost entries
    while it was open, the anchor stays ahead as evidence for the next unlock."""

    def __init__(self, path: Path, key: bytes, db_id: str, *, written: bool) -> None:
        self.path, self.key, self.db_id = path, key, db_id
        self.last: tuple[int, str] | None = None
        self.written = written

    def __call__(self, conn: database.Connection) -> None:
        with _write_lock, contextlib.suppress(OSError, database.DatabaseError):
            self._write(conn)

    def _write(self, conn: database.Connection) -> None:
        head = audit.head(conn)
        if head == self.last:
            return
        if self.last is not None:
            with contextlib.suppress(ValueError, FileNotFoundError):
                if read_anchor(self.path, self.key, self.db_id)[0] > head[0]:
                    return
        write_atomic(self.path, anchor_bytes(self.key, self.db_id, *head))
        self.last = head
        if not self.written:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (WRITTEN_META,)
            )
            self.written = True


def cli_warning(session: Session) -> str | None:
    """One line for the command line after an unlock that found problems."""
    if not session.audit_findings:
        return None
    return _("idtool: warning: {text}").format(text=warning_text(session.audit_findings))
