"""Whether a certificate may be issued for a case: the issuing organisation and policy, the
case's latest decision ("identified victim"), one certificate per person unless the coordinator
allowed a new one (`reissue`), a real name rather than a working one, and the second officer's
confirmation where the four-eyes rule applies."""

from __future__ import annotations

from idtool import cases, decisions, identity, names, policy, policy_options
from idtool.certificate import issuing_org, reissue
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session


def check(session: Session, case: cases.Case) -> decisions.DecisionRecord:
    """The decision a certificate for `case` would rest on; InvalidInput saying why none may be
    issued now."""
    issuing_org.check(session)
    if (
        policy_options.get(session.conn).four_eyes == "on"
        and policy_options.issuers(session.conn) < 2
    ):
        raise InvalidInput(
            _(
                "The policy asks a second officer who may issue to confirm each "
                "certificate, and only one such officer works on this device."
            )
        )
    if case.demo:
        raise InvalidInput(_("Demo cases are fictional: no certificate is issued for them."))
    history = decisions.history(session, case.uuid)
    if not history or history[-1].decision != decisions.Decision.IDENTIFIED_VICTIM:
        raise InvalidInput(
            _(
                "A certificate can be issued only when the case's latest decision "
                'is "identified victim".'
            )
        )
    standing = reissue.standing(session, case.person.uuid)
    if standing:
        existing = standing[0]
        if existing.revoked:
            raise InvalidInput(
                _(
                    "Certificate {number} was issued to this person and revoked; a "
                    "certificate is issued only once unless the coordinator allows a new one."
                ).format(number=existing.number)
            )
        raise InvalidInput(
            _(
                "A certificate was already issued to this person ({number}); it is issued "
                "only once. Print a copy instead, or, if the person was trafficked again, ask "
                "the coordinator to allow a new certificate."
            ).format(number=existing.number)
        )
    person = case.person
    identity.require(person, identity.Need.CERTIFICATE)  # a real name, never a working one
    names.clean_name(person.full_name)  # a name stored before names were checked
    same = reissue.standing(session, "", names.holder_key(person.full_name, person.birth_date))
    if same:
        raise InvalidInput(
            _(
                "A person with the same name and date of birth already holds "
                "certificate {number} (case {case}); it is issued only once unless the "
                "coordinator allows a new one."
            ).format(number=same[0].number, case=same[0].case_number)
        )
    return history[-1]


def confirmation_needed(session: Session) -> bool:
    """Whether issuing needs a second officer's confirmation here (the four-eyes rule)."""
    return policy_options.four_eyes_required(session.conn)


def confirmer_uuid(session: Session, confirmer: tuple[str, str] | None) -> str | None:
    """The uuid of the officer confirming the issue, when the four-eyes rule applies."""
    if not confirmation_needed(session):
        return None
    if confirmer is None:
        raise NotPermitted(
            _(
                "A second officer who may issue certificates must confirm this "
                "one with their own passphrase."
            )
        )
    other = session.vault.confirm_officer(session.conn, *confirmer)
    if other.uuid == session.officer.uuid:
        raise NotPermitted(_("The confirming officer must be another officer."))
    if not policy.is_allowed(session.conn, other.role, Action.ISSUE_CERTIFICATE):
        raise NotPermitted(_("The confirming officer's role may not issue certificates."))
    return other.uuid


def issue_blocked(session: Session, case_uuid: str) -> str:
    """Why a certificate cannot be issued for this case now, or "" when it can."""
    if not session.can(Action.ISSUE_CERTIFICATE):
        return _("Your role may not issue certificates.")
    try:
        check(session, cases.get_case(session, case_uuid, audit_view=False))
    except InvalidInput as exc:
        return exc.message
    return ""
