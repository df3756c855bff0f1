"""Issue, reprint and revoke the victim-status certificate.

Rules: a certificate is issued only when the case's latest decision is "identified victim",
only by a role the policy allows, and once per person (the person of the case, and anyone with
the same normalised name and date of birth) unless the coordinator allowed a new one after the
earlier certificate (`reissue`); a new one revokes an earlier one still valid, as replaced. A
reprint is the same certificate marked "COPY n" and audited, in the usual or the discreet
wording. A revocation needs a reason and is recorded; a revoked certificate verifies as
revoked and is not reprinted.

The PDF is produced into memory, with no transaction open: gather, render, then write. `save`,
when given, receives the bytes inside the short transaction that records the issue or the
reprint (and checks again what may have changed meanwhile): if saving fails, nothing is
recorded.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from idtool import (
    audit,
    cases,
    database,
    legal_acts,
    names,
    policy_options,
    records,
)
from idtool.certificate import (
    eligibility,
    issuing,
    issuing_org,
    ledger,
    payload,
    pdf,
    reissue,
    trust,
    wording,
)
from idtool.certificate.pdf import CertificateDocument
from idtool.errors import InvalidInput
from idtool.i18n import _, gettext
from idtool.policy import Action
from idtool.session import Session

Save = Callable[[bytes], None]


@dataclass(frozen=True)
class Printed:
    """A certificate and the PDF just produced for it (the original or a marked copy)."""

    certificate: ledger.Certificate
    pdf: bytes
    copy: int | None


def document(
    cert: ledger.Certificate,
    copy: int | None = None,
    language: str | None = None,
    *,
    discreet: bool = False,
    acts: tuple[legal_acts.Details, ...] = (),
    organisation: str = "",
) -> CertificateDocument:
    """What to print for `cert`: the original (copy None) or copy n, in its or another language,
    in the usual or the discreet wording; `acts` are the coordinator's dates and numbers of the
    legal basis (policy option `legal_acts`), `organisation` the recorded issuing body named in
    that language (`issuing_org.named_in`; default: as recorded)."""
    lang = language or cert.language
    return CertificateDocument(
        number=cert.number,
        issue_date=cert.issue_date,
        holder_name=cert.holder_name,
        birth_date=cert.holder_birth_date,
        case_number=cert.case_number,
        officer=cert.officer_name,
        organisation=organisation
        or cert.organisation
        or gettext(issuing_org.ORGANISATION_PLACEHOLDER, lang),
        language=lang,
        code=cert.code,
        copy=copy,
        discreet=discreet,
        legal_acts=acts,
    )


@dataclass(frozen=True)
class _Draft:
    """What a certificate about to be issued says, gathered before its PDF is rendered and
    again in the transaction that records it: if anything differs (another issue took the
    number, the person's details, the issuing body or key changed, the date turned), the PDF
    is rendered again."""

    case_number: str
    person_uuid: str
    holder_name: str
    holder_birth_date: str
    decision_uuid: str
    organisation_id: str
    organisation: str
    number: str
    issue_date: str
    key_id: str
    follows: tuple[str, ...] = ()  # earlier certificates a coordinator's permission covers
    replaces: tuple[str, ...] = ()  # those of them still valid: revoked as replaced


def _draft(session: Session, case_uuid: str, language: str) -> _Draft:
    """Check that the case's certificate may be issued now (InvalidInput if not) and gather it."""
    case = cases.get_case(session, case_uuid, audit_view=False)
    decision = eligibility.check(session, case)
    body = issuing_org.check(session)
    current = issuing.active(session.conn)
    today = date.today()
    person = case.person
    prior = reissue.followed(
        session, person.uuid, names.holder_key(person.full_name, person.birth_date)
    )
    return _Draft(
        case.number,
        person.uuid,
        person.full_name,
        person.birth_date,
        decision.uuid,
        body.id,
        body.title(language),
        ledger.next_number(session, today.year),
        today.isoformat(),
        current[0] if current is not None else "",
        tuple(c.number for c in prior),
        tuple(c.number for c in prior if not c.revoked),
    )


def _signed(session: Session, case_uuid: str, draft: _Draft, language: str) -> ledger.Certificate:
    kid, signing = issuing.private_key(session)
    salt = payload.new_salt()
    claims = payload.Claims(
        number=draft.number,
        issue_date=draft.issue_date,
        issuer_key_id=kid,
        case_number=draft.case_number,
        salt=salt,
        holder_hash=payload.holder_hash(salt, draft.holder_name, draft.holder_birth_date),
    )
    return ledger.Certificate(
        str(uuid.uuid4()),
        draft.number,
        case_uuid,
        draft.case_number,
        draft.holder_name,
        draft.holder_birth_date,
        session.officer.name,
        draft.organisation,
        language,
        claims.issue_date,
        audit.now_iso(),
        payload.encode(claims, kid, signing.sign),
        1,
    )


ATTEMPTS = 3  # renders of a PDF that went stale before it could be recorded


def _changed() -> InvalidInput:
    return InvalidInput(
        _("The case changed while the PDF was being made; nothing was recorded. Try again.")
    )


def issue(
    session: Session,
    case_uuid: str,
    language: str,
    save: Save | None = None,
    confirmer: tuple[str, str] | None = None,
    *,
    discreet: bool = False,
) -> Printed:
    """Issue the certificate for the case: check, sign and render, then record; `save` gets
    the PDF inside the recording transaction (a failed save records nothing). `discreet`
    prints the wording without "victim of trafficking" in large letters (the code is the same).

    No transaction is open while the PDF is rendered: the short transaction that records it
    checks again what may have changed meanwhile (`_Draft`). `confirmer` is (name, passphrase)
    of a second officer who may issue, needed where the four-eyes rule applies
    (`confirmation_needed`)."""
    session.require(Action.ISSUE_CERTIFICATE)
    wording.check_language(language)
    conn = session.conn
    draft = _draft(session, case_uuid, language)  # a clear refusal before a second officer
    confirmed_by = eligibility.confirmer_uuid(session, confirmer)
    for _attempt in range(ATTEMPTS):
        cert = _signed(session, case_uuid, draft, language)
        acts = policy_options.get(conn).legal_acts
        data = pdf.render(document(cert, discreet=discreet, acts=acts))
        with database.transaction(conn):
            now = _draft(session, case_uuid, language)
            if now == draft:
                _record_issue(session, cert, draft, confirmed_by, discreet)
                if save is not None:
                    save(data)
        if now == draft:
            return Printed(cert, data, None)
        draft = now
    raise _changed()


def _record_issue(
    session: Session,
    cert: ledger.Certificate,
    draft: _Draft,
    confirmed_by: str | None,
    discreet: bool,
) -> None:
    session.conn.execute(
        "INSERT INTO certificates (uuid, number, case_uuid, person_uuid, decision_uuid,"
        " holder_key, holder_name, holder_birth_date, officer_uuid, officer_name,"
        " organisation, language, issue_date, issued_at, code, prints, device_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (
            cert.uuid,
            cert.number,
            cert.case_uuid,
            draft.person_uuid,
            draft.decision_uuid,
            names.holder_key(cert.holder_name, cert.holder_birth_date),
            cert.holder_name,
            cert.holder_birth_date,
            session.officer.uuid,
            cert.officer_name,
            cert.organisation,
            cert.language,
            cert.issue_date,
            cert.issued_at,
            cert.code,
            session.device_id,
        ),
    )
    details: dict[str, object] = {
        "number": cert.number,
        "language": cert.language,
        "organisation": draft.organisation_id,
        "key": draft.key_id,
        "discreet": discreet,
    }
    if confirmed_by is not None:
        details["confirmed_by"] = confirmed_by
    if draft.follows:
        details["follows"] = list(draft.follows)
    session.audit("certificate.issue", cert.case_uuid, details)
    reissue.revoke_replaced(session, cert.case_uuid, draft.replaces, cert.number)


def _printable(session: Session, case_uuid: str) -> ledger.Certificate:
    cert = ledger.get(session, case_uuid)
    if cert is None:
        raise InvalidInput(_("No certificate has been issued for this case."))
    if cert.revoked:
        raise InvalidInput(
            _("Certificate {number} was revoked; it cannot be reprinted.").format(
                number=cert.number
            )
        )
    return cert


def reprint(
    session: Session,
    case_uuid: str,
    language: str | None = None,
    save: Save | None = None,
    *,
    discreet: bool = False,
) -> Printed:
    """Print the same certificate again, marked "COPY n" (n = 2, 3, ...), in the usual or the
    discreet wording; audited. Rendered before the short transaction that records the copy
    (checked again there)."""
    session.require(Action.ISSUE_CERTIFICATE)
    if language is not None:
        wording.check_language(language)
    conn = session.conn
    cert = _printable(session, case_uuid)
    for _attempt in range(ATTEMPTS):
        copy = cert.prints + 1
        acts = policy_options.get(conn).legal_acts
        named = issuing_org.named_in(conn, cert.organisation, language or cert.language)
        data = pdf.render(
            document(cert, copy, language, discreet=discreet, acts=acts, organisation=named)
        )
        with database.transaction(conn):
            now = _printable(session, case_uuid)
            if now == cert:
                records.update(
                    conn,
                    "certificates",
                    {"prints": copy},
                    "uuid = ?",
                    (cert.uuid,),
                    session.device_id,
                )
                session.audit(
                    "certificate.reprint",
                    cert.case_uuid,
                    {
                        "number": cert.number,
                        "copy": copy,
                        "language": language or cert.language,
                        "discreet": discreet,
                    },
                )
                if save is not None:
                    save(data)
        if now == cert:
            return Printed(dataclasses.replace(cert, prints=copy), data, copy)
        cert = now
    raise _changed()


def revoke(session: Session, case_uuid: str, reason: str) -> trust.Revocation:
    """Revoke the case's certificate, with the officer's reason (recorded and audited)."""
    session.require(Action.ISSUE_CERTIFICATE)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Give the reason for revoking the certificate."))
    conn = session.conn
    with database.transaction(conn):
        cert = ledger.get(session, case_uuid)
        if cert is None:
            raise InvalidInput(_("No certificate has been issued for this case."))
        if cert.revoked:
            raise InvalidInput(
                _("Certificate {number} is already revoked.").format(number=cert.number)
            )
        revocation = trust.record_revocation(session, cert.number, reason)
        session.audit("certificate.revoke", cert.case_uuid, {"number": cert.number})
    return revocation
