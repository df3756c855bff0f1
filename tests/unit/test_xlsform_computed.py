"""Answers a form works out itself, as ODK (issue 17, items 4 and 6): a `calculation` on an asked
question (its answer, shown read-only), the `trigger` column (the calculation stored when a
question named in it is answered), and format-date's month and day names in the interview's
language. Forms written with openpyxl at test time (tests/support/xlsforms.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idtool.questionnaire.expr import Context, parse
from idtool.questionnaire.flow import Flow, computed_questions
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Kind
from idtool.questionnaire.problems import FormError, Problem
from idtool.questionnaire.worked_out import changed, differs, wanted
from tests.support.installed import worked_out_form
from tests.support.xlsforms import write_form

TODAY = dt.date(2024, 6, 1)
YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FormError) as info:
        load_form(path)
    return [p for p in info.value.problems if not p.warning]


# ---- a calculation on an asked question


def test_an_asked_question_with_a_calculation_keeps_its_type_and_takes_the_computed_value(
    tmp_path: Path,
) -> None:
    survey = [
        ["type", "name", "label", "calculation", "indicators"],
        ["integer", "debt", "Debt", "", ""],
        [
            "select_one yn",
            "in_debt",
            "In debt?",
            "if(${debt} > 0, 'yes', 'no')",
            "yes: cd.debt_bondage",
        ],
        ["date", "when", "When", "date('2024-05-31')", ""],
        ["text", "said", "Said", "concat('owes ', ${debt})", ""],
    ]
    form = load_form(write_form(tmp_path, survey, YES_NO))
    assert form.question("in_debt").kind is Kind.SELECT_ONE
    assert form.question("in_debt").list_name == "yn"
    assert computed_questions(form) == {"in_debt", "when", "said"}
    assert not any("calculation" in w.message for w in form.warnings)
    stored = {"debt": 500, "in_debt": "no", "said": "nothing", "when": "2000-01-01"}
    flow = Flow(form, stored, "en", TODAY)  # the stored answers to computed questions: ignored
    assert flow.answer("in_debt") == "yes" and flow.value("in_debt") == "yes"
    assert flow.effective_answers() == {
        "debt": 500,
        "in_debt": "yes",
        "when": "2024-05-31",
        "said": "owes 500",
    }
    assert flow.indicators() == {"cd.debt_bondage"}
    assert Flow(form, {"debt": 0, "in_debt": "yes"}, "en", TODAY).indicators() == frozenset()


def test_required_and_constraint_are_checked_on_the_computed_value(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation", "required", "constraint"],
        ["integer", "n", "N", "", "", ""],
        ["integer", "double", "Double", "${n} * 2", "yes", ". < 100"],
    ]
    form = load_form(write_form(tmp_path, survey))
    double = form.question("double")
    assert Flow(form, {"n": 4, "double": 500}, "en", TODAY).validate_question(double) is None
    too_big = Flow(form, {"n": 60, "double": 8}, "en", TODAY)
    assert too_big.validate_question(double) == "The answer is not valid."
    missing = Flow(form, {"double": 8}, "en", TODAY)  # nothing to work it out from
    assert missing.validate_question(double) == "This question is required."
    assert missing.progress() == (0, 1)


def test_a_computed_answer_feeds_what_reads_it_in_dependency_order(tmp_path: Path) -> None:
    survey = [  # `total` reads `double`, which is written after it: computed in order
        ["type", "name", "label", "calculation", "relevant"],
        ["integer", "n", "N", "", ""],
        ["integer", "total", "Total", "${double} + 1", ""],
        ["integer", "double", "Double", "${n} * 2", ""],
        ["note", "big", "Big", "", "${total} > 10"],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {"n": 6}, "en", TODAY)
    assert flow.answer("total") == 13 and flow.is_relevant("big")


def test_a_cycle_through_a_computed_answer_is_an_error(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["integer", "a", "A", "${b} + 1"],
        ["integer", "b", "B", "${a} + 1"],
    ]
    assert any("cycle" in p.message for p in problems_of(write_form(tmp_path, survey)))


def test_the_yaml_format_reads_calculation_and_trigger_on_an_asked_question(
    tmp_path: Path,
) -> None:
    form = load_form(worked_out_form(tmp_path))
    assert form.question("double").kind is Kind.INTEGER and form.question("double").computed
    greeting = form.question("greeting")
    assert greeting.trigger == ("place",) and not greeting.computed


# ---- the trigger column


def triggered_form(tmp_path: Path, trigger: object = "${place}", name: str = "t.xlsx") -> Path:
    survey = [
        ["type", "name", "label", "calculation", "trigger"],
        ["text", "place", "Place", "", ""],
        ["integer", "n", "N", "", ""],
        ["text", "copy", "Copy", "concat(${place}, '/', ${n})", trigger],
    ]
    return write_form(tmp_path, survey, name=name)


def test_the_trigger_column_is_read_and_is_no_longer_unsupported(tmp_path: Path) -> None:
    form = load_form(triggered_form(tmp_path))
    copy = form.question("copy")
    assert copy.trigger == ("place",) and copy.kind is Kind.TEXT and not copy.computed
    assert not any("trigger" in w.message for w in form.warnings)
    several = load_form(triggered_form(tmp_path, "${place}, ${n} ${place}", "several.xlsx"))
    assert several.question("copy").trigger == ("place", "n")


def test_a_triggered_calculation_is_not_recomputed_but_stored_when_its_trigger_changes(
    tmp_path: Path,
) -> None:
    form = load_form(triggered_form(tmp_path))
    flow = Flow(form, {"place": "Osh", "n": 2, "copy": "typed by hand"}, "en", TODAY)
    assert flow.answer("copy") == "typed by hand"  # an ordinary answer, editable
    assert flow.value("copy") == "typed by hand" and flow.computed() == frozenset()
    assert flow.triggered({"place"}) == {"copy": "Osh/2"}
    assert flow.triggered({"n"}) == {}  # n is read, but does not trigger
    stored = {"place": "Osh", "n": 2}
    assert wanted(form, stored, changed({}, stored), "en") == {"copy": "Osh/2"}
    assert wanted(form, {**stored, "n": 3}, {"n"}, "en") == {}


def test_a_trigger_naming_an_unknown_question_is_a_located_error(tmp_path: Path) -> None:
    found = problems_of(triggered_form(tmp_path, "${nowhere}"))
    assert [(p.location, p.question, p.column) for p in found] == [
        ("survey, row 4", "copy", "trigger")
    ]
    assert "${nowhere} refers to an unknown question" in found[0].message


def test_a_trigger_without_a_calculation_or_not_naming_a_question_is_an_error(
    tmp_path: Path,
) -> None:
    survey = [
        ["type", "name", "label", "trigger"],
        ["text", "place", "Place", ""],
        ["text", "copy", "Copy", "${place}"],
    ]
    found = problems_of(write_form(tmp_path, survey))
    assert [(p.location, p.column) for p in found] == [("survey, row 3", "trigger")]
    assert "needs a calculation" in found[0].message
    bad = problems_of(triggered_form(tmp_path, "place", "bad.xlsx"))
    assert "${name}" in bad[0].message and bad[0].column == "trigger"


def test_a_group_or_a_note_cannot_trigger(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation", "trigger"],
        ["note", "hello", "Hello", "", ""],
        ["text", "copy", "Copy", "'x'", "${hello}"],
    ]
    found = problems_of(write_form(tmp_path, survey))
    assert "cannot trigger" in found[0].message and found[0].column == "trigger"


def test_a_computed_answer_given_differently_is_told_apart_from_the_same(tmp_path: Path) -> None:
    form = load_form(worked_out_form(tmp_path))
    assert differs(form, {"n": 4}, {"double": 9}, "en")
    assert not differs(form, {"n": 4}, {"double": 8}, "en")
    assert not differs(form, {}, {"n": 5, "double": 10}, "en")  # worked out after the write


# ---- format-date in the interview's language


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "Sat 01 Jun 2024"),
        ("ru", "сб 01 июн. 2024"),
        ("ky", "ишм. 01 июн. 2024"),
    ],
)
def test_format_date_names_months_and_days_in_the_interview_language(
    tmp_path: Path, lang: str, shown: str
) -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::Russian (ru)", "label::Kyrgyz (ky)"],
        ["date", "day", "Day", "День", "Күн"],
        ["calculate", "shown", "", "", ""],
    ]
    survey[0].append("calculation")
    for row in survey[1:]:
        row.append("format-date(${day}, '%a %d %b %Y')" if row[1] == "shown" else "")
    form = load_form(write_form(tmp_path, survey))
    assert Flow(form, {"day": "2024-06-01"}, lang, TODAY).value("shown") == shown


def test_format_date_month_names_of_every_language_and_english_outside_a_flow() -> None:
    months = parse("format-date('2024-01-01', '%b') ")
    expression = parse(
        "concat("
        + ", ' ', ".join(f"format-date('2024-{m:02d}-01', '%b')" for m in range(1, 13))
        + ")"
    )
    assert expression.evaluate(Context(lang="ru")).split() == [
        *("янв.", "февр.", "мар.", "апр.", "мая", "июн."),
        *("июл.", "авг.", "сент.", "окт.", "нояб.", "дек."),
    ]
    assert expression.evaluate(Context(lang="ky")).split() == [
        *("янв.", "фев.", "мар.", "апр.", "май", "июн."),
        *("июл.", "авг.", "сен.", "окт.", "ноя.", "дек."),
    ]
    assert months.evaluate(Context()) == "Jan"  # a bare context: English
    assert months.evaluate(Context(lang="de")) == "Jan"  # a language without names: English
