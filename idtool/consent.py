"""Informed consent, per purpose: the interview, each referral recipient, sharing with law
enforcement, anonymous statistics. Records are never edited: a new record (given, refused or
withdrawn) supersedes the previous one for the same purpose and recipient; all are kept.

What the person was told is recorded with each record: purpose, use of the data, retention and
how to withdraw. Whether the person is a child is their age now (`ages.child_now`), never only
their age at the time of exploitation: for a child, the child's assent and the guardian's or
child protection's involvement are recorded with every record, and referral to child protection
needs no consent (see referrals); an adult, even one exploited as a child, decides alone, and a
child's assent is not recorded for them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum

from idtool import ages, cases, database, names
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session


class Purpose(StrEnum):
    INTERVIEW = "interview"
    REFERRAL = "referral"
    LAW_ENFORCEMENT = "law_enforcement"
    STATISTICS = "statistics"


class State(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


TOLD = ("purpose", "use", "retention", "withdrawal")

PURPOSE_LABELS = {
    Purpose.INTERVIEW: N_("The interview"),
    Purpose.REFERRAL: N_("Referral to"),
    Purpose.LAW_ENFORCEMENT: N_("Sharing with law enforcement"),
    Purpose.STATISTICS: N_("Anonymous statistics"),
}
STATE_LABELS = {
    State.GIVEN: N_("Given"),
    State.REFUSED: N_("Refused"),
    State.WITHDRAWN: N_("Withdrawn"),
}
TOLD_LABELS = {
    "purpose": N_("the purpose"),
    "use": N_("how the data is used"),
    "retention": N_("how long it is kept"),
    "withdrawal": N_("how to withdraw consent"),
}


def purpose_label(purpose: str, lang: str | None = None) -> str:
    return gettext(PURPOSE_LABELS[Purpose(purpose)], lang)


def state_label(state: str, lang: str | None = None) -> str:
    return gettext(STATE_LABELS[State(state)], lang)


@dataclass(frozen=True)
class ConsentRecord:
    uuid: str
    case_uuid: str
    purpose: str
    recipient_id: str
    state: str
    told: tuple[str, ...]
    child_assent: str
    guardian: str
    officer_name: str
    recorded_at: str


def record(
    session: Session,
    case_uuid: str,
    purpose: Purpose,
    state: State,
    *,
    told: tuple[str, ...] = TOLD,
    recipient_id: str = "",
    child_assent: str = "",
    guardian: str = "",
) -> ConsentRecord:
    """Record what the person decided, and what they were told, for one purpose."""
    session.require(Action.SCREENING_INTERVIEW)
    if purpose is Purpose.REFERRAL and not recipient_id:
        raise InvalidInput(_("Name the recipient this consent is for."))
    unknown = [t for t in told if t not in TOLD]
    if unknown:
        raise InvalidInput(
            _("Unknown item of information: {items}.").format(items=", ".join(unknown))
        )
    if state is State.GIVEN and set(told) != set(TOLD):
        raise InvalidInput(
            _(
                "Consent is informed only when the person was told the purpose, "
                "the use of the data, how long it is kept and how to withdraw."
            )
        )
    guardian = names.clean_name(guardian, limit=names.MAX_NAME_TEXT)  # shown in documents
    child_assent = " ".join(child_assent.split())
    cases.get_case(session, case_uuid, audit_view=False)
    if ages.child_now(session, case_uuid):
        if not child_assent or not guardian:
            raise InvalidInput(_("For a child, record the child's assent and who took part."))
    elif child_assent:
        raise InvalidInput(
            _(
                "The person is an adult now and decides alone: a child's assent is not "
                "recorded for them."
            )
        )
    rec = ConsentRecord(
        str(uuid.uuid4()),
        case_uuid,
        purpose.value,
        recipient_id,
        state.value,
        tuple(told),
        child_assent,
        guardian,
        session.officer.name,
        cases.now_iso(),
    )
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO consents (uuid, case_uuid, purpose, recipient_id, state, told,"
            " child_assent, guardian, officer_uuid, recorded_at, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec.uuid,
                case_uuid,
                rec.purpose,
                recipient_id,
                rec.state,
                json.dumps(rec.told),
                child_assent,
                guardian,
                session.officer.uuid,
                rec.recorded_at,
                session.device_id,
            ),
        )
        session.audit(
            "consent.record",
            case_uuid,
            {"purpose": rec.purpose, "recipient": recipient_id, "state": rec.state},
        )
    return rec


def history(session: Session, case_uuid: str) -> list[ConsentRecord]:
    rows = session.conn.execute(
        "SELECT c.uuid, c.case_uuid, c.purpose, c.recipient_id, c.state, c.told,"
        " c.child_assent, c.guardian, o.name, c.recorded_at FROM consents c"
        " JOIN officers o ON o.uuid = c.officer_uuid WHERE c.case_uuid = ?"
        " ORDER BY c.recorded_at, c.rowid",
        (case_uuid,),
    ).fetchall()
    return [
        ConsentRecord(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), r[6], r[7], r[8], r[9])
        for r in rows
    ]


def current(session: Session, case_uuid: str) -> dict[tuple[str, str], ConsentRecord]:
    """The latest record per (purpose, recipient)."""
    latest: dict[tuple[str, str], ConsentRecord] = {}
    for rec in history(session, case_uuid):
        latest[(rec.purpose, rec.recipient_id)] = rec
    return latest


def is_given(session: Session, case_uuid: str, purpose: Purpose, recipient_id: str = "") -> bool:
    rec = current(session, case_uuid).get((purpose.value, recipient_id))
    return rec is not None and rec.state == State.GIVEN


def consented_recipients(session: Session, case_uuid: str) -> list[str]:
    """The recipients the person consents to be referred to now, the latest consent first."""
    latest = current(session, case_uuid)
    found: list[str] = []
    for rec in reversed(history(session, case_uuid)):
        now = latest[(rec.purpose, rec.recipient_id)]
        given = rec.purpose == Purpose.REFERRAL and now.state == State.GIVEN
        if given and rec.recipient_id not in found:
            found.append(rec.recipient_id)
    return found
