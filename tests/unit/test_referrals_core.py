"""Consent, the NRM directory and referrals: data minimisation and the consent rules."""

from __future__ import annotations

import pytest

from idtool import audit, cases, consent, directory, officers, referrals
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput, NotPermitted
from tests.support.cases import person_case

PERSON = "Айгүл Өмүрбекова"


def test_directory_is_shipped_in_three_languages(session):
    orgs = directory.organisations(session)
    assert len(orgs) >= 15
    types = {o.type for o in orgs}
    assert {"police", "child_protection", "crisis_centre", "ngo", "consular"} <= types
    for org in orgs:
        assert all(org.name.get(lang) for lang in ("ky", "ru", "en")), org.id
    assert directory.recipient_type("ombudsman").receives == ("ordinary",)


def test_directory_edit_is_for_supervisors(session, made_vault):
    org = directory.get(session, "crisis-centre-osh")
    changed = directory.Organisation(**{**org.__dict__, "contact": "+996 000 000 000"})
    directory.save(session, changed)
    assert directory.get(session, "crisis-centre-osh").contact == "+996 000 000 000"
    officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
    vault, _ = made_vault
    with vault.unlock("Guard One", "guard-pass-1") as guard, pytest.raises(NotPermitted):
        directory.save(guard, changed)


def test_informed_consent_needs_all_four_points(session):
    case = cases.open_case(session, full_name="X", region="osh")
    with pytest.raises(InvalidInput, match="informed"):
        consent.record(session, case.uuid, Purpose.STATISTICS, State.GIVEN, told=("purpose", "use"))
    with pytest.raises(InvalidInput):
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN)  # no recipient
    consent.record(session, case.uuid, Purpose.STATISTICS, State.GIVEN)
    consent.record(session, case.uuid, Purpose.STATISTICS, State.WITHDRAWN, told=())
    assert not consent.is_given(session, case.uuid, Purpose.STATISTICS)
    assert [r.state for r in consent.history(session, case.uuid)] == ["given", "withdrawn"]


def test_no_referral_without_consent(session):
    case = person_case(session, PERSON, birth="")
    shown = referrals.preview(session, case.uuid, "crisis-centre-osh")
    assert not shown.allowed and shown.refusal
    assert not shown.included()
    with pytest.raises(NotPermitted):
        referrals.make(session, case.uuid, "crisis-centre-osh", services=("shelter",))
    assert referrals.for_case(session, case.uuid) == []


def test_identifying_fields_only_reach_recipients_allowed_them(session):
    case = person_case(session, PERSON, birth="")
    for org in ("crisis-centre-osh", "ombudsman", "mfa-consular"):
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org)
    crisis = referrals.preview(session, case.uuid, "crisis-centre-osh")
    assert crisis.legal_basis == "consent"
    shared = {f.question for f in crisis.included()}
    assert {"full_name", "document_number", "documents_taken"} <= shared
    ombudsman = referrals.preview(session, case.uuid, "ombudsman")
    assert all(f.sensitivity == "ordinary" for f in ombudsman.included())
    assert "full_name" not in {f.question for f in ombudsman.included()}
    consular = referrals.preview(session, case.uuid, "mfa-consular")
    assert "full_name" in {f.question for f in consular.included()}
    assert not any(f.sensitivity == "sensitive" for f in consular.included())
    ref = referrals.make(session, case.uuid, "ombudsman", services=("legal_aid",))
    assert "full_name" not in ref.fields and "document_number" not in ref.fields
    assert cases.get_case(session, case.uuid).status == "referred"


def test_police_needs_law_enforcement_consent(session):
    case = person_case(session, PERSON, birth="")
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="mvd-anti-trafficking"
    )
    shown = referrals.preview(session, case.uuid, "mvd-anti-trafficking")
    assert not shown.allowed and "law enforcement" in shown.refusal
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    assert referrals.preview(session, case.uuid, "mvd-anti-trafficking").allowed


def test_child_protection_without_consent_is_explicit_and_audited(session):
    child = person_case(session, "Бала Мисалова", birth="", child=True)
    shown = referrals.preview(session, child.uuid, "child-protection")
    assert shown.legal_basis == "child_protection_law"
    ref = referrals.make(
        session, child.uuid, "child-protection", services=("child_protection",), urgency="immediate"
    )
    assert ref.legal_basis == "child_protection_law"
    actions = [e.action for e in audit.entries(session.conn, child.uuid)]
    assert "referral.child_protection_without_consent" in actions
    # The exception is for children only, and only for child protection.
    adult = person_case(session, PERSON, birth="")
    assert not referrals.preview(session, adult.uuid, "child-protection").allowed
    assert not referrals.preview(session, child.uuid, "crisis-centre-osh").allowed


def test_withdrawn_consent_stops_sharing_and_status_is_tracked(session):
    case = person_case(session, PERSON, birth="")
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="crisis-centre-osh"
    )
    ref = referrals.make(
        session,
        case.uuid,
        "crisis-centre-osh",
        services=("shelter",),
        reason="Needs a safe place",
        risks="Recruiter knows the address",
    )
    for status in (
        referrals.RefStatus.ACCEPTED,
        referrals.RefStatus.SERVICE_DELIVERED,
        referrals.RefStatus.CLOSED,
    ):
        referrals.set_status(session, ref.uuid, status)
    assert [e[0] for e in referrals.events(session, ref.uuid)] == [
        "sent",
        "accepted",
        "service_delivered",
        "closed",
    ]
    with pytest.raises(InvalidInput):
        referrals.set_status(session, ref.uuid, referrals.RefStatus.ACCEPTED)
    consent.record(
        session,
        case.uuid,
        Purpose.REFERRAL,
        State.WITHDRAWN,
        told=(),
        recipient_id="crisis-centre-osh",
    )
    assert not referrals.preview(session, case.uuid, "crisis-centre-osh").allowed
    # What was already shared stays listed.
    assert "full_name" in referrals.for_case(session, case.uuid)[0].fields
