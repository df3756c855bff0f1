"""A questionnaire written out as YAML (how an XLSForm is published to devices) loads back into
an equal form: every shipped and archived form, the test fixtures, and XLSForms with repeats,
loops, fallback translations and ODK's lenient spellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool.paths import questionnaires_dir
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form
from idtool.questionnaire.yaml_writer import to_yaml
from tests.support import repeats
from tests.support.xlsforms import write_form

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
FILES = [
    *sorted(questionnaires_dir().glob("*.yaml")),
    *sorted((questionnaires_dir() / "archive").glob("*/*.yaml")),
    FIXTURES / "flow.yaml",
    FIXTURES / "small.yaml",
    FIXTURES / "small.xlsx",
    FIXTURES / "realworld.xlsx",
]


def reloaded(form: Form, folder: Path) -> Form:
    path = folder / "written.yaml"
    path.write_text(to_yaml(form), encoding="utf-8")
    return load_form(path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_form_written_as_yaml_loads_back_equal(path: Path, tmp_path: Path) -> None:
    form = load_form(path)
    again = reloaded(form, tmp_path)
    assert again == form
    assert not [w for w in again.warnings if "translation" in str(w)]


def test_an_odk_xlsform_is_written_as_the_reader_decided(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::Русский (ru)", "relevant", "calculation"],
        ["select one from yn", "alone", "Alone?", "Одни?", "", ""],
        ["begin repeat", "others", "Other person", "", "${alone} = ‘no’", ""],
        ["text", "other_name", "Name", "Имя", "", ""],
        ["note", "", "Thank you, ${other_name}", "", "", ""],
        ["end repeat", "", "", "", "", ""],
        ["begin loop over yn", "each", "Each", "", "", ""],
        ["integer", "n", "%(label)s: how many?", "", "", ""],
        ["end loop", "", "", "", "", ""],
        ["calculate", "others_count", "", "", "", "count(${others})"],
    ]
    choices = [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes"], ["yn", "no", ""]]
    settings = [["form_id", "version", "default_language"], ["ODK.Case_2", "7", "English (en)"]]
    form = load_form(write_form(tmp_path, survey, choices, settings))
    again = reloaded(form, tmp_path)
    assert again == form
    assert again.form_id == "odk-case-2"
    assert again.question("alone").label.get("ru") == "Одни?"
    assert again.question("others").relevant is not None
    assert again.choice_list("yn").choice("no").label.get("ru") == "no"  # shown by its name


def test_computed_and_triggered_answers_round_trip(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation", "trigger"],
        ["integer", "n", "N", "", ""],
        ["integer", "double", "Double", "${n} * 2", ""],
        ["text", "stamp", "Stamp", "concat('n=', ${n})", "${n}"],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert form.question("double").computed and form.question("stamp").trigger == ("n",)
    assert reloaded(form, tmp_path) == form


def test_the_repeat_fixture_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(repeats.TEXT, encoding="utf-8")
    form = load_form(path)
    assert reloaded(form, tmp_path) == form
