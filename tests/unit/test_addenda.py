"""Amending a completed interview with an audited addendum (issue 14, item 5)."""

from __future__ import annotations

import json

import pytest
from sqlcipher3 import dbapi2

from idtool import (
    addenda,
    audit,
    case_assessments,
    case_list,
    cases,
    demo,
    interviews,
    officers,
    received_interviews,
)
from idtool.errors import InvalidInput, NotPermitted
from idtool.questionnaire.answers import AnswerError
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import STRONG, screen

REASON = "The person corrected the answers after a rest."


def completed(session, **answers):
    case = cases.open_case(session, full_name="Нургүл Асанова", region="osh")
    interview = screen(session, case.uuid, {**STRONG, **answers})
    return case, interviews.get(session, interview.uuid)


def snapshot(session, case):
    """What an amendment may change: answers, assessments, addenda."""
    conn = session.conn
    return (
        conn.execute("SELECT question, value FROM answers ORDER BY 1").fetchall(),
        len(case_assessments.for_case(session, case.uuid)),
        conn.execute("SELECT count(*) FROM interview_addenda").fetchone()[0],
    )


def test_an_addendum_amends_answers_keeps_the_originals_and_assesses_again(session):
    case, interview = completed(session)
    first = case_assessments.latest(session, case.uuid)
    assert first.recommendation == "presumed_victim"
    # The person explains the job was as promised, there was no debt, no threat and they were
    # free to leave.
    made = addenda.amend(
        session,
        interview.uuid,
        {
            "deceived_job": "no",
            "debt": "no",
            "not_free": "no",
            "violence_threats": "no",
            "documents_taken": "no",
            "age_now": "35",
        },
        f"  {REASON}  ",
    )
    assert made.reason == REASON
    assert {c.question: (c.before, c.after) for c in made.changes} == {
        "age_now": (24, 35),
        "debt": ("yes", "no"),
        "deceived_job": ("yes", "no"),
        "documents_taken": ("yes", "no"),
        "not_free": ("yes", "no"),
        "violence_threats": ("both", "no"),
    }
    stored = interviews.answers(session, interview.uuid)
    assert (stored["debt"], stored["age_now"]) == ("no", 35)
    assert interviews.get(session, interview.uuid).state == "completed"  # no new interview
    assessments = case_assessments.for_case(session, case.uuid)
    assert [a.uuid for a in assessments][:-1] == [first.uuid]  # the first one is kept
    latest = assessments[-1]
    assert latest.uuid == made.assessment_uuid and latest.interview_uuid == interview.uuid
    assert latest.recommendation != first.recommendation
    assert addenda.for_case(session, case.uuid) == [made]

    [entry] = [e for e in audit.entries(session.conn, case.uuid) if e.action == "interview.amend"]
    assert entry.details["questions"] == [
        "age_now",
        "debt",
        "deceived_job",
        "documents_taken",
        "not_free",
        "violence_threats",
    ]
    # Question names and record ids only: no answer, no reason.
    assert set(entry.details) == {"interview", "addendum", "questions", "assessment"}
    assert REASON not in json.dumps(entry.details)

    # A second addendum shows the first's answers as its "before"; the first is unchanged.
    again = addenda.amend(session, interview.uuid, {"debt": "yes"}, "Recalled the debt.")
    assert again.changes == (addenda.Change("debt", "no", "yes"),)
    assert addenda.for_case(session, case.uuid) == [made, again]


def test_an_addendum_that_changes_a_name_updates_the_person(session):
    demo.generate(session, 4, seed=3)
    interview = next(
        i
        for (case_uuid,) in session.conn.execute("SELECT uuid FROM cases")
        for i in interviews.for_case(session, case_uuid)
        if i.form_id == "nrm-identification" and not i.in_progress
    )
    made = addenda.amend(
        session, interview.uuid, {"full_name": "  Нургүл   Асанова "}, "Misspelt at first."
    )
    assert made.changes[0].after == "Нургүл Асанова"
    person = cases.get_case(session, interview.case_uuid).person
    assert person.full_name == "Нургүл Асанова"
    found = case_list.CaseQuery(text="Nurgul Asanova").page(session, 0, 5)
    assert [r.uuid for r in found] == [interview.case_uuid]


def test_refusals_write_nothing(session, made_vault):
    case, interview = completed(session)
    # (started first: a new interview is answered from the person record as it starts)
    open_one = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    before = snapshot(session, case)
    refusals = [
        ({"debt": "no"}, "", "reason"),
        ({"debt": "yes"}, REASON, "No answer changes"),
        ({}, REASON, "No answer changes"),
        ({"exploitation_country_other": "Atlantis"}, REASON, "not asked"),  # country: Russia
        ({"consent_referral": None}, REASON, "missing or not valid"),  # required
        ({"age_now": 150}, REASON, "missing or not valid"),  # its constraint
    ]
    for answers, reason, words in refusals:
        with pytest.raises(InvalidInput, match=words):
            addenda.amend(session, interview.uuid, answers, reason)
    with pytest.raises(AnswerError):
        addenda.amend(session, interview.uuid, {"age_now": "twenty"}, REASON)
    with pytest.raises(AnswerError):
        addenda.amend(session, interview.uuid, {"no_such_question": "x"}, REASON)
    with pytest.raises(InvalidInput, match="too long"):
        addenda.amend(session, interview.uuid, {"debt": "no"}, "x" * 2001)
    with pytest.raises(InvalidInput, match="in progress"):
        addenda.amend(session, open_one.uuid, {"debt": "no"}, REASON)
    assert snapshot(session, case) == before

    # A role that may not run the questionnaire may not amend it.
    ident = received_interviews.record_received(
        session, case.uuid, ("nrm-identification", "1", "en"), []
    )
    officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
    vault, _ = made_vault
    with vault.unlock("Guard One", "guard-pass-1") as guard, pytest.raises(NotPermitted):
        addenda.amend(guard, ident, {"full_name": "X"}, REASON)


def test_an_addendum_is_never_edited_or_deleted(session):
    case, interview = completed(session)
    made = addenda.amend(session, interview.uuid, {"debt": "no"}, REASON)
    for sql in (
        "UPDATE interview_addenda SET reason = 'other' WHERE uuid = ?",
        "DELETE FROM interview_addenda WHERE uuid = ?",
    ):
        with pytest.raises(dbapi2.IntegrityError):
            session.conn.execute(sql, (made.uuid,))
    assert addenda.for_case(session, case.uuid) == [made]
