"""What a referral packet shows, gathered from the database in the packet's language.

Nothing here lays out a page (`packet.pdf` draws a `PacketContent`). Data minimisation is
decided once, by `referrals.preview`: the summary holds only the fields the preview includes
and the referral recorded as shared. Personal details outside the questionnaire follow the
same rule: the person's identity as the case records it (full name, sex, date of birth, document
number, shown first in the summary, since a referral needs the name but the interview may not
have asked it), the certificate copy (name, date of birth) and a guardian's name go only to a
recipient type that may receive identifying data. A working name never goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from idtool import (
    cases,
    consent,
    dates,
    directory,
    identity,
    interviews,
    legal_acts,
    policy_options,
    referrals,
    regions,
)
from idtool.certificate import issuing_org, ledger
from idtool.certificate.ledger import Certificate
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import N_, _, gettext
from idtool.session import Session

NATIONWIDE = N_("Whole country")
IDENTIFYING = "identifying"
PERSON_GROUP = N_("The person")
# The person's identity in the packet: (person column, label, the bind target of the questions
# that fill it: an answer bound to it is not repeated).
IDENTITY_ROWS = (
    ("full_name", N_("Full name"), "person.full_name"),
    ("sex", N_("Sex"), "person.sex"),
    ("birth_date", N_("Date of birth"), "person.birth_date"),
    ("document_number", N_("Document number"), "person.document_number"),
)


@dataclass(frozen=True)
class SummaryGroup:
    """One section of the interview: (question label, answer) rows in the packet language."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ConsentLine:
    purpose: str
    state: str
    told: str
    recorded: str  # DD.MM.YYYY HH:MM, local time
    officer: str
    child_assent: str
    guardian: str
    guardian_withheld: bool  # a guardian was named, but not for this recipient


@dataclass(frozen=True)
class PacketContent:
    language: str
    referral_uuid: str
    reference: str  # the short referral number printed on every page
    case_uuid: str
    case_number: str
    created: str  # DD.MM.YYYY
    officer: str
    organisation: str
    recipient_id: str
    recipient: str
    recipient_type: str
    region: str
    contact: str
    reason: str
    urgency: str
    urgency_code: str
    services: tuple[str, ...]
    risks: str
    legal_basis: str  # "consent" or "child_protection_law"
    consents: tuple[ConsentLine, ...]
    summary: tuple[SummaryGroup, ...]
    shared: tuple[str, ...]  # question names in the summary
    withheld: int
    certificate: Certificate | None  # attached as a copy for the referral
    certificate_number: str  # "" when none was issued
    certificate_revoked: bool
    legal_acts: tuple[legal_acts.Details, ...] = ()  # the certificate copy's legal basis
    certificate_organisation: str = ""  # its issuing body, named in the packet's language


def region_label(code: str, lang: str | None = None) -> str:
    return gettext(NATIONWIDE, lang) if code == "national" else regions.region_label(code, lang)


def reference(referral_uuid: str) -> str:
    """The short number a referral is known by (on the packet, in `idtool referral list`)."""
    return referral_uuid[:8].upper()


def local_time(iso: str, with_time: bool = True) -> str:
    moment = dates.local_moment(iso)
    return moment.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def referral(session: Session, referral_uuid: str) -> referrals.Referral:
    row = session.conn.execute(
        "SELECT case_uuid FROM referrals WHERE uuid = ?", (referral_uuid,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This referral does not exist."))
    return next(r for r in referrals.for_case(session, str(row[0])) if r.uuid == referral_uuid)


def gather(session: Session, ref: referrals.Referral, lang: str) -> PacketContent:
    """Everything the packet for `ref` shows; refused if the person's consent is gone."""
    shown = referrals.preview(session, ref.case_uuid, ref.recipient_id, lang)
    if shown.missing:
        raise identity.IdentityMissing(identity.Need.REFERRAL, shown.missing)
    if not shown.allowed:
        raise NotPermitted(shown.refusal)
    org = shown.org
    rtype = directory.recipient_type(org.type)
    identifying = IDENTIFYING in rtype.receives
    # Never more than the referral recorded as shared, nor more than is allowed today.
    shared = [f for f in shown.included() if f.question in ref.fields]
    cert = ledger.get(session, ref.case_uuid)
    case = cases.get_case(session, ref.case_uuid, audit_view=False)
    return PacketContent(
        language=lang,
        referral_uuid=ref.uuid,
        reference=reference(ref.uuid),
        case_uuid=ref.case_uuid,
        case_number=case.number,
        created=local_time(ref.created_at, with_time=False),
        officer=ref.officer_name,
        organisation=issuing_org.organisation(session, lang),
        recipient_id=org.id,
        recipient=org.title(lang),
        recipient_type=rtype.label.get(lang, org.type),
        region=region_label(org.region, lang),
        contact=org.contact,
        reason=ref.reason,
        urgency=referrals.urgency_label(ref.urgency, lang),
        urgency_code=ref.urgency,
        services=tuple(directory.service_label(s, lang) for s in ref.services),
        risks=ref.risks,
        legal_basis=str(shown.legal_basis),
        consents=tuple(
            _consent_line(r, org, rtype, identifying, lang)
            for r in consent.history(session, ref.case_uuid)
            if _concerns(r, org, rtype)
        ),
        summary=_summary(session, ref.case_uuid, case.person, shared, lang, identifying),
        shared=tuple(f.question for f in shared),
        withheld=len(shown.fields) - len(shared),
        certificate=cert if cert and not cert.revoked and identifying else None,
        certificate_number=cert.number if cert else "",
        certificate_revoked=bool(cert and cert.revoked),
        legal_acts=policy_options.get(session.conn).legal_acts,
        certificate_organisation=issuing_org.named_in(
            session.conn, cert.organisation if cert else "", lang
        ),
    )


def _concerns(
    rec: consent.ConsentRecord, org: directory.Organisation, rtype: directory.RecipientType
) -> bool:
    """A record is shown to the recipient it is about, never one about another recipient."""
    if rec.purpose == consent.Purpose.REFERRAL:
        return rec.recipient_id == org.id
    if rec.purpose == consent.Purpose.LAW_ENFORCEMENT:
        return rtype.consent_purpose == consent.Purpose.LAW_ENFORCEMENT
    return rec.purpose == consent.Purpose.INTERVIEW


def _consent_line(
    rec: consent.ConsentRecord,
    org: directory.Organisation,
    rtype: directory.RecipientType,
    identifying: bool,
    lang: str,
) -> ConsentLine:
    purpose = consent.purpose_label(rec.purpose, lang)
    if rec.purpose == consent.Purpose.REFERRAL:
        purpose = f"{purpose} {org.title(lang)}"
    told = ", ".join(gettext(consent.TOLD_LABELS[t], lang) for t in consent.TOLD if t in rec.told)
    return ConsentLine(
        purpose=purpose,
        state=consent.state_label(rec.state, lang),
        told=told,
        recorded=local_time(rec.recorded_at),
        officer=rec.officer_name,
        child_assent=rec.child_assent,
        guardian=rec.guardian if identifying else "",
        guardian_withheld=bool(rec.guardian) and not identifying,
    )


def _summary(
    session: Session,
    case_uuid: str,
    person: cases.Person,
    shared: list[referrals.SharedField],
    lang: str,
    identifying: bool,
) -> tuple[SummaryGroup, ...]:
    """For a recipient of identifying data, the person's identity as the case records it
    first; then the shared answers under the titles of the interview sections they were asked
    in (an identity answer already shown with the person is not repeated)."""
    rows, with_person = [], set()
    for column, label, target in IDENTITY_ROWS if identifying else ():
        value = str(getattr(person, column))
        if value:
            dated = column == "birth_date" and dates.parse_iso(value) is not None
            shown = dates.day_first(value) if dated else value
            if column == "sex":
                shown = cases.sex_label(value, lang)
            rows.append((gettext(label, lang), shown))
            with_person.add(target)
    person_group = (SummaryGroup(gettext(PERSON_GROUP, lang), tuple(rows)),) if rows else ()
    bound = _bound_questions(session, case_uuid)
    answers = [f for f in shared if bound.get(f.question) not in with_person]
    return person_group + _groups(session, case_uuid, answers, lang)


def _bound_questions(session: Session, case_uuid: str) -> dict[str, str]:
    """Question name -> bind target, over the forms of the case's interviews."""
    bound: dict[str, str] = {}
    for interview in interviews.for_case(session, case_uuid):
        for target, name in interviews.form_of(session, interview).bound().items():
            bound[name] = target
    return bound


def _groups(
    session: Session, case_uuid: str, shared: list[referrals.SharedField], lang: str
) -> tuple[SummaryGroup, ...]:
    """The shared answers under the titles of the interview sections they were asked in."""
    section_of: dict[str, str] = {}
    for interview in interviews.for_case(session, case_uuid):
        form = interviews.form_of(session, interview)
        for section in form.sections:
            title = section.label.get(lang, form.default_language) or section.name
            for question in section.walk():
                section_of[question.name] = title
    grouped: dict[str, list[tuple[str, str]]] = {}
    for f in shared:
        grouped.setdefault(section_of.get(f.question, ""), []).append((f.label, f.answer))
    return tuple(SummaryGroup(title, tuple(rows)) for title, rows in grouped.items())
