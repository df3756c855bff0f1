"""Loading questionnaires from YAML and XLSForm: equal models, located errors, no tracebacks."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool.paths import questionnaires_dir
from idtool.questionnaire.check_report import check_file
from idtool.questionnaire.expr import parse
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.indicator_ids import CONTRACT_IDS, known_indicator_ids
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import FormKind, Kind, Sensitivity
from idtool.questionnaire.problems import FormError, Problem
from idtool.questionnaire.registry import (
    FormNotFound,
    archived_versions,
    available_forms,
    load_shipped,
)

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
BROKEN = FORMS / "broken"
Q2 = "sections[0].questions[1] (line 15)"


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FormError) as info:
        load_form(path)
    return [p for p in info.value.problems if not p.warning]


# ------------------------------------------------------------------ good forms


def test_yaml_and_xlsx_give_equal_models() -> None:
    from_yaml = load_form(FORMS / "small.yaml")
    from_xlsx = load_form(FORMS / "small.xlsx")
    assert from_yaml == from_xlsx
    assert from_yaml.warnings == () and from_xlsx.warnings == ()


def test_small_form_model() -> None:
    form = load_form(FORMS / "small.yaml")
    assert (form.form_id, form.version, form.kind) == ("test-small", "2", FormKind.SCREENING)
    assert form.languages == ("ky", "ru", "en")
    assert form.title["ky"] == "Кыскача текшерүү"
    assert [s.name for s in form.sections] == ["person", "work"]
    consent = form.question("consent")
    assert consent.kind is Kind.SELECT_ONE and consent.list_name == "yes_no"
    assert consent.required == parse("true()")
    assert form.question("work_type").required == parse("true()")  # `yes` in YAML
    assert form.choice_list("yes_no").names() == ("yes", "no")  # strings, not booleans
    age = form.question("age_at_exploitation")
    assert age.sensitivity is Sensitivity.IDENTIFYING
    assert age.constraint == parse(". >= 0 and . <= 120")
    assert age.constraint_message.get("en") == "From 0 to 120"
    assert form.question("documents").kind is Kind.GROUP
    assert [q.name for q in form.question("documents").questions] == ["passport_taken", "taken_on"]
    assert form.question("passport_taken").indicators_for("yes") == ("cd.documents_confiscated",)
    assert form.question("is_child").indicators_for("true") == ("rv.personal_situation",)
    assert form.question("detained").flags_for("yes") == ("np.detained",)
    assert form.question("detained").indicators == ()
    assert form.flag_ids() == {"np.detained"} and not form.flag_ids() & form.indicator_ids()
    assert form.question("country").default == "kg"
    assert form.choice_list("cities").choice("osh").columns() == {"country": "kg", "name": "osh"}
    assert form.assessment.child == parse("${age_at_exploitation} < 18")
    assert form.indicator_ids() == {
        "cd.documents_confiscated",
        "rv.personal_situation",
        "purpose.sexual_exploitation",
        "purpose.forced_labour",
    }


def test_real_world_xlsform_loads_with_warnings_and_runs() -> None:
    form = load_form(FORMS / "realworld.xlsx")
    assert form.form_id == "ngo-interview" and form.version == "2024011501"
    assert form.languages == ("ru", "ky") and form.default_language == "ru"
    assert form.title.get("ky") == "Опрос НПО"
    assert [s.name for s in form.sections] == ["_section1", "consent_page", "about", "_section4"]
    assert form.sections[0].label == form.title  # an implicit page takes the form's title
    assert form.question("consent").hint["ky"] == "Макулдук текстин окуңуз"
    assert form.choice_list("yn").names() == ("1", "0")
    warned = " ".join(str(w) for w in form.warnings)
    for name in ("appearance", "instance_name", "geopoint", "start", "kind"):
        assert name in warned
    assert "relatives" not in warned  # the repeat of relatives is read (issue 17)
    assert form.question("relatives").kind is Kind.REPEAT
    assert [q.name for q in form.question("relatives").questions] == ["relative_name"]
    assert all(w.warning and w.location for w in form.warnings)
    for missing in ("location", "start", "end"):
        with pytest.raises(KeyError):
            form.question(missing)

    flow = Flow(form, {"interviewer": "A", "consent": "0"}, "ru")
    assert [s.name for s in flow.sections()] == ["_section1", "consent_page", "_section4"]
    flow = Flow(form, {"interviewer": "A", "consent": "1", "age": 130}, "ky")
    assert flow.next_section("consent_page") == "about"
    assert [q.name for q in flow.questions("about")] == ["age", "problems", "relatives"]
    assert {i.question: i.message for i in flow.validate_section("about")} == {
        "age": "Жашы 1ден 119га чейин"
    }
    flow = Flow(form, {"consent": "1", "age": 30, "problems": ["other"]}, "ru")
    assert [i.question for i in flow.validate()] == ["interviewer", "problems_other"]
    assert flow.progress() == (2, 4)


# ------------------------------------------------------------------ broken forms

BROKEN_CASES = [
    ("unknown_type.yaml", Q2, "q2", "type", "Unknown question type txt"),
    ("duplicate_name.yaml", Q2, "q1", "name", "more than once"),
    ("missing_choice_list.yaml", Q2, "q2", "type", "colours"),
    ("missing_translation.yaml", Q2, "q2", "label", "Missing translation: en"),
    ("missing_hint_translation.yaml", Q2, "q2", "hint", "Missing translation: ru"),
    ("missing_choice_translation.yaml", "choices.yes_no[1]", "no", "label", "en"),
    ("missing_title_translation.yaml", "line 2", "", "title", "Missing translation: en"),
    ("unknown_indicator.yaml", Q2, "q2", "indicators", "cd.no_such_indicator"),
    ("unknown_choice_in_indicators.yaml", Q2, "q2", "indicators", "perhaps"),
    ("unknown_flag.yaml", Q2, "q2", "flags", "Unknown flag cd.isolation"),
    ("flag_as_indicator.yaml", Q2, "q2", "indicators", "Unknown indicator id np.detained"),
    ("unknown_reference.yaml", Q2, "q2", "relevant", "${q9}"),
    ("bad_expression.yaml", Q2, "q2", "constraint", "at character 19"),
    ("calculation_cycle.yaml", Q2, "q2", "calculation", "q2 -> q3 -> q2"),
    ("bad_sensitivity.yaml", Q2, "q2", "sensitivity", "secret"),
    ("bad_default.yaml", Q2, "q2", "default", "maybe"),
    ("duplicate_key.yaml", "sections[0].questions[1] (line 18)", "q2", "type", "Duplicate"),
    ("bad_yaml.yaml", "line 4, column 3", "", "", "Invalid YAML"),
    ("not_a_mapping.yaml", "", "", "", "mapping"),
    ("not_utf8.yaml", "byte", "", "", "UTF-8"),
    ("unknown_type.xlsx", "survey, row 4", "q2", "type", "Unknown question type txt"),
    ("bad_expression.xlsx", "survey, row 3", "q2", "relevant", "at character 9"),
    ("unclosed_group.xlsx", "survey, row 2", "main", "type", "end group"),
    ("not_a_zip.xlsx", "", "", "", "Excel workbook"),
    ("truncated.xlsx", "", "", "", "Excel workbook"),
]


@pytest.mark.parametrize(("name", "location", "question", "column", "words"), BROKEN_CASES)
def test_broken_form_gives_a_located_error(
    name: str, location: str, question: str, column: str, words: str
) -> None:
    path = BROKEN / name
    problems = problems_of(path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.location.startswith(location)
    assert (problem.question, problem.column) == (question, column)
    assert words in problem.message
    assert str(problem).startswith(f"{path}: {location}")


def test_every_broken_fixture_is_covered() -> None:
    covered = {case[0] for case in BROKEN_CASES}
    assert {p.name for p in BROKEN.iterdir() if p.suffix in (".yaml", ".xlsx")} == covered


def test_all_problems_are_collected(tmp_path: Path) -> None:
    text = (BROKEN / "unknown_type.yaml").read_text(encoding="utf-8")
    text = text.replace("form_id: broken", "form_id: Broken Form").replace(
        "kind: screening", "kind: other"
    )
    text = text.replace('{ru: "Вопрос", en: "Question"}', '{ru: "Вопрос", de: "Frage"}')
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    messages = " | ".join(p.message for p in problems_of(path))
    for words in (
        "form_id",
        "other is not one of",
        "Language de",
        "Missing translation: en",
        "Unknown question type txt",
    ):
        assert words in messages


def test_unreadable_paths(tmp_path: Path) -> None:
    assert "Cannot read" in problems_of(tmp_path / "missing.yaml")[0].message
    assert "Cannot read" in problems_of(tmp_path / "missing.xlsx")[0].message
    (tmp_path / "form.json").write_text("{}", encoding="utf-8")
    assert "Unknown file type" in problems_of(tmp_path / "form.json")[0].message
    (tmp_path / "dir.yaml").mkdir()
    assert problems_of(tmp_path / "dir.yaml")


def test_unsupported_yaml_type_is_a_warning(tmp_path: Path) -> None:
    text = (BROKEN / "unknown_type.yaml").read_text(encoding="utf-8")
    text = text.replace("type: txt", "type: geopoint").replace(
        "questions:\n", "relevant: \"${q2} != ''\"\n    questions:\n", 1
    )
    text = text.replace("kind: screening", "kind: screening\ndescription: ignored")
    path = tmp_path / "geo.yaml"
    path.write_text(text, encoding="utf-8")
    form = load_form(path)
    assert [q.name for q in form.questions()] == ["q1"]
    warned = [(w.question, w.column, w.message) for w in form.warnings]
    assert any(q == "q2" and c == "type" and "geopoint" in m for q, c, m in warned)
    assert any(c == "relevant" and "${q2}" in m for _q, c, m in warned)
    assert any(c == "description" for _q, c, _m in warned)


def test_error_message_lists_every_error() -> None:
    with pytest.raises(FormError) as info:
        load_form(BROKEN / "calculation_cycle.yaml")
    assert "calculation_cycle.yaml: sections[0].questions[1]" in str(info.value)
    assert info.value.exit_code == 7


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".xlsx"]))
def test_random_bytes_never_give_a_traceback(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    with pytest.raises(FormError):
        load_form(path)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 4000), flip=st.integers(0, 255))
def test_damaged_fixtures_never_give_a_traceback(tmp_path: Path, cut: int, flip: int) -> None:
    for name in ("small.yaml", "small.xlsx"):
        data = bytearray((FORMS / name).read_bytes())
        position = cut % len(data)
        data[position] = flip
        path = tmp_path / f"damaged-{name}"
        path.write_bytes(bytes(data))
        with contextlib.suppress(FormError):
            load_form(path)


# ------------------------------------------------------------------ ids, registry, check


def test_indicator_ids_match_the_contract() -> None:
    assert len(CONTRACT_IDS) == 80
    assert known_indicator_ids() == CONTRACT_IDS  # the assessment's rules list the same ids


def _ship(directory: Path, version: str, archive: bool = False) -> Path:
    text = (FORMS / "small.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2"', f'version: "{version}"')
    target = directory / "archive" / "test-small" if archive else directory
    target.mkdir(parents=True, exist_ok=True)
    path = target / (f"{version}.yaml" if archive else "small.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def test_registry(tmp_path: Path) -> None:
    _ship(tmp_path, "3")
    _ship(tmp_path, "1", archive=True)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ilo.yaml").write_text("not: a form", encoding="utf-8")
    shipped = available_forms(tmp_path)
    assert [(s.form_id, s.version) for s in shipped] == [("test-small", "3")]
    assert archived_versions("test-small", tmp_path) == ["1"]
    assert load_shipped("test-small", directory=tmp_path).version == "3"
    assert load_shipped("test-small", "3", directory=tmp_path).version == "3"
    assert load_shipped("test-small", "1", directory=tmp_path).version == "1"
    for form_id, version in (
        ("test-small", "9"),
        ("other", None),
        ("../x", "1"),
        ("test-small", "../../small"),
    ):
        with pytest.raises(FormNotFound):
            load_shipped(form_id, version, directory=tmp_path)


def test_shipped_questionnaires_load() -> None:
    for shipped in available_forms():
        assert shipped.path.parent == questionnaires_dir()
        assert not [w for w in shipped.form.warnings if "Unknown key" in w.message]


def test_check_file() -> None:
    ok, text = check_file(FORMS / "small.yaml")
    assert ok
    assert "test-small" in text and "Sections: 2" in text and "Indicators covered: 4" in text
    ok, text = check_file(BROKEN / "unknown_reference.yaml")
    assert not ok
    assert f"{BROKEN / 'unknown_reference.yaml'}: {Q2}: question q2: column relevant" in text


def test_core_never_imports_qt() -> None:
    code = (
        "import sys, idtool.questionnaire.flow, idtool.questionnaire.check_report, "
        "idtool.questionnaire.registry; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'ui'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_assessment_expressions_are_checked(tmp_path: Path) -> None:
    text = (FORMS / "small.yaml").read_text(encoding="utf-8")
    text = text.replace('child: "${age_at_exploitation} < 18"', 'child: "${agee} < 18"')
    path = tmp_path / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.location, problem.column) == ("line 3", "child")
    assert "${agee}" in problem.message


# ------------------------------------------------------------------ hostile files (fuzzing)

HEAD = (
    "form_id: hostile\nversion: '1'\nkind: identification\ndefault_language: en\n"
    "languages: [en]\ntitle: {en: T}\n"
)


def _alias_bomb(fan: int, levels: int) -> str:
    """One group shared `fan` times at each of `levels` levels through YAML aliases."""
    lines = [HEAD + "x0: &g0 {name: q, type: text, label: {en: Q}}"]
    for i in range(1, levels + 1):
        shared = ", ".join([f"*g{i - 1}"] * fan)
        lines.append(
            f"x{i}: &g{i} {{name: g{i}, type: group, label: {{en: G}}, questions: [{shared}]}}"
        )
    lines.append(f"sections: [{{name: s, label: {{en: S}}, questions: [*g{levels}]}}]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    import time

    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(8, 6), encoding="utf-8")
    assert path.stat().st_size < 1000  # unfolds into 262,144 questions
    started = time.monotonic()
    problems = problems_of(path)
    assert time.monotonic() - started < 2
    assert len(problems) == 1 and "YAML alias" in problems[0].message
    assert problems[0].location == "line 1, column 1"


def test_yaml_recursive_alias_and_merge_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "self.yaml"
    path.write_text(
        HEAD + "x: &g {name: g, type: group, questions: [*g]}\n"
        "sections: [{name: s, questions: [*g]}]\n",
        encoding="utf-8",
    )
    (problem,) = problems_of(path)
    assert problem.location == "line 7, column 4" and "contains it" in problem.message
    path.write_text(HEAD + "sections:\n  - name: s\n    <<: {label: {en: S}}\n", "utf-8")
    (problem,) = problems_of(path)
    assert problem.location == "line 9, column 5" and "merge keys (<<)" in problem.message


def test_yaml_aliases_that_unfold_a_little_still_load(tmp_path: Path) -> None:
    text = (FORMS / "small.yaml").read_text(encoding="utf-8")
    assert "&" not in text
    text = text.replace("yes_no:\n", "yes_no: &yes_no\n", 1) + "  again: *yes_no\n"
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    form = load_form(path)
    assert form.choice_list("again").names() == form.choice_list("yes_no").names()


def test_yaml_with_too_many_questions_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idtool.questionnaire import yaml_reader

    monkeypatch.setattr(yaml_reader, "MAX_ITEMS", 30)
    path = tmp_path / "many.yaml"
    path.write_text(_alias_bomb(4, 2), encoding="utf-8")  # 1 + 1 + 4 + 16 items
    messages = [p.message for p in problems_of(path)]  # repeated names, but not too many
    assert messages and not any("more than 30" in m for m in messages)
    path.write_text(_alias_bomb(4, 3), encoding="utf-8")  # 1 + 1 + 4 + 16 + 64
    (problem,) = problems_of(path)
    assert "more than 30 questions" in problem.message and problem.column == "sections"


def _xlsx_with_sheet(tmp_path: Path, name: str, change) -> Path:  # type: ignore[no-untyped-def]
    import zipfile

    with zipfile.ZipFile(FORMS / "small.xlsx") as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = change(parts[sheet].decode("utf-8")).encode("utf-8")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def _without_dimension(sheet: str) -> str:
    import re

    return re.sub(r"<dimension [^>]*/>", "", sheet)


def test_xlsx_row_far_away_is_refused_without_filling_the_gap(tmp_path: Path) -> None:
    import resource
    import time

    far = (
        '<row r="1000000000000"><c r="A1000000000000" t="inlineStr"><is><t>note</t></is>'
        "</c></row></sheetData>"
    )
    path = _xlsx_with_sheet(
        tmp_path, "far.xlsx", lambda s: _without_dimension(s).replace("</sheetData>", far)
    )
    assert path.stat().st_size < 10_000
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    (problem,) = problems_of(path)
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory < 200_000  # KB
    assert problem.location == "survey, row 10001"
    assert "more than 10000 rows" in problem.message


def test_xlsx_too_many_columns_and_lying_dimension(tmp_path: Path) -> None:
    wide = '<row r="30"><c r="ZZ30" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = _xlsx_with_sheet(
        tmp_path, "wide.xlsx", lambda s: _without_dimension(s).replace("</sheetData>", wide)
    )
    (problem,) = problems_of(path)
    assert problem.location == "survey, row 30" and "more than 500 columns" in problem.message
    # A declared size of the whole sheet, and empty cells far to the right, are harmless.
    empty = '<row r="30"><c r="XFD30"/></row></sheetData>'
    path = _xlsx_with_sheet(
        tmp_path,
        "lying.xlsx",
        lambda s: (
            _without_dimension(s)
            .replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
            .replace("</sheetData>", empty)
        ),
    )
    assert load_form(path) == load_form(FORMS / "small.xlsx")


def test_xlsx_zip_bomb_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idtool.questionnaire import xlsx_workbook

    monkeypatch.setattr(xlsx_workbook, "MAX_UNPACKED_BYTES", 1024 * 1024)
    path = _xlsx_with_sheet(
        tmp_path, "bomb.xlsx", lambda s: s.replace("<sheetData>", "<sheetData>" + " " * 2**20)
    )
    assert path.stat().st_size < 20_000
    (problem,) = problems_of(path)
    assert "unpacks to more than 1 MB" in problem.message
    monkeypatch.setattr(xlsx_workbook, "MAX_FILE_BYTES", 1000)
    (problem,) = problems_of(FORMS / "small.xlsx")
    assert "too large" in problem.message
