"""Real-world XLSForms load as ODK/pyxform reads them (issue 17, items 1-4): one small form per
feature, written with openpyxl at test time (tests/support/xlsforms.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind
from idtool.questionnaire.problems import FormError
from tests.support.xlsforms import write_form

TODAY = dt.date(2024, 6, 1)
YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def warnings_of(form: Form) -> str:
    return "\n".join(w.message for w in form.warnings)


def errors_of(path: Path) -> str:
    with pytest.raises(FormError) as info:
        load_form(path)
    return "\n".join(p.message for p in info.value.problems if not p.warning)


# ---- item 1: ids and names


def test_form_id_with_underscores_dots_and_capitals(tmp_path: Path) -> None:
    settings = [["form_id", "version"], ["IOM_Screening.v2", "1"]]
    path = write_form(tmp_path, [["type", "name", "label"], ["text", "q", "Q"]], settings=settings)
    form = load_form(path)
    assert form.form_id == "iom-screening-v2"
    assert "IOM_Screening.v2" in warnings_of(form)


def test_names_with_dots_and_dashes_are_xml_names(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "hh.size", "Household size", ""],
        ["text", "head-name", "Name", "${hh.size} > 0"],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {"hh.size": 3}, "en", TODAY)
    assert flow.is_relevant("head-name")


def test_a_name_that_is_not_an_xml_name_is_still_an_error(tmp_path: Path) -> None:
    path = write_form(tmp_path, [["type", "name", "label"], ["text", "1st", "Q"]])
    assert "must start with a letter" in errors_of(path)


def test_the_same_name_in_different_groups(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["begin group", "mother", "Mother"],
        ["text", "age", "Age"],
        ["end group", "", ""],
        ["begin group", "father", "Father"],
        ["text", "age", "Age"],
        ["end group", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["age", "father.age"]
    assert "father.age" in warnings_of(form)


def test_a_reference_to_a_name_used_in_two_groups_is_ambiguous(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["begin group", "a", "A", ""],
        ["text", "age", "Age", ""],
        ["end group", "", "", ""],
        ["begin group", "b", "B", ""],
        ["text", "age", "Age", ""],
        ["text", "why", "Why", "${age} != ''"],
        ["end group", "", "", ""],
    ]
    assert "ambiguous" in errors_of(write_form(tmp_path, survey))


def test_the_same_name_twice_in_one_group_is_an_error(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["text", "x", "X"], ["text", "x", "X again"]]
    assert "used more than once" in errors_of(write_form(tmp_path, survey))


def test_notes_without_a_name(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["note", "", "Read this"], ["note", None, "And this"]]
    form = load_form(write_form(tmp_path, survey))
    assert [q.kind for q in form.questions()] == [Kind.NOTE, Kind.NOTE]
    assert len({q.name for q in form.questions()}) == 2


# ---- item 2: legacy spellings


@pytest.mark.parametrize(
    ("written", "kind", "list_name"),
    [
        ("select one from yn", Kind.SELECT_ONE, "yn"),
        ("select all that apply from yn", Kind.SELECT_MULTIPLE, "yn"),
        ("select all that apply yn", Kind.SELECT_MULTIPLE, "yn"),
        ("Select_One yn", Kind.SELECT_ONE, "yn"),
        ("add integer prompt", Kind.INTEGER, None),
        ("q decimal", Kind.DECIMAL, None),
        ("phone number", Kind.TEXT, None),
        ("add date prompt", Kind.DATE, None),
    ],
)
def test_legacy_type_spellings(tmp_path: Path, written: str, kind: Kind, list_name: str) -> None:
    path = write_form(tmp_path, [["type", "name", "label"], [written, "q", "Q"]], YES_NO)
    (question,) = load_form(path).questions()
    assert (question.kind, question.list_name) == (kind, list_name)


@pytest.mark.parametrize(
    ("written", "named"), [("gps", "geopoint"), ("photo", "image"), ("get today", "today")]
)
def test_old_names_of_unsupported_types_are_named_in_the_warning(
    tmp_path: Path, written: str, named: str
) -> None:
    survey = [["type", "name", "label"], [written, "old", "Old"], ["text", "q", "Q"]]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["q"]
    (warning,) = [w for w in form.warnings if w.question == "old"]
    assert named in warning.message


# ---- item 3: quotes, headers, languages, partial translations


def test_curly_quotes_in_expressions_are_quotes(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["select_one yn", "ok", "OK?", ""],
        ["text", "why", "Why?", "${ok} = \u2018yes\u2019"],
        ["text", "how", "How?", "${ok} = \u201cno\u201d"],
    ]
    form = load_form(write_form(tmp_path, survey, YES_NO))
    flow = Flow(form, {"ok": "yes"}, "en", TODAY)
    assert flow.is_relevant("why") and not flow.is_relevant("how")


def test_single_colon_language_headers_and_other_languages(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label:English", "label:French (fr)", "hint::Swahili"],
        ["text", "q", "Name", "Nom", "Jina"],
    ]
    settings = [["form_id", "version", "default_language"], ["langs", "1", "English"]]
    form = load_form(write_form(tmp_path, survey, settings=settings))
    assert set(form.languages) == {"en", "fr", "swahili"}
    (question,) = form.questions()
    assert question.label["fr"] == "Nom" and question.hint["swahili"] == "Jina"
    assert question.label["swahili"] == "Name"  # not translated: the default language's
    assert "swahili" in warnings_of(form)


def test_partial_translations_fall_back_to_the_default_language(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::Russian (ru)"],
        ["text", "a", "First", "Первый"],
        ["text", "b", "Second", ""],
        ["text", "c", "Third", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert form.question("b").label["ru"] == "Second"
    assert "2 texts have no ru translation" in warnings_of(form)


# ---- item 4: groups, calculations, choices, comment rows, columns, sheets, row limit


def test_a_top_level_group_without_a_label(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["begin group", "g", ""], ["text", "q", "Q"]]
    survey.append(["end group", "", ""])
    form = load_form(write_form(tmp_path, survey))
    assert form.sections[0].name == "g" and form.sections[0].label == form.title


def test_a_calculation_on_an_asked_question_makes_it_computed(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation", "required"],
        ["integer", "n", "N", "", ""],
        ["integer", "double", "Double", "${n} * 2", "yes"],
    ]
    form = load_form(write_form(tmp_path, survey))
    double = form.question("double")
    assert double.kind is Kind.INTEGER and double.computed  # as ODK: asked, shown read-only
    flow = Flow(form, {"n": 4, "double": 99}, "en", TODAY)  # a stored answer is ignored
    assert flow.value("double") == 8.0 and flow.answer("double") == 8
    assert flow.effective_answers()["double"] == 8
    assert [q.name for q in flow.questions(form.sections[0].name)] == ["n", "double"]
    assert flow.computed() == {"double"}


def test_choices_without_labels_show_their_names(tmp_path: Path) -> None:
    choices = [["list_name", "name", "label"], ["l", "north", ""], ["l", "south", None]]
    survey = [["type", "name", "label"], ["select_one l", "q", "Q"]]
    form = load_form(write_form(tmp_path, survey, choices))
    assert [c.label["en"] for c in form.choice_list("l").choices] == ["north", "south"]
    assert "2 choices of list l have no label" in warnings_of(form)


def test_allow_choice_duplicates(tmp_path: Path) -> None:
    choices = [["list_name", "name", "label"], ["l", "a", "A"], ["l", "a", "A again"]]
    survey = [["type", "name", "label"], ["select_one l", "q", "Q"]]
    assert "appears twice" in errors_of(write_form(tmp_path, survey, choices))
    settings = [["form_id", "version", "allow_choice_duplicates"], ["dup", "1", "yes"]]
    form = load_form(write_form(tmp_path, survey, choices, settings, name="dup.xlsx"))
    assert form.choice_list("l").names() == ("a", "a")


def test_comment_rows_with_only_unknown_columns_are_skipped(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "notes for authors"],
        ["", "", "", "Section A starts here"],
        ["text", "q", "Q", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["q"]


def test_a_column_that_means_nothing_for_a_type_is_a_warning(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "choice_filter"], ["text", "q", "Q", "x = 1"]]
    form = load_form(write_form(tmp_path, survey))
    assert "choice_filter means nothing for a text question" in warnings_of(form)
    assert form.question("q").choice_filter is None


@pytest.mark.parametrize("sheet", ["osm", "entities", "external_choices"])
def test_sheets_not_read_are_named_in_a_warning(tmp_path: Path, sheet: str) -> None:
    survey = [["type", "name", "label"], ["text", "q", "Q"]]
    form = load_form(write_form(tmp_path, survey, extra={sheet: [["list_name"], ["x"]]}))
    assert f"The sheet {sheet} is not read" in warnings_of(form)


def test_empty_formatted_rows_at_the_end_do_not_count(tmp_path: Path) -> None:
    path = write_form(tmp_path, [["type", "name", "label"], ["text", "q", "Q"]])
    book = openpyxl.load_workbook(path)
    survey = book["survey"]
    for row in range(3, 12_001):
        survey.cell(row=row, column=1).number_format = "0.00"  # formatted, no value
    book.save(path)
    assert [q.name for q in load_form(path).questions()] == ["q"]
    survey.cell(row=11_000, column=1, value="text")
    book.save(path)
    assert "more than 10000 rows" in errors_of(path)
