"""Answers are converted and checked in the core (`questionnaire.answers`), and
`interviews.save_answer` stores only what the questionnaire accepts (issue 13, part 3)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idtool import cases, interviews
from idtool.i18n import language
from idtool.questionnaire import answers
from idtool.questionnaire.answers import AnswerError
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form
from idtool.questionnaire.registry import load_shipped

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
SMALL = load_form(FORMS / "small.yaml")  # every kind but text and decimal
FLOW = load_form(FORMS / "flow.yaml")  # text and decimal


def convert(form: Form, name: str, raw: object) -> object:
    with language("en"):
        return answers.check(form, name, raw)


def refusal(form: Form, name: str, raw: object) -> AnswerError:
    with language("en"), pytest.raises(AnswerError) as caught:
        answers.check(form, name, raw)
    return caught.value


# -- the repro of the issue ----------------------------------------------------------------------


def test_save_answer_refuses_an_unknown_question_and_a_wrongly_typed_value(session):
    """The repro of issue 13: {"no_such_question": ..., "age_now": "twenty"} was stored."""
    case = cases.open_case(session, full_name="Тест Жооп", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    with pytest.raises(AnswerError) as unknown:
        interviews.save_answer(session, interview, "no_such_question", "anything at all")
    assert str(unknown.value) == "The questionnaire has no question “no_such_question”."
    with pytest.raises(AnswerError) as wrong:
        interviews.save_answer(session, interview, "age_now", "twenty")
    assert str(wrong.value) == "Question “How old are you?”: Enter a whole number."
    assert wrong.value.problem == "Enter a whole number."
    assert wrong.value.question == "age_now"
    assert "twenty" not in str(wrong.value)
    assert interviews.answers(session, interview.uuid) == {}  # nothing half-written
    # What the question accepts is stored in its one form.
    assert interviews.save_answer(session, interview, "age_now", " 24 ") == 24
    assert interviews.answers(session, interview.uuid) == {"age_now": 24}


def test_save_answer_speaks_the_interview_language(session):
    case = cases.open_case(session, full_name="Тест Жооп", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "ru")
    with language("en"), pytest.raises(AnswerError) as wrong:
        interviews.save_answer(session, interview, "sex", "unknown")
    assert str(wrong.value) == "Вопрос «Пол»: Выберите один из предложенных вариантов."


def test_save_answer_stores_the_converted_answer_and_updates_the_person(session):
    case = cases.open_case(session, region="chuy")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "ky")
    assert interviews.save_answer(session, interview, "date_of_birth", "1.5.1999") == "1999-05-01"
    assert interviews.save_answer(session, interview, "needs", "medical  shelter") == [
        "medical",
        "shelter",
    ]
    stored = interviews.answers(session, interview.uuid)
    assert stored["date_of_birth"] == "1999-05-01"
    assert cases.get_case(session, case.uuid).person.birth_date == "1999-05-01"
    with pytest.raises(AnswerError):
        interviews.save_answer(session, interview, "date_of_birth", "1999-02-30")
    with pytest.raises(AnswerError):  # a note takes no answer
        interviews.save_answer(session, interview, "child_note", "text")
    assert cases.get_case(session, case.uuid).person.birth_date == "1999-05-01"


def test_save_keeps_a_constraint_violation_for_the_flow_to_report(session):
    """The constraint depends on the answer only, but the choice_filter and other rules depend
    on other answers, which the officer may still change: saving keeps such an answer and the
    flow reports it (the wizard shows it and will not move on), as before."""
    case = cases.open_case(session, full_name="Тест Жооп", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    assert interviews.save_answer(session, interview, "age_now", 150) == 150
    with language("en"):
        message = interviews.flow(session, interview).validate_question(
            load_shipped("nrm-screening").question("age_now")
        )
    assert message and "120" in message


# -- every kind ----------------------------------------------------------------------------------


def test_text():
    assert convert(FLOW, "guardian", "  Айгүл эже \n") == "Айгүл эже"
    for empty in (None, "", "   "):
        assert convert(FLOW, "guardian", empty) is None
    for wrong in (12, 1.5, True, ["a"], {"a": 1}):
        assert refusal(FLOW, "guardian", wrong).problem == "Enter text."


def test_integer():
    for raw, stored in (("17", 17), (" -3 ", -3), (17, 17), (17.0, 17), ("007", 7)):
        value = convert(SMALL, "age_at_exploitation", raw)
        assert value == stored and type(value) is int
    assert convert(SMALL, "age_at_exploitation", "") is None
    for wrong in ("twenty", "1.5", "1,5", "+3", "1e3", 1.5, True, math.nan, 10**12, "1" * 13):
        assert refusal(SMALL, "age_at_exploitation", wrong).problem == "Enter a whole number."
    assert convert(SMALL, "age_at_exploitation", "9" * 12) == 999_999_999_999


def test_decimal():
    for raw, stored in (("1.5", 1.5), ("1,5", 1.5), (" -2 ", -2.0), (3, 3.0), (2.25, 2.25)):
        value = convert(FLOW, "years_abroad", raw)
        assert value == stored and type(value) is float
    for wrong in ("x", "1.", ".5", "1,5,0", math.inf, math.nan, True, "2024-01-01", 1e12):
        assert refusal(FLOW, "years_abroad", wrong).problem == "Enter a number."


TYPED_DATE = "Enter a date as DD.MM.YYYY or YYYY-MM-DD."


def test_date():
    for raw in ("2024-03-05", " 2024-03-05 ", "05.03.2024", "5.3.2024", dt.date(2024, 3, 5)):
        assert convert(SMALL, "taken_on", raw) == "2024-03-05"
    assert convert(SMALL, "taken_on", dt.datetime(2024, 3, 5, 23, 59)) == "2024-03-05"
    for wrong in ("2024-3-5", "2024-02-30", "31.02.2024", "20240305", "2024-W10-2", "٢٠٢٤-03-05"):
        assert refusal(SMALL, "taken_on", wrong).problem == TYPED_DATE
    assert refusal(SMALL, "taken_on", 20240305).problem == TYPED_DATE


def test_select_one():
    assert convert(SMALL, "consent", "yes") == "yes"
    assert convert(SMALL, "consent", " no ") == "no"
    assert convert(SMALL, "consent", None) is None
    for wrong in ("maybe", "yes no", ["yes"], 1, True):
        assert refusal(SMALL, "consent", wrong).problem == "Choose one of the listed options."
    # Any choice of the list is stored; the choice_filter (which depends on another answer)
    # is the flow's to report.
    assert convert(SMALL, "city", "moscow") == "moscow"
    flow = Flow(SMALL, {"consent": "no", "city": "moscow"}, "en")
    with language("en"):
        assert flow.validate_question(SMALL.question("city")) == (
            "Choose one of the listed options."
        )


def test_select_multiple():
    assert convert(SMALL, "work_type", ["sex", "build"]) == ["sex", "build"]  # order kept
    assert convert(SMALL, "work_type", ("build", "build")) == ["build"]
    assert convert(SMALL, "work_type", "build other") == ["build", "other"]
    for empty in ([], (), "", None):
        assert convert(SMALL, "work_type", empty) is None
    for wrong in (["build", "flying"], "build flying", [1], "yes", 3, {"build": True}):
        assert refusal(SMALL, "work_type", wrong).problem == "Choose one of the listed options."


@pytest.mark.parametrize("name", ["is_child", "thanks", "documents", "person"])
def test_notes_calculations_groups_and_sections_take_no_answer(name):
    with language("en"), pytest.raises(AnswerError) as caught:
        answers.check(SMALL, name, "yes")
    expected = (
        "The questionnaire has no question “person”."  # a section is no question
        if name == "person"
        else "This question takes no answer."
    )
    assert expected in str(caught.value)


def test_an_unknown_name_that_is_no_identifier_is_not_repeated():
    refused = refusal(SMALL, "Айгүл Өмүрбекова 1999", "x")
    assert str(refused) == "The questionnaire has no such question."
    assert refusal(SMALL, "x" * 65, "x").message == "The questionnaire has no such question."


def test_a_long_label_is_shortened_in_the_message():
    form = load_shipped("nrm-identification")
    refused = refusal(form, "contact_restricted", "x")
    label = form.question("contact_restricted").label.get("en")
    assert len(label) > 100
    assert refused.message.startswith(f"Question “{label[:40]}")
    assert "…”: Choose one of the listed options." in refused.message
    assert len(refused.message) == len("Question “”: Choose one of the listed options.") + 80


def test_shown_is_what_a_line_input_displays():
    assert answers.shown(None) == ""
    assert answers.shown(2.0) == "2"
    assert answers.shown(2.5) == "2.5"
    assert answers.shown(17) == "17"
    assert answers.shown("2024-03-05") == "2024-03-05"


# -- properties ----------------------------------------------------------------------------------

SECRET = "§"  # in no label of the test forms: a message that held the answer would show it


@settings(max_examples=150, deadline=None)
@given(st.integers(-(10**12) + 1, 10**12 - 1))
def test_any_integer_round_trips(number: int) -> None:
    assert convert(SMALL, "age_at_exploitation", str(number)) == number
    assert convert(SMALL, "age_at_exploitation", number) == number
    assert convert(SMALL, "age_at_exploitation", float(number)) == number


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 10**12 - 1),
    st.text("0123456789", min_size=1, max_size=8),
    st.sampled_from([".", ","]),
    st.booleans(),
)
def test_any_decimal_text_reads_as_its_number(whole: int, fraction: str, point: str, minus: bool):
    text = f"{'-' if minus else ''}{whole}{point}{fraction}"
    assert convert(FLOW, "years_abroad", text) == float(text.replace(",", "."))


@settings(max_examples=150, deadline=None)
@given(st.dates())
def test_any_date_reads_the_same_in_every_accepted_form(day: dt.date) -> None:
    iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert day.isoformat() == iso
    for typed in (iso, f"{day.day:02d}.{day.month:02d}.{day.year:04d}", day):
        assert convert(SMALL, "taken_on", typed) == iso
    assert convert(SMALL, "taken_on", f"{day.day}.{day.month}.{day.year:04d}") == iso


raw_answer = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.sampled_from(["yes", "no", "build sex", "kg", "2024-01-01", "01.01.2024", "1,5"]),
    st.lists(st.one_of(st.sampled_from(["build", "sex", "x"]), st.integers()), max_size=3),
)
answerable = [q.name for q in SMALL.questions() if q.kind.takes_answer] + ["guardian"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(answerable), raw_answer)
def test_any_input_is_stored_in_one_form_or_refused_without_repeating_it(name, raw):
    form = FLOW if name == "guardian" else SMALL
    if isinstance(raw, str):
        raw = SECRET + raw
    try:
        stored = convert(form, name, raw)
    except AnswerError as refused:
        assert SECRET not in str(refused) and SECRET not in refused.problem
        assert refused.question == name
        return
    json.dumps(stored)  # storable
    assert convert(form, name, stored) == stored  # converting again changes nothing
    if stored is not None:  # and the flow finds nothing wrong with its type
        question = form.question(name)
        assert (
            answers.stored_problem(question, stored, answers.choice_names(form, question)) is None
        )
