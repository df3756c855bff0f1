"""Age now decides consent and the referral to child protection without consent; the age at
the time of exploitation decides only the legal definition (issue 14, item 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from idtool import ages, audit, cases, consent, interviews, referrals
from idtool.ages import AgeEvidence, Stated
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput, NotPermitted
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import STRONG, assessed_case

TODAY = date(2026, 6, 1)
CHILD_PROTECTION = "child-protection"


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


# -- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "child"),
    [
        # 1. the age now decides, whatever the age at the time of exploitation
        (AgeEvidence(birth_date=years_ago(35), child_then=True), False),
        (AgeEvidence(birth_date=years_ago(16), child_then=False), True),
        (AgeEvidence(birth_date=years_ago(18)), False),  # the 18th birthday today
        (AgeEvidence(birth_date=years_ago(18, days=-1)), True),  # tomorrow
        (AgeEvidence(age_now=Stated(35, TODAY), child_then=True), False),
        (AgeEvidence(age_now=Stated(17, TODAY)), True),
        (AgeEvidence(age_now=Stated(17, years_ago(0, days=330))), True),  # may still be 17
        (AgeEvidence(age_now=Stated(17, years_ago(1, days=30)), child_then=True), False),
        # the date of birth and the stated age disagree: in doubt, a child
        (AgeEvidence(birth_date=years_ago(30), age_now=Stated(15, TODAY)), True),
        (AgeEvidence(birth_date=years_ago(15), age_now=Stated(30, TODAY)), True),
        # 2. no age now: the age then, plus the years since, bounds it from below
        (AgeEvidence(age_then=Stated(15, TODAY), child_then=True), True),
        (AgeEvidence(age_then=Stated(15, years_ago(2)), child_then=True), True),  # 17 at least
        (AgeEvidence(age_then=Stated(15, years_ago(3)), child_then=True), False),  # 18 at least
        (AgeEvidence(age_then=Stated(17, years_ago(1)), child_then=True), False),
        (AgeEvidence(age_then=Stated(30, TODAY), child_then=False), False),
        # 3. a child then with no age at all (or only an uncertain adult age then): could
        # still be under 18
        (AgeEvidence(child_then=True), True),
        (AgeEvidence(age_then=Stated(19, years_ago(5)), child_then=True), True),
        # 4. nothing known: an adult, whose consent every referral needs
        (AgeEvidence(), False),
    ],
)
def test_child_now_follows_the_age_now(evidence, child):
    assert ages.is_child_now(evidence, TODAY) is child


def test_full_years():
    assert ages.full_years(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert ages.full_years(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert ages.full_years(TODAY, TODAY - timedelta(days=3)) == 0  # never negative


# -- the rule applied to cases ---------------------------------------------------------------


def screened(session, *, birth_date="", **answers):
    """A case with a completed screening (`answers` change the adult's STRONG answers)."""
    return assessed_case(session, {**STRONG, **answers}, name="Нургүл Асанова", birth=birth_date)


def test_adult_now_exploited_as_a_child_needs_consent_like_any_adult(session):
    """The bug of issue 14: a 35-year-old exploited at 17 was sent to child protection
    without consent, with identifying and sensitive data."""
    case = screened(session, age_now=35, under_18_at_exploitation="yes")
    latest = interviews.for_case(session, case.uuid)[-1]
    assert interviews.flow(session, latest).child()  # the legal definition: a child then
    assert not referrals.is_child(session, case.uuid)

    shown = referrals.preview(session, case.uuid, CHILD_PROTECTION)
    assert shown.legal_basis is None and not shown.included()
    assert "not consented" in shown.refusal
    with pytest.raises(NotPermitted):
        referrals.make(session, case.uuid, CHILD_PROTECTION, services=("child_protection",))
    assert referrals.for_case(session, case.uuid) == []

    # Their own consent, like any adult's, and no child's assent recorded for them.
    with pytest.raises(InvalidInput, match="adult now"):
        consent.record(
            session,
            case.uuid,
            Purpose.REFERRAL,
            State.GIVEN,
            recipient_id=CHILD_PROTECTION,
            child_assent="The child agrees",
        )
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=CHILD_PROTECTION)
    ref = referrals.make(session, case.uuid, CHILD_PROTECTION, services=("child_protection",))
    assert ref.legal_basis == "consent"
    actions = [e.action for e in audit.entries(session.conn, case.uuid)]
    assert "referral.child_protection_without_consent" not in actions


def test_adult_now_by_the_date_of_birth(session):
    case = screened(session, birth_date="1990-05-01", age_now=35, under_18_at_exploitation="yes")
    assert not referrals.preview(session, case.uuid, CHILD_PROTECTION).allowed


def test_child_now_keeps_the_child_rules(session):
    case = screened(session, age_now=15, consent_referral="child_protection")
    assert referrals.is_child(session, case.uuid)
    shown = referrals.preview(session, case.uuid, CHILD_PROTECTION)
    assert shown.legal_basis == "child_protection_law" and shown.included()
    assert not referrals.preview(session, case.uuid, "crisis-centre-osh").allowed
    # For a child, every consent record holds the child's assent and who took part.
    with pytest.raises(InvalidInput, match="assent"):
        consent.record(session, case.uuid, Purpose.STATISTICS, State.GIVEN)
    consent.record(
        session,
        case.uuid,
        Purpose.STATISTICS,
        State.GIVEN,
        child_assent="The child agrees",
        guardian="Child-protection specialist",
    )
    ref = referrals.make(session, case.uuid, CHILD_PROTECTION, services=("child_protection",))
    assert ref.legal_basis == "child_protection_law"


def test_a_child_who_turns_18_needs_consent_from_then_on(session):
    case = screened(session, age_now=17, consent_referral="child_protection")
    assert ages.child_now(session, case.uuid)
    later = date.today() + timedelta(days=366)
    assert not ages.child_now(session, case.uuid, today=later)


def test_unknown_age_now(session):
    """No age now: the age at the time of exploitation bounds it from below; a person who
    could still be under 18 is a child, one who cannot is an adult; nothing known, an adult."""
    nothing = cases.open_case(session, full_name="", region="osh")
    assert not ages.child_now(session, nothing.uuid)
    assert not referrals.preview(session, nothing.uuid, CHILD_PROTECTION).allowed

    case = cases.open_case(session, full_name="Бала", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    interviews.save_answer(session, interview, "consent_interview", "given")
    interviews.save_answer(session, interview, "age_at_exploitation", 15)
    assert ages.evidence(session, case.uuid).age_now is None
    assert ages.child_now(session, case.uuid)  # 15 at least: could still be under 18
    in_two_years = date.today() + timedelta(days=2 * 366)
    assert ages.child_now(session, case.uuid, today=in_two_years)  # 17 at least
    in_three_years = date.today() + timedelta(days=3 * 366)
    assert not ages.child_now(session, case.uuid, today=in_three_years)  # 18 at least
    # The age now, once answered, decides.
    interviews.save_answer(session, interview, "age_now", 30)
    assert not ages.child_now(session, case.uuid)


def test_an_irrelevant_age_answer_does_not_count(session):
    case = cases.open_case(session, full_name="X", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    interviews.save_answer(session, interview, "consent_interview", "given")
    interviews.save_answer(session, interview, "age_now", 15)
    assert ages.child_now(session, case.uuid)
    interviews.save_answer(session, interview, "consent_interview", "refused")  # no interview
    assert ages.evidence(session, case.uuid).age_now is None
