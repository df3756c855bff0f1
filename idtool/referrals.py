"""Referrals: send a person to a service provider with exactly the data that provider needs.

What a recipient receives is decided field by field: the field's sensitivity class must be
one the recipient's type may receive, and the person must have consented to this referral
(and, for police and prosecutors, to sharing with law enforcement). The one exception is the
law's: a child - under 18 now, not merely at the time of exploitation (`ages`) - is referred to
child protection without consent, explicitly, and audited.
The officer sees `preview()` - exactly what will be shared - before anything is produced.
A recipient that may receive identifying data needs the person's name (`identity`): without
it the preview refuses, naming what is missing, and so do the referral, its packet and its
exchange package.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from idtool import ages, cases, consent, database, directory, identity, interviews, records
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import N_, _, current_language, gettext
from idtool.policy import Action
from idtool.questionnaire.answer_text import answer_text
from idtool.questionnaire.model import Kind
from idtool.session import Session


class RefStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    SERVICE_DELIVERED = "service_delivered"
    DECLINED = "declined"
    CLOSED = "closed"


STATUS_LABELS = {
    RefStatus.SENT: N_("Sent"),
    RefStatus.ACCEPTED: N_("Accepted"),
    RefStatus.SERVICE_DELIVERED: N_("Service delivered"),
    RefStatus.DECLINED: N_("Declined"),
    RefStatus.CLOSED: N_("Closed"),
}
URGENCIES = ("routine", "urgent", "immediate")
URGENCY_LABELS = {
    "routine": N_("Routine"),
    "urgent": N_("Urgent"),
    "immediate": N_("Immediate (today)"),
}


def status_label(status: str, lang: str | None = None) -> str:
    return gettext(STATUS_LABELS[RefStatus(status)], lang)


def urgency_label(urgency: str, lang: str | None = None) -> str:
    return gettext(URGENCY_LABELS[urgency], lang)


@dataclass(frozen=True)
class SharedField:
    question: str
    label: str
    answer: str
    sensitivity: str
    included: bool


@dataclass(frozen=True)
class Preview:
    org: directory.Organisation
    legal_basis: str | None  # "consent", "child_protection_law", or None: refused
    refusal: str
    fields: tuple[SharedField, ...]
    missing: tuple[str, ...] = ()  # details of the person this recipient needs (`identity`)

    @property
    def allowed(self) -> bool:
        return self.legal_basis is not None and not self.missing

    def included(self) -> list[SharedField]:
        return [f for f in self.fields if f.included]


@dataclass(frozen=True)
class Referral:
    uuid: str
    case_uuid: str
    recipient_id: str
    services: tuple[str, ...]
    urgency: str
    reason: str
    risks: str
    legal_basis: str
    fields: tuple[str, ...]
    status: str
    officer_name: str
    created_at: str


def is_child(session: Session, case_uuid: str) -> bool:
    """Under 18 now, or possibly so (`ages.child_now`). The age at the time of exploitation
    decides only the legal definition: an adult exploited as a child consents like any adult."""
    return ages.child_now(session, case_uuid)


def _answers(session: Session, case_uuid: str, lang: str) -> list[SharedField]:
    """Relevant answers of the case's interviews (the latest answer to a question wins)."""
    found: dict[str, SharedField] = {}
    for interview in interviews.for_case(session, case_uuid):
        flow = interviews.flow(session, interview, lang)
        form = flow.form
        for name, value in flow.effective_answers().items():
            q = form.question(name)
            if not (q.kind.takes_answer or q.kind is Kind.REPEAT) or value in (None, "", []):
                continue
            found[name] = SharedField(
                name,
                q.label.get(lang, form.default_language),
                answer_text(form, name, value, lang),
                q.sensitivity.value,
                False,
            )
    return list(found.values())


def legal_basis(
    rtype: directory.RecipientType,
    org_id: str,
    consents: Mapping[tuple[str, str], str],
    child: bool,
) -> tuple[str | None, str]:
    """The legal basis for referring a person to `org_id` (a `rtype` organisation): "consent",
    "child_protection_law", or None with the reason it is refused. `consents` is the latest
    state per (purpose, recipient id); `child` whether the person is a child now. One rule,
    for the sender (`preview`) and for the receiving device (`sync.referral_in`)."""
    if consents.get((consent.Purpose.REFERRAL.value, org_id)) == consent.State.GIVEN:
        if (
            rtype.consent_purpose == "law_enforcement"
            and consents.get((consent.Purpose.LAW_ENFORCEMENT.value, "")) != consent.State.GIVEN
        ):
            return None, _("The person has not agreed to share data with law enforcement.")
        return "consent", ""
    if rtype.child_without_consent and child:
        return "child_protection_law", ""
    return None, _("The person has not consented to a referral to this organisation.")


def preview(session: Session, case_uuid: str, org_id: str, lang: str | None = None) -> Preview:
    lang = lang or current_language()
    org = directory.get(session, org_id)
    rtype = directory.recipient_type(org.type)
    states = {key: rec.state for key, rec in consent.current(session, case_uuid).items()}
    basis, refusal = legal_basis(rtype, org.id, states, is_child(session, case_uuid))
    missing: tuple[str, ...] = ()
    if basis is not None and "identifying" in rtype.receives:
        person = cases.get_case(session, case_uuid, audit_view=False).person
        missing = identity.missing(person, identity.Need.REFERRAL)
        if missing:
            refusal = identity.IdentityMissing(identity.Need.REFERRAL, missing).message
    fields = tuple(
        SharedField(
            f.question,
            f.label,
            f.answer,
            f.sensitivity,
            basis is not None and not missing and f.sensitivity in rtype.receives,
        )
        for f in _answers(session, case_uuid, lang)
    )
    return Preview(org, basis, refusal, fields, missing)


def make(
    session: Session,
    case_uuid: str,
    org_id: str,
    *,
    services: tuple[str, ...],
    urgency: str = "routine",
    reason: str = "",
    risks: str = "",
    then: Callable[[Referral], None] | None = None,
) -> Referral:
    """Record a referral. `then`, when given, runs inside the transaction that records it: if
    it fails, nothing is recorded."""
    ref = plan(
        session, case_uuid, org_id, services=services, urgency=urgency, reason=reason, risks=risks
    )
    record(session, ref, then)
    return ref


def plan(
    session: Session,
    case_uuid: str,
    org_id: str,
    *,
    services: tuple[str, ...],
    urgency: str = "routine",
    reason: str = "",
    risks: str = "",
) -> Referral:
    """The referral `make` records, checked (role, urgency, services, legal basis) but not yet
    recorded: `idtool.packet` renders its packet before `record` writes it."""
    session.require(Action.REFERRAL)
    if urgency not in URGENCIES:
        raise InvalidInput(_("Choose the urgency."))
    if not services:
        raise InvalidInput(_("Choose at least one service."))
    shown = preview(session, case_uuid, org_id)
    if shown.missing:
        raise identity.IdentityMissing(identity.Need.REFERRAL, shown.missing)
    if not shown.allowed:
        raise NotPermitted(shown.refusal)
    shared = tuple(f.question for f in shown.included())
    return Referral(
        str(uuid.uuid4()),
        case_uuid,
        org_id,
        tuple(services),
        urgency,
        reason.strip(),
        risks.strip(),
        str(shown.legal_basis),
        shared,
        RefStatus.SENT.value,
        session.officer.name,
        cases.now_iso(),
    )


def record(session: Session, ref: Referral, then: Callable[[Referral], None] | None = None) -> None:
    """Record a referral from `plan`, with its audit entries, in one transaction; `then` runs
    inside it (a failure there records nothing)."""
    case_uuid, org_id, urgency, shared = ref.case_uuid, ref.recipient_id, ref.urgency, ref.fields
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO referrals (uuid, case_uuid, recipient_id, services, urgency, reason,"
            " risks, legal_basis, fields, status, officer_uuid, created_at, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ref.uuid,
                case_uuid,
                org_id,
                json.dumps(ref.services),
                urgency,
                ref.reason,
                ref.risks,
                ref.legal_basis,
                json.dumps(shared),
                ref.status,
                session.officer.uuid,
                ref.created_at,
                session.device_id,
            ),
        )
        _event(session, ref.uuid, RefStatus.SENT, "")
        session.audit(
            "referral.make",
            case_uuid,
            {
                "referral": ref.uuid,
                "recipient": org_id,
                "legal_basis": ref.legal_basis,
                "fields": len(shared),
            },
        )
        if ref.legal_basis == "child_protection_law":
            session.audit(
                "referral.child_protection_without_consent",
                case_uuid,
                {"referral": ref.uuid, "recipient": org_id},
            )
        cases.set_status(session, case_uuid, cases.Status.REFERRED)
        if then is not None:
            then(ref)


def _event(session: Session, referral_uuid: str, status: RefStatus, note: str) -> None:
    session.conn.execute(
        "INSERT INTO referral_events (uuid, referral_uuid, status, note, at, officer_uuid,"
        " device_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            str(uuid.uuid4()),
            referral_uuid,
            status.value,
            note,
            cases.now_iso(),
            session.officer.uuid,
            session.device_id,
        ),
    )


def set_status(session: Session, referral_uuid: str, status: RefStatus, note: str = "") -> None:
    session.require(Action.REFERRAL)
    row = session.conn.execute(
        "SELECT case_uuid, status FROM referrals WHERE uuid = ?", (referral_uuid,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This referral does not exist."))
    if row[1] == RefStatus.CLOSED:
        raise InvalidInput(_("This referral is closed."))
    with database.transaction(session.conn):
        records.update(
            session.conn,
            "referrals",
            {"status": status.value},
            "uuid = ?",
            (referral_uuid,),
            session.device_id,
        )
        _event(session, referral_uuid, status, note.strip())
        session.audit(
            "referral.status", row[0], {"referral": referral_uuid, "status": status.value}
        )


def record_received(session: Session, received: dict[str, object]) -> str:
    """Record a referral another organisation's device sent here (`received`: the columns of
    `referrals_received` but uuid, status, received_at and officer_uuid), accepted. Call inside
    the import's transaction; returns its uuid."""
    row = {
        **received,
        "uuid": str(uuid.uuid4()),
        "status": RefStatus.ACCEPTED.value,
        "received_at": cases.now_iso(),
        "officer_uuid": session.officer.uuid,
    }
    cols = list(row)
    session.conn.execute(
        f"INSERT INTO referrals_received ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )
    return str(row["uuid"])


def was_received(session: Session, sender: str, referral_uuid: str) -> bool:
    return (
        session.conn.execute(
            "SELECT 1 FROM referrals_received WHERE sender = ? AND referral_uuid = ?",
            (sender, referral_uuid),
        ).fetchone()
        is not None
    )


def for_case(session: Session, case_uuid: str) -> list[Referral]:
    rows = session.conn.execute(
        "SELECT r.uuid, r.case_uuid, r.recipient_id, r.services, r.urgency, r.reason, r.risks,"
        " r.legal_basis, r.fields, r.status, o.name, r.created_at FROM referrals r"
        " JOIN officers o ON o.uuid = r.officer_uuid WHERE r.case_uuid = ?"
        " ORDER BY r.created_at, r.rowid",
        (case_uuid,),
    ).fetchall()
    return [
        Referral(
            r[0],
            r[1],
            r[2],
            tuple(json.loads(r[3])),
            r[4],
            r[5],
            r[6],
            r[7],
            tuple(json.loads(r[8])),
            r[9],
            r[10],
            r[11],
        )
        for r in rows
    ]


def events(session: Session, referral_uuid: str) -> list[tuple[str, str, str]]:
    """(status, time, note) in order."""
    return [
        tuple(r)
        for r in session.conn.execute(
            "SELECT status, at, note FROM referral_events WHERE referral_uuid = ?"
            " ORDER BY at, rowid",
            (referral_uuid,),
        )
    ]
