"""The ledger of issued certificates: what is stored of each, finding a case's certificate,
and certificate numbers (each device numbers in its own namespace).

A person may hold more than one over time (a new one after a revocation, or after being
trafficked again, with the coordinator's permission: `reissue`); the latest is theirs now."""

from __future__ import annotations

from dataclasses import dataclass

from idtool.certificate import trust
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session

NUMBER_PREFIX = "KG-VS"


@dataclass(frozen=True)
class Certificate:
    uuid: str
    number: str
    case_uuid: str
    case_number: str
    holder_name: str
    holder_birth_date: str
    officer_name: str
    organisation: str
    language: str
    issue_date: str
    issued_at: str
    code: str
    prints: int
    revocation: trust.Revocation | None = None

    @property
    def revoked(self) -> bool:
        return self.revocation is not None


def case_uuid_for_number(session: Session, number: str) -> str:
    """The case with this case number (as an officer types it)."""
    row = session.conn.execute(
        "SELECT uuid FROM cases WHERE number = ?", (number.strip().upper(),)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("There is no case with this number."))
    return str(row[0])


_SELECT = (
    "SELECT c.uuid, c.number, c.case_uuid, k.number, c.holder_name, c.holder_birth_date,"
    " c.officer_name, c.organisation, c.language, c.issue_date, c.issued_at, c.code, c.prints"
    " FROM certificates c JOIN cases k ON k.uuid = c.case_uuid"
)


def _from_row(session: Session, row: tuple[str, ...]) -> Certificate:
    return Certificate(
        uuid=row[0],
        number=row[1],
        case_uuid=row[2],
        case_number=row[3],
        holder_name=row[4],
        holder_birth_date=row[5],
        officer_name=row[6],
        organisation=row[7],
        language=row[8],
        issue_date=row[9],
        issued_at=row[10],
        code=row[11],
        prints=int(row[12]),
        revocation=trust.revocation(session.conn, row[1]),
    )


_LATEST = " ORDER BY c.issued_at DESC, c.rowid DESC"


def get(session: Session, case_uuid: str) -> Certificate | None:
    """The certificate issued for the case's person, if any (the latest, if several)."""
    row = session.conn.execute(
        _SELECT
        + " WHERE c.person_uuid = (SELECT person_uuid FROM cases WHERE uuid = ?)"
        + _LATEST
        + " LIMIT 1",
        (case_uuid,),
    ).fetchone()
    return None if row is None else _from_row(session, row)


def of_person(session: Session, person_uuid: str, holder_key: str = "") -> list[Certificate]:
    """Every certificate of the person, latest first: issued to that person record, or (with
    `holder_key`) to anyone with the same identity key of name and date of birth."""
    rows = session.conn.execute(
        _SELECT + " WHERE c.person_uuid = ? OR (? != '' AND c.holder_key = ?)" + _LATEST,
        (person_uuid, holder_key, holder_key),
    ).fetchall()
    return [_from_row(session, row) for row in rows]


def numbers_by_case(session: Session) -> dict[str, str]:
    """Certificate number per case uuid, for every case that has one (the latest)."""
    return {
        str(r[0]): str(r[1])
        for r in session.conn.execute(
            "SELECT case_uuid, number FROM certificates ORDER BY issued_at, rowid"
        )
    }


def number_prefixes(device_id: str) -> list[str]:
    """The starts of the certificate numbers `device_id` may issue: 8 characters of its id
    (4 before issuing keys), so each device numbers in its own namespace (the coordinator
    refuses to enrol a device whose 8 characters another already has)."""
    return [f"{NUMBER_PREFIX}-{device_id[:n].upper()}-" for n in (8, 4)]


def next_number(session: Session, year: int) -> str:
    """The next free certificate number of this device in `year` (call in the issue's
    transaction)."""
    prefix = f"{number_prefixes(session.device_id)[0]}{year}-"
    row = session.conn.execute(
        "SELECT number FROM certificates WHERE number LIKE ? ORDER BY number DESC LIMIT 1",
        (prefix + "%",),
    ).fetchone()
    last = int(str(row[0]).rsplit("-", 1)[1]) if row else 0
    return f"{prefix}{last + 1:05d}"
