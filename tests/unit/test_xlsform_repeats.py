"""Repeats as ODK reads them (issue 17, item 5): `begin repeat`/`end repeat`, `repeat_count`,
`position(..)`, `indexed-repeat()`, `count()`, `sum()`, `begin loop over`; in the model, the
flow and the stored answer. One small XLSForm each, written with openpyxl at test time."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from idtool.questionnaire import answers
from idtool.questionnaire.answers import AnswerError
from idtool.questionnaire.entries import MAX_ENTRIES
from idtool.questionnaire.flow import Flow, default_answers
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind, Sensitivity
from idtool.questionnaire.problems import FormError
from tests.support.xlsforms import write_form

TODAY = dt.date(2024, 6, 1)
HEAD = ["type", "name", "label", "relevant", "calculation", "required", "repeat_count"]

# People travelling with the person: each with a name, an age and, for a child, whether a
# parent travels too; outside, how many there are, their ages summed, the second one's name.
PEOPLE = [
    HEAD,
    ["begin group", "trip", "The journey", "", "", "", ""],
    ["integer", "expected", "How many travelled with you?", "", "", "", ""],
    ["begin repeat", "people", "Person", "", "", "", ""],
    ["text", "who", "Name", "", "", "yes", ""],
    ["integer", "age", "Age", "", "", "", ""],
    ["select_one yn", "parent", "Is a parent with ${who}?", "${age} < 18", "", "yes", ""],
    ["calculate", "place", "", "", "position(..)", "", ""],
    ["calculate", "tag", "", "", "concat(${place}, ':', ${who})", "", ""],
    ["end repeat", "", "", "", "", "", ""],
    ["calculate", "n_people", "", "", "count(${people})", "", ""],
    ["calculate", "ages", "", "", "sum(${age})", "", ""],
    ["calculate", "second", "", "", "indexed-repeat(${who}, ${people}, 2)", "", ""],
    ["calculate", "names", "", "", "join(', ', ${who})", "", ""],
    ["calculate", "oldest", "", "", "max(${age})", "", ""],
    ["note", "told", "${n_people} people, first ${who}", "", "", "", ""],
    ["end group", "", "", "", "", "", ""],
]
YN = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def people_form(tmp_path: Path) -> Form:
    return load_form(write_form(tmp_path, PEOPLE, YN))


def test_a_repeat_loads_as_one_question_holding_its_own(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    repeat = form.question("people")
    assert repeat.kind is Kind.REPEAT
    assert [q.name for q in repeat.questions] == ["who", "age", "parent", "place", "tag"]
    assert form.owners()["age"] == "people" and "expected" not in form.owners()
    assert not [w for w in form.warnings if "people" in str(w)]
    assert default_answers(form) == {}


def test_each_entry_is_computed_from_its_own_answers(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    stored = {"people": [{"who": "Aibek", "age": 12}, {"who": "Dana", "age": 30}]}
    flow = Flow(form, stored, "en", TODAY)
    first, second = flow.entries("people")
    assert [flow.value("tag", e) for e in (first, second)] == ["1:Aibek", "2:Dana"]
    assert flow.is_relevant("parent", first) and not flow.is_relevant("parent", second)
    assert [q.name for q in flow.entry_questions(first)] == ["who", "age", "parent"]
    assert [q.name for q in flow.entry_questions(second)] == ["who", "age"]
    assert flow.text(form.question("parent").label, entry=first) == "Is a parent with Aibek?"
    assert flow.entry_title(second) == "Person: entry 2"
    # the page shows the repeat as one item
    assert [q.name for q in flow.questions("trip")] == ["expected", "people", "told"]


def test_outside_the_repeat_count_sum_indexed_repeat_join_max(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    stored = {"people": [{"who": "Aibek", "age": 12}, {"who": "Dana", "age": 30}, {"who": "Ermek"}]}
    flow = Flow(form, stored, "en", TODAY)
    values = flow.calculations()
    assert values["n_people"] == 3.0
    assert math.isnan(values["ages"])  # the third age is empty: NaN, as XPath's sum()
    assert values["second"] == "Dana"
    assert values["names"] == "Aibek, Dana, Ermek"
    assert math.isnan(values["oldest"])
    assert flow.text(form.question("told").label) == "3 people, first Aibek"
    stored["people"][2]["age"] = 40
    values = Flow(form, stored, "en", TODAY).calculations()
    assert values["ages"] == 82.0 and values["oldest"] == 40.0
    empty = Flow(form, {}, "en", TODAY).calculations()
    assert empty["n_people"] == 0.0 and empty["ages"] == 0.0 and empty["second"] == ""


def test_checks_and_progress_reach_into_every_entry(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    stored = {"people": [{"who": "Aibek", "age": 12}, {"age": 30}]}
    flow = Flow(form, stored, "en", TODAY)
    issues = [(i.question, i.repeat, i.entry) for i in flow.validate_section("trip")]
    assert issues == [("parent", "people", 0), ("who", "people", 1)]
    assert flow.progress() == (1, 3)  # who x2 and the child's parent question
    stored["people"][0]["parent"] = "yes"
    stored["people"][1]["who"] = "Dana"
    flow = Flow(form, stored, "en", TODAY)
    assert flow.validate() == [] and flow.progress() == (3, 3)


def test_effective_answers_keep_each_entry_and_leave_out_what_is_not_asked(
    tmp_path: Path,
) -> None:
    form = people_form(tmp_path)
    stored = {
        "expected": 2,
        "people": [
            {"who": "Aibek", "age": 12, "parent": "no"},
            {"who": "Dana", "age": 30, "parent": "yes"},
        ],
    }
    effective = Flow(form, stored, "en", TODAY).effective_answers()
    assert effective == {
        "expected": 2,
        "people": [{"who": "Aibek", "age": 12, "parent": "no"}, {"who": "Dana", "age": 30}],
    }
    assert "people" not in Flow(form, {"people": [{}, {}]}, "en", TODAY).effective_answers()


def test_repeat_count_fixes_the_entries(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "repeat_count"],
        ["integer", "children", "How many children travel with you?", ""],
        ["begin repeat", "child", "Child", "${children}"],
        ["text", "child_name", "Name", ""],
        ["end repeat", "", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {"children": 3, "child": [{"child_name": "A"}]}, "en", TODAY)
    entries = flow.entries("child")
    assert len(entries) == 3 and flow.is_fixed(form.question("child"))
    assert (
        flow.answer("child_name", entries[0]) == "A"
        and flow.answer("child_name", entries[2]) is None
    )
    assert len(Flow(form, {"children": 1, "child": [{}, {}]}, "en", TODAY).entries("child")) == 1
    assert Flow(form, {"children": -4}, "en", TODAY).entries("child") == []
    assert len(Flow(form, {"children": 10**6}, "en", TODAY).entries("child")) == MAX_ENTRIES


def test_a_loop_over_a_list_has_one_entry_per_choice(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["begin loop over countries", "transit", "Countries", ""],
        ["integer", "days", "Days spent in %(label)s", ""],
        ["end loop", "", "", ""],
        ["calculate", "total_days", "", "sum(${days})"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["countries", "kz", "Kazakhstan"],
        ["countries", "ru", "Russia"],
    ]
    path = write_form(tmp_path, survey, choices)
    form = load_form(path)
    loop = form.question("transit")
    assert loop.kind is Kind.REPEAT and loop.list_name == "countries"
    flow = Flow(form, {"transit": [{"days": 3}, {"days": 40}]}, "en", TODAY)
    first, second = flow.entries("transit")
    assert flow.is_fixed(loop)
    assert [flow.entry_title(e) for e in (first, second)] == ["Kazakhstan", "Russia"]
    assert flow.text(form.question("days").label, entry=second) == "Days spent in Russia"
    assert flow.calculations()["total_days"] == 43.0


def test_indicators_and_flags_come_from_every_entry(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "indicators"],
        ["begin repeat", "jobs", "Job", ""],
        [
            "select_one yn",
            "kept_papers",
            "Did they keep your papers?",
            "yes: cd.documents_confiscated",
        ],
        ["end repeat", "", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey, YN))
    assert Flow(form, {"jobs": [{"kept_papers": "no"}]}, "en", TODAY).indicators() == frozenset()
    found = Flow(
        form, {"jobs": [{"kept_papers": "no"}, {"kept_papers": "yes"}]}, "en", TODAY
    ).indicators()
    assert found == {"cd.documents_confiscated"}


def test_stored_answer_of_a_repeat_is_a_list_of_checked_entries(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    stored = answers.check(form, "people", [{"who": " Aibek ", "age": "12"}, {}], "en")
    assert stored == [{"who": "Aibek", "age": 12}, {}]
    assert answers.check(form, "people", [], "en") is None
    with pytest.raises(AnswerError, match="Entry 2 of “Person”: Question “Age”: Enter a whole"):
        answers.check(form, "people", [{"age": 1}, {"age": "twelve"}], "en")
    with pytest.raises(AnswerError, match="does not ask"):
        answers.check(form, "people", [{"expected": 1}], "en")
    with pytest.raises(AnswerError, match="does not ask"):
        answers.check(form, "people", [{"tag": "x"}], "en")  # a calculation is not answered
    with pytest.raises(AnswerError, match="list of entries"):
        answers.check(form, "people", "Aibek", "en")
    with pytest.raises(AnswerError, match=f"At most {MAX_ENTRIES}"):
        answers.check(form, "people", [{}] * (MAX_ENTRIES + 1), "en")
    with pytest.raises(AnswerError, match="asked in each entry of “people”"):
        answers.check(form, "age", 12, "en")


def test_malformed_stored_entries_count_as_empty(tmp_path: Path) -> None:
    form = people_form(tmp_path)
    assert Flow(form, {"people": "not a list"}, "en", TODAY).entries("people") == []
    flow = Flow(form, {"people": [7, {"who": "Dana"}]}, "en", TODAY)
    assert [flow.answer("who", e) for e in flow.entries("people")] == [None, "Dana"]


def test_the_sensitivity_of_a_repeat_is_its_most_sensitive_question(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "sensitivity"],
        ["begin repeat", "contacts", "Contact", "ordinary"],  # declared too low: raised
        ["text", "contact_name", "Name", "identifying"],
        ["integer", "contact_age", "Age", ""],
        ["end repeat", "", "", ""],
        ["begin repeat", "stops", "Stop", ""],
        ["integer", "nights", "Nights", ""],
        ["end repeat", "", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    assert form.question("contacts").sensitivity is Sensitivity.IDENTIFYING
    assert form.question("stops").sensitivity is Sensitivity.ORDINARY


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                ["begin repeat", "a", "A"],
                ["begin repeat", "b", "B"],
                ["text", "c", "C"],
                ["end repeat", "", ""],
                ["end repeat", "", ""],
            ],
            "A repeat inside a repeat is not supported",
        ),
        ([["begin repeat", "a", "A"], ["text", "c", "C"]], "begin repeat without a matching end"),
        ([["text", "c", "C"], ["end repeat", "", ""]], "end repeat without a matching begin"),
        (
            [["begin repeat", "a", "A"], ["text", "c", "C"], ["end group", "", ""]],
            "end group without a matching begin group",
        ),
    ],
)
def test_broken_repeats_are_located_errors(
    tmp_path: Path, rows: list[list[object]], message: str
) -> None:
    with pytest.raises(FormError) as raised:
        load_form(write_form(tmp_path, [["type", "name", "label"], *rows]))
    assert message in str(raised.value)


def test_a_question_in_a_repeat_cannot_fill_the_person_record(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "bind"],
        ["begin repeat", "others", "Other person", ""],
        ["text", "other_name", "Name", "person.full_name"],
        ["end repeat", "", "", ""],
    ]
    with pytest.raises(FormError, match="cannot fill the person record"):
        load_form(write_form(tmp_path, survey))


def test_a_dependency_cycle_through_a_repeat_is_found(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant", "calculation"],
        ["calculate", "n", "", "", "count(${who})"],
        ["begin repeat", "people", "Person", "${n} < 3", ""],
        ["text", "who", "Name", "", ""],
        ["end repeat", "", "", "", ""],
    ]
    with pytest.raises(FormError, match="Dependency cycle"):
        load_form(write_form(tmp_path, survey))


def test_a_yaml_form_may_hold_a_repeat(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(
        """
form_id: yaml-repeat
version: "1"
kind: screening
default_language: en
languages: [en]
title: {en: Repeat}
sections:
  - name: main
    label: {en: Main}
    questions:
      - name: stops
        type: repeat
        label: {en: Stop}
        questions:
          - {name: town, type: text, label: {en: Town}}
      - name: stop_count
        type: calculate
        calculation: count(${stops})
""",
        encoding="utf-8",
    )
    form = load_form(path)
    flow = Flow(form, {"stops": [{"town": "Osh"}, {"town": "Almaty"}]}, "en", TODAY)
    assert flow.calculations()["stop_count"] == 2.0
    assert [flow.answer("town", e) for e in flow.entries("stops")] == ["Osh", "Almaty"]


def test_a_loop_over_a_list_the_form_lacks_is_an_error(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["begin loop over nowhere", "transit", "Countries"],
        ["integer", "days", "Days"],
        ["end loop", "", ""],
    ]
    with pytest.raises(FormError, match="Choice list nowhere does not exist"):
        load_form(write_form(tmp_path, survey))


def test_a_loop_with_a_repeat_count_is_an_error(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "repeat_count"],
        ["begin loop over yn", "each", "Each", "2"],
        ["integer", "days", "Days", ""],
        ["end loop", "", "", ""],
    ]
    with pytest.raises(FormError, match="repeat_count is not used"):
        load_form(write_form(tmp_path, survey, YN))


def test_an_answer_worked_out_inside_a_repeat_is_worked_out_in_each_entry(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["begin repeat", "people", "Person", ""],
        ["integer", "age", "Age", ""],
        ["integer", "born", "Born", "2026 - ${age}"],
        ["end repeat", "", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {"people": [{"age": 10, "born": 1900}, {"age": 40}]}, "en", TODAY)
    assert [flow.answer("born", e) for e in flow.entries("people")] == [2016, 1986]
    assert flow.effective_answers()["people"] == [
        {"age": 10, "born": 2016},
        {"age": 40, "born": 1986},
    ]
    assert flow.computed() == frozenset()  # nothing worked out outside the repeat
    with pytest.raises(AnswerError, match="does not ask"):
        answers.check(form, "people", [{"born": 1990}], "en")


def test_inside_an_entry_count_and_sum_see_every_entry(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant", "calculation"],
        ["begin repeat", "people", "Person", "", ""],
        ["integer", "age", "Age", "", ""],
        ["calculate", "of_total", "", "", "concat(position(..), ' of ', count(${people}))"],
        ["calculate", "ages_total", "", "", "sum(${age})"],
        ["text", "others", "Who else?", "count(${people}) > 1", ""],
        ["end repeat", "", "", "", ""],
    ]
    form = load_form(write_form(tmp_path, survey))
    flow = Flow(form, {"people": [{"age": 10}, {"age": 20}, {"age": 30}]}, "en", TODAY)
    entries = flow.entries("people")
    assert [flow.value("of_total", e) for e in entries] == ["1 of 3", "2 of 3", "3 of 3"]
    assert [flow.value("ages_total", e) for e in entries] == [60.0, 60.0, 60.0]
    assert all(flow.is_relevant("others", e) for e in entries)  # the first entry too


def test_triggers_across_or_inside_a_repeat_are_named_as_not_firing(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation", "trigger"],
        ["begin repeat", "people", "Person", "", ""],
        ["integer", "age", "Age", "", ""],
        ["text", "note_in", "Note", "concat('age ', ${age})", "${age}"],
        ["end repeat", "", "", "", ""],
        ["text", "note_out", "Note", "'someone answered'", "${age}"],
    ]
    form = load_form(write_form(tmp_path, survey))
    shown = "\n".join(w.message for w in form.warnings)
    assert "A trigger inside a repeat is not supported" in shown
    assert "${age} is asked in each entry of a repeat: it cannot trigger" in shown
