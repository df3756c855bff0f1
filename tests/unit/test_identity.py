"""A case opened without a name: a working name, and identity asked only when a certificate or
a referral needs it (issue 14, item 5)."""

from __future__ import annotations

import pytest

from idtool import audit, case_list, cases, consent, decisions, identity, referrals
from idtool.certificate import eligibility, issuance
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput
from idtool.packet import make_and_render
from idtool.stats.compute import compute
from tests.support.cases import screen

CRISIS = "crisis-centre-osh"


def nameless(session, working_name="", *, identified=False):
    """A case opened without a name, screened (strong signs), decided if asked."""
    case = cases.open_case(session, region="osh", working_name=working_name)
    screen(session, case.uuid)
    if identified:
        decisions.record(session, case.uuid, decisions.Decision.IDENTIFIED_VICTIM)
    return cases.get_case(session, case.uuid, audit_view=False)


def test_a_case_opens_without_a_name_under_a_working_name(session):
    typed = nameless(session, "  Woman  from the bus station ")
    plain = nameless(session)
    assert typed.person.full_name == ""
    assert typed.person.working_name == "Woman from the bus station"
    assert identity.shown_name(typed.person, typed.number) == (
        "Woman from the bus station (working name)"
    )
    number = int(plain.number.rsplit("-", 1)[1])
    assert identity.shown_name(plain.person, plain.number) == f"Person {number} (working name)"
    with pytest.raises(InvalidInput, match="invisible"):
        cases.open_case(session, region="osh", working_name="Bus\u200b station")
    named = cases.open_case(session, full_name="Нургүл Асанова", region="osh", working_name="X")
    assert identity.shown_name(named.person, named.number) == "Нургүл Асанова"


def test_the_case_list_shows_and_finds_working_names(session):
    bus = nameless(session, "Woman from the bus station")
    plain = nameless(session)
    named = cases.open_case(session, full_name="Айгүл Өмүрбекова", region="osh")
    rows = {r.uuid: r for r in case_list.CaseQuery().page(session, 0, 10)}
    assert rows[bus.uuid].person() == "Woman from the bus station (working name)"
    assert rows[plain.uuid].person().endswith("(working name)")
    assert rows[named.uuid].person() == "Айгүл Өмүрбекова"

    def found(text):
        query = case_list.CaseQuery(text=text)
        uuids = [r.uuid for r in query.page(session, 0, 10)]
        assert query.count(session) == len(uuids)
        return uuids

    assert found("bus STATION") == [bus.uuid]
    assert found("Айгүл") == [named.uuid]
    assert plain.uuid not in found("a")  # no name, no working name typed: matches no text
    assert sorted(found("o")) == sorted([named.uuid, bus.uuid])
    assert found(plain.number) == [plain.uuid]
    by_person = case_list.CaseQuery(order_by="person", descending=False).page(session, 0, 10)
    assert len(by_person) == 3


def test_nameless_persons_are_never_one_person(session):
    first, second = nameless(session), nameless(session, "Person 1")
    keys = session.conn.execute(
        "SELECT name_key FROM persons WHERE uuid IN (?, ?)",
        (first.person.uuid, second.person.uuid),
    ).fetchall()
    assert keys == [("",), ("",)]  # the working name never enters the identity key
    assert compute(session).cases == 2  # statistics count them, with no name anywhere


def test_the_certificate_needs_a_real_name(session):
    case = nameless(session, "Woman from the bus station", identified=True)
    blocked = eligibility.issue_blocked(session, case.uuid)
    assert blocked == (
        "The certificate needs the person's full name, date of birth. Fill in the person's details."
    )
    with pytest.raises(identity.IdentityMissing) as refused:
        issuance.issue(session, case.uuid, "en")
    assert refused.value.missing == ("full_name", "birth_date")
    cases.set_details(
        session,
        case.uuid,
        full_name="Нургүл Асанова",
        birth_date="",
        document_number="",
        working_name=case.person.working_name,
    )
    with pytest.raises(identity.IdentityMissing) as refused:
        issuance.issue(session, case.uuid, "en")
    assert refused.value.missing == ("birth_date",)
    assert "date of birth" in refused.value.message and "full name" not in refused.value.message
    cases.set_details(
        session,
        case.uuid,
        full_name="Нургүл Асанова",
        birth_date="1999-03-08",
        document_number="",
        working_name=case.person.working_name,
    )
    printed = issuance.issue(session, case.uuid, "en")
    assert printed.certificate.holder_name == "Нургүл Асанова"


def test_a_referral_that_sends_identifying_data_needs_the_name(session):
    case = nameless(session, "Woman from the bus station")
    for org in (CRISIS, "ombudsman"):
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org)
    shown = referrals.preview(session, case.uuid, CRISIS)
    assert shown.legal_basis == "consent" and shown.missing == ("full_name",)
    assert not shown.allowed and not shown.included()
    assert "needs the person's full name" in shown.refusal
    with pytest.raises(identity.IdentityMissing):
        make_and_render(session, case.uuid, CRISIS, services=("shelter",), lang="en")
    assert referrals.for_case(session, case.uuid) == []
    # An organisation that receives no identifying data needs no name.
    assert referrals.preview(session, case.uuid, "ombudsman").allowed

    cases.set_details(
        session,
        case.uuid,
        full_name="Нургүл Асанова",
        birth_date="1999-03-08",
        document_number="ID 1234567",
        working_name="Woman from the bus station",
    )
    packet = make_and_render(session, case.uuid, CRISIS, services=("shelter",), lang="en")
    person = packet.content.summary[0]
    assert person.title == "The person"
    assert person.rows == (
        ("Full name", "Нургүл Асанова"),
        ("Sex", "Female"),
        ("Date of birth", "08.03.1999"),
        ("Document number", "ID 1234567"),
    )
    flat = " ".join(str(g) for g in packet.content.summary)
    assert "bus station" not in flat  # a working name never goes
    ombudsman = make_and_render(session, case.uuid, "ombudsman", services=("legal_aid",), lang="en")
    assert all(g.title != "The person" for g in ombudsman.content.summary)


def test_person_details_are_checked_and_audited_without_values(session):
    case = nameless(session, "Woman from the bus station")
    for bad, words in (
        ({"birth_date": "31.12.2999"}, "YYYY-MM-DD"),
        ({"birth_date": "2999-12-31"}, "future"),
        ({"full_name": "Nurgul\u202e"}, "direction"),
        ({"document_number": "ID\x1b123"}, "document number"),
        ({"document_number": "9" * 65}, "at most 64"),
    ):
        details = {"full_name": "", "birth_date": "", "document_number": "", "working_name": ""}
        with pytest.raises(InvalidInput, match=words):
            cases.set_details(session, case.uuid, **(details | bad))
    assert cases.get_case(session, case.uuid).person == case.person  # nothing written
    person = cases.set_details(
        session,
        case.uuid,
        full_name="Nurgul Asanova",
        birth_date="1999-03-08",
        document_number="",
        working_name="Woman from the bus station",
    )
    assert person.full_name == "Nurgul Asanova"
    assert [r.uuid for r in case_list.CaseQuery(text="Нургүл").page(session, 0, 5)] == [case.uuid]
    [entry] = [e for e in audit.entries(session.conn, case.uuid) if e.action == "person.update"]
    assert entry.details == {"fields": ["birth_date", "full_name"]}
    assert "Nurgul" not in str(entry.details)
