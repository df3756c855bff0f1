"""Erasing a person's data: on the person's request, or by the retention schedule (`retention`).

- **On request** (`erase_on_request`): every case of the person, with every row that hangs from
  them, is deleted (`erasure_rows.delete`); the statistics no longer count them.
- **By the retention schedule**: a case is reduced to the anonymised facts the statistics
  count (`erasure_rows.reduce`), so the figures stay the same.

Either way one transaction erases the rows, leaves a tombstone per case (`erasures`: the case's
id and number, how, when, by whom; no personal data) and an audit entry `case.erase` (the
audit chain is never rewritten: its entries name cases by id and hold no personal data). The
tombstone travels in packages (`sync.erasure`): the coordinator and the organisations the case
was referred to erase their copies, and a record of an erased case that arrives later is
refused. Then `scrub` rewrites the search indexes and the whole file (VACUUM with
`secure_delete`) and empties the write-ahead log (checkpoint TRUNCATE), so the erased values
are in no page of the database file, free or used, nor in its log.

Who may erase is policy (`Action.ERASE_DATA`, supervisors by default). The officer's reason is
kept in the audit entry, so it must not repeat the person's name or document number.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from enum import StrEnum

from idtool import audit, database, erasure_rows, names
from idtool.database import Connection, DatabaseError
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session

MAX_REASON = 500
SEARCH_INDEXES = ("case_search", "case_words")


class Kind(StrEnum):
    REQUEST = "request"
    RETENTION = "retention"


@dataclass(frozen=True)
class Tombstone:
    """What is left of an erased case (a row of `erasures`): nothing personal."""

    uuid: str
    case_uuid: str
    case_number: str
    person_uuid: str
    kind: str
    erased_at: str
    officer_uuid: str
    owner: str  # the device whose case it is
    device_id: str  # the device where the erasure was decided

    def row(self) -> dict[str, str]:
        return asdict(self)


COLUMNS = tuple(Tombstone.__dataclass_fields__)


@dataclass(frozen=True)
class Erased:
    numbers: tuple[str, ...]  # the case numbers erased
    scrubbed: bool  # the file and its log were rewritten (False: another task held them)


def tombstone(conn: Connection, case_uuid: str) -> Tombstone | None:
    row = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM erasures WHERE case_uuid = ?", (case_uuid,)
    ).fetchone()
    return None if row is None else Tombstone(*row)


def tombstones(conn: Connection) -> list[Tombstone]:
    return [
        Tombstone(*row)
        for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM erasures ORDER BY rowid")
    ]


def any_erased(conn: Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM erasures)").fetchone()[0])


def case_erased(conn: Connection, case_uuid: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM erasures WHERE case_uuid = ?", (case_uuid,)).fetchone()
        is not None
    )


def erased_parent(conn: Connection, parent_uuid: str) -> str | None:
    """The erased case an interview or a referral (by id) belonged to, if it was erased."""
    row = conn.execute(
        "SELECT case_uuid FROM erased_parents WHERE uuid = ?", (parent_uuid,)
    ).fetchone()
    return None if row is None else str(row[0])


def person_erased(conn: Connection, person_uuid: str) -> bool:
    """Whether every case of the person known here was erased (a row of theirs that arrives
    later is refused); False for a person no erasure names."""
    return (
        conn.execute("SELECT 1 FROM erasures WHERE person_uuid = ?", (person_uuid,)).fetchone()
        is not None
        and conn.execute(
            "SELECT 1 FROM cases c WHERE c.person_uuid = ? AND NOT EXISTS"
            " (SELECT 1 FROM erasures e WHERE e.case_uuid = c.uuid)",
            (person_uuid,),
        ).fetchone()
        is None
    )


def here(conn: Connection) -> str:
    return str(conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0])


def owner_of(conn: Connection, case_uuid: str) -> str:
    """The device whose case it is: the one that sent it here, else this one."""
    row = conn.execute(
        "SELECT device_id FROM sync_owners WHERE tbl = 'cases' AND record_key = ?", (case_uuid,)
    ).fetchone()
    return here(conn) if row is None else str(row[0])


def person_cases(conn: Connection, case_uuid: str) -> list[tuple[str, str]]:
    """(uuid, number) of every case not yet erased of the person of `case_uuid`, that one
    first: what an erasure on request erases. InvalidInput if it does not exist or is erased."""
    row = conn.execute(
        "SELECT person_uuid, number FROM cases WHERE uuid = ?", (case_uuid,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This case does not exist."))
    if tombstone(conn, case_uuid) is not None:
        raise InvalidInput(_("This case's personal data was erased already."))
    others = conn.execute(
        "SELECT uuid, number FROM cases c WHERE person_uuid = ? AND uuid != ? AND NOT EXISTS"
        " (SELECT 1 FROM erasures e WHERE e.case_uuid = c.uuid) ORDER BY opened_at, number",
        (row[0], case_uuid),
    ).fetchall()
    return [(case_uuid, str(row[1])), *((str(u), str(n)) for u, n in others)]


def to_erase(session: Session, case_uuid: str) -> list[tuple[str, str]]:
    """`person_cases`, for a window that asks before erasing (who may erase: `erase_on_request`)."""
    return person_cases(session.conn, case_uuid)


def is_erased(session: Session, case_uuid: str) -> bool:
    return case_erased(session.conn, case_uuid)


def check_reason(conn: Connection, case_uuid: str, reason: str) -> str:
    """The reason as kept in the audit entry. It is required, at most MAX_REASON characters,
    and may not hold the person's name (any word of it, in any spelling: `names.identity_key`)
    or document number, which the erasure removes everywhere else."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Give the reason for the erasure (for example, the request's date)."))
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason is too long: at most {limit} characters.").format(limit=MAX_REASON)
        )
    person = conn.execute(
        "SELECT p.full_name, p.other_names, p.document_number FROM cases c JOIN persons p"
        " ON p.uuid = c.person_uuid WHERE c.uuid = ?",
        (case_uuid,),
    ).fetchone()
    if person is None:
        return reason
    said = set(names.identity_key(reason).split())
    words = {w for text in person[:2] for w in names.identity_key(str(text)).split()}
    document = "".join(str(person[2]).split()).casefold()
    if any(len(w) >= 3 and w in said for w in words) or (
        len(document) >= 4 and document in "".join(reason.split()).casefold()
    ):
        raise InvalidInput(
            _(
                "The reason must not contain the person's name or document number: "
                "the erasure removes them, and the reason is kept in the audit log."
            )
        )
    return reason


def erase_rows(
    session: Session,
    case_uuid: str,
    kind: Kind,
    *,
    stone: Tombstone | None = None,
    details: dict[str, object] | None = None,
) -> Tombstone:
    """Erase one case (`kind` says how deep), record its tombstone (`stone`, or one made here)
    and audit it. Call inside a transaction; `scrub` after it."""
    conn = session.conn
    found = conn.execute(
        "SELECT number, person_uuid FROM cases WHERE uuid = ?", (case_uuid,)
    ).fetchone()
    if found is None:
        raise InvalidInput(_("This case does not exist."))
    if stone is None:
        stone = Tombstone(
            str(uuid.uuid4()),
            case_uuid,
            str(found[0]),
            str(found[1]),
            kind.value,
            audit.now_iso(),
            session.officer.uuid,
            owner_of(conn, case_uuid),
            session.device_id,
        )
    rows = erasure_rows.case_rows(conn, case_uuid)
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM sync_changes").fetchone()[0])
    conn.execute("INSERT INTO erasing (case_uuid) VALUES (?)", (case_uuid,))
    erasure_rows.note_parents(conn, case_uuid)
    if kind is Kind.REQUEST:
        erasure_rows.delete(conn, rows)
    else:
        erasure_rows.reduce(conn, rows)
    erasure_rows.forget_copies(conn, rows, top)
    conn.execute("DELETE FROM erasing WHERE case_uuid = ?", (case_uuid,))
    conn.execute(
        f"INSERT INTO erasures ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        tuple(stone.row().values()),
    )
    session.audit(
        "case.erase",
        case_uuid,
        {"kind": kind.value, "number": stone.case_number, "erasure": stone.uuid, **(details or {})},
    )
    return stone


def erase_on_request(session: Session, case_uuid: str, reason: str) -> Erased:
    """Erase every case of the person of `case_uuid` (`person_cases`), on their request, with
    the officer's `reason` (`check_reason`); then `scrub`."""
    session.require(Action.ERASE_DATA)
    conn = session.conn
    targets = person_cases(conn, case_uuid)
    reason = check_reason(conn, case_uuid, reason)
    with database.transaction(conn):
        targets = person_cases(conn, case_uuid)  # again, inside: nothing changed meanwhile
        for target, _number in targets:
            erase_rows(session, target, Kind.REQUEST, details={"reason": reason})
    return Erased(tuple(n for _u, n in targets), scrub(conn))


def scrub(conn: Connection) -> bool:
    """Leave no erased value anywhere in the file: the name search indexes are merged into
    one segment each (`optimize`: FTS5 keeps a deleted entry in an old segment until a
    merge), then VACUUM rebuilds the file without free pages (`secure_delete` zeroes what it
    frees), and a TRUNCATE checkpoint folds the write-ahead log in and empties it. Returns
    False when another connection's reading kept the log from being emptied (the next
    scrub, or the next erasure, finishes it)."""
    with database.transaction(conn):
        for index in SEARCH_INDEXES:
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    try:
        conn.execute("VACUUM")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except DatabaseError:
        return False
    return not busy
