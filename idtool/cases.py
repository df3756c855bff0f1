"""Cases and the persons they concern: open, read, update the person, set status. The case list
(find, filter, sort, page) is `case_list`.

A case may be opened without the person's name, under a working name (`identity` says how it
is shown and which details a certificate or a referral needs); `set_details` fills in the
person's details when a document needs them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum

from idtool import database, dates, names, records
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.regions import REGIONS
from idtool.session import Session

# The person's details a case keeps (besides the identity key), in table order.
PERSON_COLUMNS = (
    "full_name",
    "other_names",
    "sex",
    "birth_date",
    "citizenship",
    "document_number",
)


class Status(StrEnum):
    POSSIBLE = "possible"
    IDENTIFIED = "identified"
    NOT_IDENTIFIED = "not_identified"
    NEEDS_INFORMATION = "needs_information"
    REFERRED = "referred"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.POSSIBLE: N_("Possible victim"),
    Status.IDENTIFIED: N_("Identified victim"),
    Status.NOT_IDENTIFIED: N_("Not identified as a victim"),
    Status.NEEDS_INFORMATION: N_("Needs more information"),
    Status.REFERRED: N_("Referred"),
    Status.CLOSED: N_("Closed"),
}


def status_label(status: str, lang: str | None = None) -> str:
    return gettext(STATUS_LABELS[Status(status)], lang)


# The person's sex as the case records it (the choice names of the questionnaires' `sex` list).
SEX_LABELS = {
    "female": N_("Female"),
    "male": N_("Male"),
    "other": N_("Other"),
    "declined": N_("Prefers not to answer"),
}


def sex_label(code: str, lang: str | None = None) -> str:
    return gettext(SEX_LABELS[code], lang) if code in SEX_LABELS else code


@dataclass(frozen=True)
class Person:
    uuid: str
    full_name: str = ""
    other_names: str = ""
    sex: str = ""
    birth_date: str = ""
    citizenship: str = ""
    document_number: str = ""
    working_name: str = ""  # what the officer calls a person with no name; never a name


@dataclass(frozen=True)
class Case:
    uuid: str
    number: str
    status: str
    region: str
    opened_at: str
    officer_uuid: str
    review: bool
    person: Person
    demo: bool = False


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


NUMBER_FLOOR_META = "case_number_floor"  # set by sync.gap from the coordinator's acknowledgement


def _next_number(session: Session) -> str:
    """Per-device running number: DEVICE-YEAR-NNNNN (DEVICE: 4 characters of the device id; the
    case number is a claim of the certificate code, which must stay under 300 bytes)."""
    year = datetime.now(UTC).year
    prefix = f"{session.device_id[:4].upper()}-{year}-"
    row = session.conn.execute(
        "SELECT number FROM cases WHERE number LIKE ? ORDER BY number DESC LIMIT 1",
        (prefix + "%",),
    ).fetchone()
    last = int(row[0].rsplit("-", 1)[1]) if row else 0
    floor = session.meta(NUMBER_FLOOR_META) or ""  # after a restore: what the coordinator has
    if floor.startswith(prefix) and floor.rsplit("-", 1)[1].isdigit():
        last = max(last, int(floor.rsplit("-", 1)[1]))
    return f"{prefix}{last + 1:05d}"


def open_case(
    session: Session,
    *,
    full_name: str = "",
    region: str,
    sex: str = "",
    birth_date: str = "",
    document_number: str = "",
    working_name: str = "",
    demo: bool = False,
) -> Case:
    """Open a case for a person met by the officer, by name or, when the person gives none,
    under a working name (`working_name`, or none: "Person N", see `identity`). Any role that
    may screen may open one."""
    session.require(Action.SCREENING_INTERVIEW)
    if region not in REGIONS:
        raise InvalidInput(_("Choose the region of the case."))
    birth_date = check_birth_date(birth_date)
    person = Person(
        str(uuid.uuid4()),
        full_name=names.clean_name(full_name),
        sex=sex,
        birth_date=birth_date,
        document_number=check_document_number(document_number),
        working_name=names.clean_name(working_name),
    )
    case_uuid = str(uuid.uuid4())
    conn = session.conn
    with database.transaction(conn):
        number = _next_number(session)
        conn.execute(
            "INSERT INTO persons (uuid, full_name, sex, birth_date, document_number, name_key,"
            " working_name, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person.uuid,
                person.full_name,
                sex,
                birth_date,
                person.document_number,
                names.identity_key(person.full_name),
                person.working_name,
                session.device_id,
            ),
        )
        opened = now_iso()
        conn.execute(
            "INSERT INTO cases (uuid, number, person_uuid, status, region, opened_at,"
            " officer_uuid, demo, device_id) VALUES (?, ?, ?, 'possible', ?, ?, ?, ?, ?)",
            (
                case_uuid,
                number,
                person.uuid,
                region,
                opened,
                session.officer.uuid,
                int(demo),
                session.device_id,
            ),
        )
        session.audit("case.open", case_uuid)
    return Case(
        case_uuid,
        number,
        Status.POSSIBLE,
        region,
        opened,
        session.officer.uuid,
        False,
        person,
        demo,
    )


def check_birth_date(text: str, today: date | None = None) -> str:
    """A typed date of birth as the person record keeps it: "YYYY-MM-DD", or '' for none.
    InvalidInput when it is not a date, lies in the future or more than 120 years back."""
    if not text.strip():
        return ""
    born = dates.parse(text)
    today = today or date.today()
    if born > today:
        raise InvalidInput(_("The date of birth cannot be in the future."))
    if born.year < today.year - 120:
        raise InvalidInput(_("Check the year of birth."))
    return born.isoformat()


def open_received(session: Session, person: dict[str, str], region: str, identified: bool) -> str:
    """Open a case here for a person another organisation referred (their details as the
    referral carries them, checked by the caller); returns its uuid. Call inside the import's
    transaction."""
    conn = session.conn
    person_uuid, case_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    conn.execute(
        "INSERT INTO persons (uuid, full_name, other_names, sex, birth_date, citizenship,"
        " document_number, name_key, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            person_uuid,
            *(person[k] for k in PERSON_COLUMNS),
            names.identity_key(person["full_name"]),
            session.device_id,
        ),
    )
    conn.execute(
        "INSERT INTO cases (uuid, number, person_uuid, status, region, opened_at, officer_uuid,"
        " device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_uuid,
            _next_number(session),
            person_uuid,
            Status.IDENTIFIED.value if identified else Status.POSSIBLE.value,
            region,
            now_iso(),
            session.officer.uuid,
            session.device_id,
        ),
    )
    return case_uuid


def get_case(session: Session, case_uuid: str, *, audit_view: bool = True) -> Case:
    row = session.conn.execute(
        "SELECT c.uuid, c.number, c.status, c.region, c.opened_at, c.officer_uuid, c.review,"
        " c.demo, p.uuid, p.full_name, p.other_names, p.sex, p.birth_date, p.citizenship,"
        " p.document_number, p.working_name FROM cases c JOIN persons p ON p.uuid = c.person_uuid"
        " WHERE c.uuid = ?",
        (case_uuid,),
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This case does not exist."))
    if audit_view:
        with database.transaction(session.conn):
            session.audit("case.view", case_uuid)
    person = Person(*row[8:16])
    return Case(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), person, bool(row[7]))


MAX_DOCUMENT = 64  # characters of a document number


def check_document_number(text: str) -> str:
    """A typed document number as kept (whitespace collapsed); InvalidInput when it is too
    long or holds a character that cannot be shown (the message never repeats it)."""
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_DOCUMENT:
        raise InvalidInput(
            _("The document number is too long: at most {limit} characters.").format(
                limit=MAX_DOCUMENT
            )
        )
    if not cleaned.isprintable() or names.problem(cleaned) is not None:
        raise InvalidInput(
            _("The document number contains a character that cannot be stored. Type it again.")
        )
    return cleaned


def set_details(
    session: Session,
    case_uuid: str,
    *,
    full_name: str,
    birth_date: str,
    document_number: str,
    working_name: str,
) -> Person:
    """Fill in or correct the person's identity, each detail as the officer leaves it (empty
    clears it); returns the person as stored. Audited with the names of the details that
    changed, never their values. Any role that may screen may do it."""
    session.require(Action.SCREENING_INTERVIEW)
    person = get_case(session, case_uuid, audit_view=False).person
    wanted = {
        "full_name": names.clean_name(full_name),
        "birth_date": check_birth_date(birth_date),
        "document_number": check_document_number(document_number),
        "working_name": names.clean_name(working_name),
    }
    changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    if not changes:
        return person
    values: dict[str, object] = dict(changes)
    if "full_name" in changes:
        values["name_key"] = names.identity_key(changes["full_name"])
    with database.transaction(session.conn):
        records.update(
            session.conn, "persons", values, "uuid = ?", (person.uuid,), session.device_id
        )
        session.audit("person.update", case_uuid, {"fields": sorted(changes)})
    return replace(person, **changes)


_NAME_LIMITS = {"full_name": names.MAX_PERSON_NAME, "other_names": names.MAX_NAME_TEXT}


def clean_person_value(column: str, value: object) -> object:
    """An answer bound to the person's `column`, checked and normalised as the person record
    keeps it (InvalidInput if it may not be stored); the answer and the person record then
    hold the same text. Anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if column in _NAME_LIMITS:
        return names.clean_name(value, limit=_NAME_LIMITS[column])
    if column == "document_number":
        return check_document_number(value)
    return value


def update_person(session: Session, case_uuid: str, changes: dict[str, str]) -> None:
    """Write answers bound to the person record into it (`changes`: column -> value, from
    `clean_person_value`). Call inside the transaction that saves the answers."""
    values: dict[str, object] = {k: v for k, v in changes.items() if k in PERSON_COLUMNS}
    if not values:
        return
    if "full_name" in values:
        values["name_key"] = names.identity_key(str(values["full_name"]))
    records.update(
        session.conn,
        "persons",
        values,
        "uuid = (SELECT person_uuid FROM cases WHERE uuid = ?)",
        (case_uuid,),
        session.device_id,
    )


def set_status(
    session: Session, case_uuid: str, status: Status, review: bool | None = None
) -> None:
    """Change the case's status. Call inside the transaction of the change that causes it."""
    changes: dict[str, object] = {"status": status.value}
    if review is not None:
        changes["review"] = int(review)
    records.update(session.conn, "cases", changes, "uuid = ?", (case_uuid,), session.device_id)
