"""What pyxform's own example workbooks needed (issue 17): of its 25 example .xlsx files, pyxform
accepts 22; these rules bring the engine from 13 to 18 of them (the other 4 are refused on
purpose: an unclosed quote, an XPath axis `label::English`, and a pattern the backtracking check
refuses). One small workbook per rule, written with openpyxl at test time."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form
from idtool.questionnaire.problems import FormError
from tests.support.xlsforms import write_form


def warnings_of(form: Form) -> str:
    return "\n".join(w.message for w in form.warnings)


def test_a_form_id_with_spaces_is_read_as_a_slug(tmp_path: Path) -> None:
    settings = [["form_title", "form_id"], ["Spec test", "Spec test"]]
    form = load_form(
        write_form(tmp_path, [["type", "name", "label"], ["text", "a", "A"]], settings=settings)
    )
    assert form.form_id == "spec-test"
    assert "form_id Spec test is read as spec-test" in warnings_of(form)


def test_the_only_sheet_of_a_workbook_is_the_survey(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_form(tmp_path, [["type", "name", "label"], ["text", "state", "The State"]], settings=[])
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "form.xlsx")
    book.remove(book["settings"])
    book["survey"].title = "Sheet1"
    book.save(path)
    form = load_form(path)
    assert [q.name for q in form.questions()] == ["state"]
    assert "its only sheet Sheet1 is read as the survey" in warnings_of(form)
    book.create_sheet("Notes")
    book.save(path)
    with pytest.raises(FormError, match="no survey sheet"):
        load_form(path)


def test_a_choice_filter_reading_a_missing_column_reads_it_as_empty(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one colors", "pastel", "Pastel?", "pastel=yes"],
    ]
    choices = [
        ["list_name", "name", "label", "pastel"],
        ["colors", "red", "red", "no"],
        ["colors", "mauve", "mauve", "yes"],
        ["colors", "grey", "grey", ""],
    ]
    form = load_form(write_form(tmp_path, survey, choices))
    assert "Choice list colors has no column yes: it reads as empty, as in ODK" in warnings_of(form)
    question = form.question("pastel")
    # `yes` is an empty column: only a choice whose pastel is empty matches, as in ODK
    assert [c.name for c in Flow(form, {}, "en").choices_for(question)] == ["grey"]


def test_questions_without_a_label_take_their_hint_or_name(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "hint", "image"],
        ["note", "picture_only", "", "", "map.png"],
        ["note", "hinted", "", "Read this aloud", ""],
        ["integer", "count", "", "", ""],
        ["text", "after", "After", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["hinted", "count", "after"]
    assert form.question("hinted").label.get("en") == "Read this aloud"
    assert not form.question("hinted").hint
    assert form.question("count").label.get("en") == "count"
    shown = warnings_of(form)
    assert "The note has no text the program can show (only media): it is left out" in shown
    assert "its hint is shown" in shown and "its name is shown" in shown


@pytest.mark.parametrize("kind", ["uri:deviceid", "uri:username", "uri:email", "uri:simserial"])
def test_old_uri_metadata_types_are_named_as_unsupported(tmp_path: Path, kind: str) -> None:
    survey = [["type", "name", "label"], ["text", "a", "A"], [kind, "meta", ""]]
    form = load_form(write_form(tmp_path, survey))
    assert [q.name for q in form.questions()] == ["a"]
    assert "is not supported; the question is ignored" in warnings_of(form)


def _with_last_row(path: Path, row: str) -> Path:
    """The workbook with `row` added at the end of its survey sheet (first worksheet)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    text = parts[sheet].decode("utf-8")
    parts[sheet] = text.replace("</sheetData>", row + "</sheetData>").encode("utf-8")
    out = path.with_name("edited.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return out


def test_a_sheet_formatted_down_to_excels_last_row_loads(tmp_path: Path) -> None:
    path = write_form(tmp_path, [["type", "name", "label"], ["text", "a", "A"]])
    formatted = _with_last_row(
        path, '<row r="1048576" customFormat="1"><c r="A1048576" s="0"/></row>'
    )
    assert [q.name for q in load_form(formatted).questions()] == ["a"]
    valued = _with_last_row(
        path, '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>note</t></is></c></row>'
    )
    with pytest.raises(FormError, match="more than 10000 rows"):
        load_form(valued)
