"""The duplicate rule: which persons recorded here may be the same person.

Two persons may be one when the identity keys of their names are equal (`names.identity_key`:
one key for a name written in Cyrillic or Latin letters, or with look-alike letters) and their
dates of birth are equal, or when their document numbers are equal. The rule is applied in two
places, both through `matches`: an import flags possible duplicates from other posts for a
person to judge (`sync.queues`), and opening a new case warns of a person already recorded
(`existing_cases`). Nothing is ever merged.
"""

from __future__ import annotations

from dataclasses import dataclass

from idtool import cases, identity, names
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.session import Session

NAME_BIRTH_DATE = "name_birth_date"
DOCUMENT_NUMBER = "document_number"


def matches(
    conn: Connection,
    *,
    full_name: str,
    birth_date: str,
    document_number: str,
    not_uuid: str = "",
    not_device: str = "",
) -> dict[str, set[str]]:
    """The persons the rule takes for the one described: person uuid -> the reasons
    (NAME_BIRTH_DATE, DOCUMENT_NUMBER); leaving out the person `not_uuid` and, when given,
    the persons written by the device `not_device`."""
    reasons: dict[str, set[str]] = {}
    name = names.identity_key(full_name)
    device = " AND device_id != ?" if not_device else ""
    extra: tuple[str, ...] = (not_device,) if not_device else ()
    if name and birth_date:
        for (other,) in conn.execute(
            "SELECT uuid FROM persons WHERE name_key = ? AND birth_date = ? AND uuid != ?" + device,
            (name, birth_date, not_uuid, *extra),
        ):
            reasons.setdefault(str(other), set()).add(NAME_BIRTH_DATE)
    document = document_number.strip()
    if document:
        for (other,) in conn.execute(
            "SELECT uuid FROM persons WHERE document_number = ? AND uuid != ?" + device,
            (document, not_uuid, *extra),
        ):
            reasons.setdefault(str(other), set()).add(DOCUMENT_NUMBER)
    return reasons


@dataclass(frozen=True)
class ExistingCase:
    """A case of a person the duplicate rule takes for the one about to be recorded."""

    case_uuid: str
    number: str
    shown_name: str
    birth_date: str
    opened_at: str
    reasons: tuple[str, ...]


def existing_cases(
    session: Session, *, full_name: str, birth_date: str = "", document_number: str = ""
) -> list[ExistingCase]:
    """The cases of persons who may be the one described (as `cases.open_case` would store
    the details: a date of birth or document number that cannot be stored matches nothing),
    newest first. Read only."""
    try:
        birth = cases.check_birth_date(birth_date)
        document = cases.check_document_number(document_number)
        name = names.clean_name(full_name) if full_name.strip() else ""
    except InvalidInput:
        return []
    found = matches(session.conn, full_name=name, birth_date=birth, document_number=document)
    if not found:
        return []
    marks = ",".join("?" * len(found))
    rows = session.conn.execute(
        "SELECT c.uuid, c.person_uuid FROM cases c"
        f" WHERE c.person_uuid IN ({marks}) ORDER BY c.opened_at DESC",
        tuple(found),
    ).fetchall()
    out = []
    for case_uuid, person_uuid in rows:
        case = cases.get_case(session, str(case_uuid), audit_view=False)
        out.append(
            ExistingCase(
                case.uuid,
                case.number,
                identity.shown_name(case.person, case.number),
                case.person.birth_date,
                case.opened_at,
                tuple(sorted(found[str(person_uuid)])),
            )
        )
    return out
