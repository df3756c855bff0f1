"""Stored assessments keep their rules version: explained under it, never re-scored; a
supervisor may re-assess a case under the current rules as a new, audited assessment."""

from __future__ import annotations

import pytest

from idtool import audit, case_assessments, cases, database, decisions, interviews, officers, policy
from idtool.assessment import VERSION_1, VERSION_2, assess
from idtool.decisions import Decision
from idtool.errors import InvalidInput, NotPermitted
from idtool.policy import Action, Role
from idtool.questionnaire.registry import load_shipped
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import ORDINARY_MIGRANT, case_assessed_under_v1

POLICE, POLICE_PASS = "Police One", "police-pass-1"


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()


def row(session, uuid):
    return session.conn.execute(
        "SELECT rules_version, recommendation, result, created_at FROM assessments WHERE uuid = ?",
        (uuid,),
    ).fetchone()


def test_a_stored_assessment_is_explained_under_its_own_version(session):
    case = case_assessed_under_v1(session)
    stored = case_assessments.latest(session, case.uuid)
    assert stored.rules_version == VERSION_1 and not stored.current
    assert stored.recommendation == "presumed_victim"
    rebuilt = stored.rebuilt()
    assert rebuilt.rules_version == VERSION_1
    assert rebuilt.recommendation == "presumed_victim"  # not silently re-scored under v2
    assert {k: rebuilt.to_dict()[k] for k in stored.result} == stored.result
    text = stored.explain("en")
    assert "Assessment under rules ilo-ec-2009/1" in text
    assert "Recommendation: presumed victim" in text
    assert assess(ORDINARY_MIGRANT).recommendation == "possible_victim"  # what v2 says


def test_a_version_this_program_does_not_have_is_shown_not_crashed(session):
    case = case_assessed_under_v1(session)
    with database.transaction(session.conn):
        session.conn.execute(
            "UPDATE assessments SET rules_version = 'ilo-ec-2009/7' WHERE uuid = 'a-v1'"
        )
    stored = case_assessments.latest(session, case.uuid)
    assert "ilo-ec-2009/7" in stored.explain("en")
    assert "cannot be shown" in stored.explain("en")
    with pytest.raises(InvalidInput, match="cannot be read"):
        case_assessments.reassess(session, case.uuid)


def test_a_supervisor_reassesses_under_the_current_rules(session):
    case = case_assessed_under_v1(session)
    before = row(session, "a-v1")
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)

    new = case_assessments.reassess(session, case.uuid)

    assert new.rules_version == VERSION_2 and new.current
    assert new.recommendation == "possible_victim"
    assert new.result["indicators"] == sorted(ORDINARY_MIGRANT)
    assert new.result["missing"] == ["means", "purpose"]
    assert row(session, "a-v1") == before  # the old one is kept as it was
    stored = case_assessments.for_case(session, case.uuid)
    assert [s.uuid for s in stored] == ["a-v1", new.uuid]
    assert [s.rules_version for s in stored] == [VERSION_1, VERSION_2]
    assert stored[-1].interview_uuid == stored[0].interview_uuid
    assert stored[0].explain("en") != stored[1].explain("en")
    # audited, with what it replaced
    entry = [e for e in audit.entries(session.conn, target=case.uuid)][-1]
    assert entry.action == "assessment.reassess"
    assert entry.details == {
        "assessment": new.uuid,
        "rules": VERSION_2,
        "recommendation": "possible_victim",
        "previous": "a-v1",
        "previous_rules": VERSION_1,
        "previous_recommendation": "presumed_victim",
    }
    # the decision already recorded stays; a new one follows the new recommendation
    first = decisions.history(session, case.uuid)[0]
    assert first.recommendation == "presumed_victim" and first.assessment_uuid == "a-v1"
    second = decisions.record(session, case.uuid, Decision.POSSIBLE_VICTIM)
    assert second.assessment_uuid == new.uuid and not second.against_recommendation


def test_reassessing_twice_or_without_an_assessment_is_refused(session):
    case = case_assessed_under_v1(session)
    case_assessments.reassess(session, case.uuid)
    with pytest.raises(InvalidInput, match="already uses the current rules"):
        case_assessments.reassess(session, case.uuid)
    assert len(case_assessments.for_case(session, case.uuid)) == 2
    empty = cases.open_case(session, full_name="Other Person", region="osh")
    with pytest.raises(InvalidInput, match="no assessment yet"):
        case_assessments.reassess(session, empty.uuid)


def test_only_a_permitted_role_reassesses(session, made_vault):
    case = case_assessed_under_v1(session)
    officers.add_officer(session, POLICE, "police", POLICE_PASS)
    vault, _ = made_vault
    with vault.unlock(POLICE, POLICE_PASS) as police:
        assert not police.can(Action.REASSESS)
        with pytest.raises(NotPermitted):
            case_assessments.reassess(police, case.uuid)
        assert len(case_assessments.for_case(police, case.uuid)) == 1
    assert policy.table(session.conn)[Action.REASSESS] == {Role.SUPERVISOR}
    with database.transaction(session.conn):
        policy.set_allowed(session.conn, Action.REASSESS, Role.POLICE, True, session.device_id)
    # the cells without a row keep their default: supervisors still may
    assert policy.table(session.conn)[Action.REASSESS] == {Role.SUPERVISOR, Role.POLICE}
    with vault.unlock(POLICE, POLICE_PASS) as police:
        assert case_assessments.reassess(police, case.uuid).rules_version == VERSION_2


def test_new_assessments_use_the_current_rules(session):
    case = cases.open_case(session, full_name="Test Person", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    answers = {
        "urgent_medical": "no",
        "safe_place": "no",
        "age_now": 30,
        "under_18_at_exploitation": "no",
        "exploitation_type": ["forced_labour"],
        "exploitation_country": "russia",
        "information_given": ["purpose", "data_use", "retention", "withdrawal", "voluntary"],
        "consent_referral": "given",
        "excessive_hours": "yes",
    }
    for question, value in answers.items():
        interviews.save_answer(session, interview, question, value)
    interviews.complete(session, interview)
    stored = case_assessments.latest(session, case.uuid)
    assert stored.rules_version == VERSION_2 and stored.current
    # a stated purpose with a sign of exploitative conditions; no act, no means
    assert stored.result["elements"] == {"act": False, "means": False, "purpose": True}
    with pytest.raises(InvalidInput, match="already uses the current rules"):
        case_assessments.reassess(session, case.uuid)


def test_statistics_follow_the_latest_assessment_whatever_its_version(session):
    from idtool.stats import compute

    own_vulnerability = [
        "act.recruitment",
        "rv.economic",
        "rv.family_situation",
        "rv.lack_of_information",
    ]
    case = case_assessed_under_v1(session, own_vulnerability)
    assert case_assessments.latest(session, case.uuid).recommendation == "possible_victim"
    before = compute(session)
    assert (before.cases, before.possible) == (1, 1)
    new = case_assessments.reassess(session, case.uuid)
    assert new.recommendation == "no_indication"  # vulnerability is not exploitation
    after = compute(session)
    assert (after.cases, after.possible) == (1, 0)
