"""The criminal-justice link: recording it, who may see it, its alarms, the prosecutor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlcipher3 import dbapi2

from idtool import audit, cj_alarms, cj_link, officers, oversight, policy_options
from idtool.certificate import issuing_org
from idtool.decisions import Decision
from idtool.errors import InvalidInput, NotPermitted
from tests.support.cj import case_with, kinds

TRAFFICKING = {"opened": "criminal", "articles": ("cc_trafficking",), "prosecution": "public"}
MIGRATION = {"opened": "misconduct", "articles": ("cm_illegal_migration",)}


def _as(session, name, role):
    officers.add_officer(session, name, role, f"{role}-pass-123")
    return session.vault.unlock(name, f"{role}-pass-123")


def test_a_prosecutor_can_be_added_and_an_unknown_role_cannot(session):
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    assert prosecutor.officer.role == "prosecutor"
    prosecutor.close()
    with pytest.raises(dbapi2.IntegrityError):
        session.conn.execute(
            "INSERT INTO officers (uuid, name, name_key, role, created_at, device_id)"
            " VALUES ('x', 'x', 'x', 'judge', '2026', 'd')"
        )


def test_recording_the_link_is_checked_and_audited(session):
    case = case_with(session)
    with pytest.raises(InvalidInput, match="article"):
        cj_link.record(session, case.uuid, opened="criminal")
    with pytest.raises(InvalidInput, match="Unknown article"):
        cj_link.record(session, case.uuid, opened="criminal", articles=("cc_theft",))
    with pytest.raises(InvalidInput, match="code the case was opened under"):
        cj_link.record(session, case.uuid, opened="criminal", articles=("cm_illegal_migration",))
    with pytest.raises(InvalidInput):
        cj_link.record(session, case.uuid, opened="none", articles=("cc_trafficking",))
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        cj_link.record(session, case.uuid, **TRAFFICKING, stage="investigation", stage_date="1.1")
    link = cj_link.record(
        session,
        case.uuid,
        **TRAFFICKING,
        stage="investigation",
        stage_date="2026-03-01",
        role="victim",
    )
    assert link.stage_dates == {"investigation": "2026-03-01"} and link.role == "victim"
    later = cj_link.record(
        session,
        case.uuid,
        **TRAFFICKING,
        stage="in_court",
        stage_date="2026-06-10",
        role="victim",
    )
    assert later.stage_dates == {"investigation": "2026-03-01", "in_court": "2026-06-10"}
    assert later.version == link.version + 1
    entries = [e for e in audit.entries(session.conn) if e.action == "criminal_link.record"]
    assert entries[-1].details == {"changed": ["stage", "stage_dates"]}
    assert "Test Person" not in str([e.details for e in entries])


def test_others_learn_only_that_a_criminal_case_exists(session):
    case = case_with(session, link=TRAFFICKING)
    guard = _as(session, "Guard One", "border_guard")
    with pytest.raises(NotPermitted):
        cj_link.get(guard, case.uuid)
    with pytest.raises(NotPermitted):
        cj_link.record(guard, case.uuid, opened="none")
    assert cj_link.exists(guard, case.uuid)
    guard.close()
    police = _as(session, "Police One", "police")
    assert cj_link.get(police, case.uuid).articles == ("cc_trafficking",)
    police.close()


def test_mischarging_under_a_lesser_article(session):
    raised = case_with(session, link=MIGRATION)
    assert kinds(session, raised) == {"mischarging"}
    (item,) = [i for i in oversight.queue(session) if i.case_uuid == raised.uuid]
    text = oversight.describe(session, item, "en")
    assert "Organizing illegal migration" in text and "art. 122" in text.lower()
    assert kinds(session, case_with(session, link=TRAFFICKING)) == set()
    # No indicators: a lesser article is no alarm.
    assert kinds(session, case_with(session, strong=False, link=MIGRATION)) == set()


def test_mischarging_when_no_case_is_opened_after_the_person_agreed(session):
    none = {"opened": "none"}
    assert kinds(session, case_with(session, agreed=True, link=none)) == {"mischarging"}
    assert kinds(session, case_with(session, agreed=False, link=none)) == set()
    waiting = case_with(session, agreed=True)  # no link recorded at all
    later = datetime.now(UTC) + timedelta(days=cj_alarms.WAIT_DAYS + 1)
    found = {a.kind for a in cj_alarms.alarms(session, later) if a.case_uuid == waiting.uuid}
    assert found == {"mischarging"}
    assert kinds(session, waiting) == set()  # not yet WAIT_DAYS


def test_trafficking_prosecuted_privately(session):
    private = dict(TRAFFICKING, prosecution="private")
    assert kinds(session, case_with(session, link=private)) == {"private_prosecution"}
    assert kinds(session, case_with(session, link=TRAFFICKING)) == set()


def test_discontinued_for_an_identified_victim(session):
    stopped = dict(TRAFFICKING, stage="discontinued")
    raised = case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=stopped)
    assert kinds(session, raised) == {"discontinued_identified"}
    quiet = case_with(session, decision=Decision.POSSIBLE_VICTIM, link=stopped)
    assert kinds(session, quiet) == set()


def test_a_victim_held_as_a_suspect(session):
    border = {"opened": "criminal", "articles": ("cc_illegal_border",), "role": "suspect"}
    assert "suspect_non_punishment" in kinds(session, case_with(session, link=border))
    as_victim = dict(border, role="victim")
    assert "suspect_non_punishment" not in kinds(session, case_with(session, link=as_victim))
    # The act named by the interview's answer, under another article.
    other = {"opened": "criminal", "articles": ("other_criminal",), "role": "suspect"}
    named = case_with(session, offences=["drugs"], link=other)
    assert "suspect_non_punishment" in kinds(session, named)
    unnamed = case_with(session, offences=["none"], link=other)
    assert "suspect_non_punishment" not in kinds(session, unnamed)


def test_a_prosecutors_review_ends_an_alarm_until_the_link_changes(session):
    case = case_with(session, link=MIGRATION)
    with pytest.raises(InvalidInput, match="prosecutor"):
        (item,) = [i for i in oversight.queue(session) if i.case_uuid == case.uuid]
        oversight.resolve(session, item, "looked at it")
    with pytest.raises(NotPermitted):
        cj_link.record_review(session, case.uuid, "confirmed")  # a supervisor is no prosecutor
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    cj_link.record_review(prosecutor, case.uuid, "sent_back", "investigate forced labour")
    assert kinds(session, case) == set()
    assert [r.outcome for r in cj_link.reviews(prosecutor, case.uuid)] == ["sent_back"]
    cj_link.record(prosecutor, case.uuid, **dict(MIGRATION, stage="investigation"))
    assert kinds(session, case) == {"mischarging"}
    prosecutor.close()


def test_the_prosecutor_reads_the_link_but_cannot_interview(session):
    from idtool.policy import Action

    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    assert prosecutor.can(Action.CRIMINAL_LINK) and prosecutor.can(Action.PROSECUTOR_REVIEW)
    assert not prosecutor.can(Action.SCREENING_INTERVIEW)
    assert not prosecutor.can(Action.IDENTIFICATION_INTERVIEW)
    assert not prosecutor.can(Action.REFERRAL)
    prosecutor.close()


def test_the_coordinator_sets_an_article_number(session):
    before = {a.id: a for a in cj_link.article_list(session)}["cc_drugs"]
    assert before.number == "" and "Art." not in before.label("en")
    assert issuing_org.set_option(session, "cj_articles", {"cc_drugs": "283"})
    after = {a.id: a for a in cj_link.article_list(session)}["cc_drugs"]
    assert after.label("en") == "Art. 283 of the Criminal Code: Drug offences"
    assert policy_options.get(session.conn).article_numbers() == {"cc_drugs": "283"}
    with pytest.raises(InvalidInput):
        issuing_org.set_option(session, "cj_articles", {"cc_drugs": "___"})
    with pytest.raises(InvalidInput):
        issuing_org.set_option(session, "cj_articles", {"cc_unknown": "1"})


def test_the_prosecutor_reads_answers_only_with_law_enforcement_consent(session):
    from idtool import consent, interviews
    from idtool.consent import Purpose, State

    case = case_with(session, link=MIGRATION)
    (interview,) = interviews.for_case(session, case.uuid)
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    with pytest.raises(NotPermitted, match="law enforcement"):
        interviews.answers(prosecutor, interview.uuid)
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    assert interviews.answers(prosecutor, interview.uuid)["debt"] == "yes"
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.WITHDRAWN, told=())
    with pytest.raises(NotPermitted):
        interviews.answers(prosecutor, interview.uuid)
    # The assessment summary stays readable.
    from idtool import case_assessments

    assert case_assessments.latest(prosecutor, case.uuid).recommendation
    prosecutor.close()
