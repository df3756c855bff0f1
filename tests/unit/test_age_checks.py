"""Ages that contradict each other (idtool.age_checks) and the date default "today()"."""

from __future__ import annotations

import datetime as dt

from idtool.age_checks import contradictions
from idtool.questionnaire.flow import Flow, started_answers
from idtool.questionnaire.registry import load_shipped

DAY = dt.date(2026, 6, 1)


def questions(answers: dict[str, object]) -> list[tuple[str, ...]]:
    return [w.questions for w in contradictions(answers, DAY)]


def test_exploitation_began_later_than_the_age_now() -> None:
    assert questions({"age_now": 27, "age_at_exploitation": 30}) == [
        ("age_now", "age_at_exploitation")
    ]
    assert questions({"age_now": 27, "age_at_exploitation": 27}) == []
    assert questions({"age_now": 27}) == []
    assert questions({"age_now": None, "age_at_exploitation": 30}) == []


def test_date_of_birth_against_the_stated_ages() -> None:
    born = "2000-06-02"  # 25 on DAY, 26 the day after
    assert questions({"date_of_birth": born, "age_now": 25}) == []
    assert questions({"date_of_birth": born, "age_now": 26}) == [("date_of_birth", "age_now")]
    # On the interview's own date, not today.
    assert questions({"date_of_birth": born, "age_now": 26, "interview_date": "2026-06-02"}) == []
    assert questions({"date_of_birth": born, "age_at_exploitation": 26}) == [
        ("date_of_birth", "age_at_exploitation")
    ]
    assert questions({"date_of_birth": "2030-01-01", "age_now": 3}) == []  # the form refuses it
    message = contradictions({"date_of_birth": born, "age_now": 26}, DAY)[0].message
    assert "(25)" in message


def test_interview_date_starts_as_the_day_the_interview_starts() -> None:
    form = load_shipped("nrm-identification")
    assert started_answers(form, DAY) == {"interview_date": "2026-06-01"}
    assert Flow(form, {}, "en", today=DAY).answer("interview_date") == "2026-06-01"
    assert started_answers(load_shipped("nrm-screening"), DAY) == {}
