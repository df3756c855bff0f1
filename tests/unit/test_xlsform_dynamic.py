"""XLSForm answers shown in texts, dynamic defaults and bind:: columns (issue 17, item 6), and
what stays unsupported (item 8): one small form each, written with openpyxl at test time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.problems import FormError
from tests.support.xlsforms import write_form

TODAY = dt.date(2024, 6, 1)


def test_references_in_labels_and_hints_show_the_current_answer(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "hint"],
        ["text", "name", "Name", ""],
        ["decimal", "amount", "Amount", ""],
        ["note", "hello", "Hello ${name}: ${amount} som", "Not ${nobody}"],
    ]
    form = load_form(write_form(tmp_path, survey))
    note = form.question("hello")
    flow = Flow(form, {"name": "Aigul", "amount": 2.5}, "en", TODAY)
    assert flow.text(note.label) == "Hello Aigul: 2.5 som"
    assert flow.text(note.hint) == "Not ${nobody}"
    assert Flow(form, {}, "en", TODAY).text(note.label) == "Hello :  som"


def test_dynamic_defaults_are_computed(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "default"],
        ["date", "seen", "Seen on", "today()"],
        ["integer", "n", "N", "4"],
        ["integer", "next", "Next", "${n} + 1"],
        ["text", "plain", "Plain", "call me (later)"],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {}, "en", TODAY)
    assert flow.answer("seen") == "2024-06-01"
    assert flow.answer("next") == 5
    assert flow.answer("plain") == "call me (later)"
    assert Flow(form, {"next": 9}, "en", TODAY).answer("next") == 9  # a stored answer wins
    assert form.question("next").default is None and form.question("plain").default_expr is None


def test_a_dynamic_default_reading_an_unknown_question_is_an_error(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "default"], ["integer", "n", "N", "${missing} + 1"]]
    with pytest.raises(FormError) as info:
        load_form(write_form(tmp_path, survey))
    assert "unknown question" in str(info.value)


def test_bind_columns_mean_our_columns(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "bind::relevant", "bind::constraint", "bind::jr:constraintMsg"],
        ["integer", "age", "Age", "", ". < 120", "Too old"],
        ["text", "school", "School", "${age} < 18", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert form.question("age").constraint_message["en"] == "Too old"
    assert Flow(form, {"age": 10}, "en", TODAY).is_relevant("school")
    assert not Flow(form, {"age": 30}, "en", TODAY).is_relevant("school")


def test_unsupported_types_are_named_and_the_rest_loads(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["geopoint", "where", "Where"],
        ["image", "photo", "Photo"],
        ["select_one_from_file places.csv", "place", "Place"],
        ["text", "q", "Q"],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["q"]
    assert {w.question for w in form.warnings} >= {"where", "photo", "place"}


def test_a_form_of_only_unsupported_types_says_so_in_one_line(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["geopoint", "where", "Where"], ["audio", "a", "A"]]
    with pytest.raises(FormError) as info:
        load_form(write_form(tmp_path, survey))
    (error,) = [p for p in info.value.problems if not p.warning]
    assert "nothing to ask" in error.message
