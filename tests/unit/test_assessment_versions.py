"""Rules versions side by side, the rules format of version 2, and the questions that would
establish a missing element.

- Version 1 stays reproducible: results stored by the code before version 2 existed
  (tests/fixtures/assessment/v1-results.json) come out the same field by field.
- The `ways` format of the rules file is checked when read, naming the place.
- `missing_questions` lists the questions of a form that could establish a missing element.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from idtool.assessment import (
    VERSION_1,
    VERSION_2,
    RulesError,
    assess,
    dimension_label,
    missing_questions,
    parse_rules,
    recommendation_label,
    rules_for,
    rules_path,
)
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form

FIXTURE = Path(__file__).parent.parent / "fixtures" / "assessment" / "v1-results.json"


# --- version 1 stays reproducible -----------------------------------------------------------


def stored_v1() -> list[dict[str, Any]]:
    with FIXTURE.open(encoding="utf-8") as f:
        records: list[dict[str, Any]] = json.load(f)
    return records


def test_the_stored_results_cover_every_outcome() -> None:
    records = stored_v1()
    assert len(records) == 192
    assert {r["recommendation"] for r in records} == {
        "presumed_victim",
        "possible_victim",
        "no_indication",
    }
    assert {r["rules_version"] for r in records} == {VERSION_1}
    assert any(r["child"] for r in records) and any(r["exploitation"] == "sexual" for r in records)


@pytest.mark.parametrize("record", stored_v1(), ids=lambda r: ",".join(r["indicators"]) or "-")
def test_a_stored_version_1_result_is_reproduced_exactly(record: dict[str, Any]) -> None:
    again = assess(
        record["indicators"],
        child=record["child"],
        exploitation=record["exploitation"],
        rules_version=record["rules_version"],
    )
    redone = json.loads(json.dumps(again.to_dict()))
    assert {key: redone[key] for key in record} == record
    for lang in ("ky", "ru", "en"):
        text = again.explain(lang)
        assert VERSION_1 in text
        assert recommendation_label(record["recommendation"], lang) in text


def test_version_1_is_explained_in_its_own_words() -> None:
    ids = ["dr.nature_of_job", "dr.wages", "ec.excessive_hours", "ec.low_or_no_salary"]
    v1 = assess(ids, rules_version=VERSION_1).explain("en")
    v2 = assess(ids).explain("en")
    assert dimension_label("dr", "en", rules_version=VERSION_1) == "Deceptive recruitment"
    assert "Deceptive recruitment: established (2 signs" in v1
    assert "Deception during recruitment: established (2 signs" in v2
    assert "[dr.wages]" in v1 and "[dr.wages]" not in v2


def test_rules_versions_are_found_by_their_version() -> None:
    assert rules_for(VERSION_1).version == VERSION_1
    assert rules_for(VERSION_2).version == VERSION_2
    assert rules_for(None) is rules_for(VERSION_2)
    assert rules_path(VERSION_1).name == "ilo-ec-2009-1.yaml"
    for bad in ("ilo-ec-2009/3", "../rules/ilo-ec-2009/1", "ILO/1", "", "a/b/1"):
        with pytest.raises(RulesError):
            rules_for(bad)


# --- the ways format is checked when read ---------------------------------------------------


def v2_data() -> dict[str, Any]:
    with rules_path(VERSION_2).open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def _change(path: str, value: object) -> dict[str, Any]:
    data = copy.deepcopy(v2_data())
    *parents, last = path.split("/")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is KeyError:
        del node[int(last) if isinstance(node, list) else last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


MEANS = "elements/means/ways"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (f"{MEANS}/0/all", [], "non-empty list of tests"),
        (f"{MEANS}/0/all", [{"positive": ["zz"]}], "unknown zz"),
        (f"{MEANS}/0/all", [{"signs_in": ["dr"], "weights": ["X"]}], "a list of S, M, W"),
        (f"{MEANS}/0/all", [{"positive": ["dr"], "weights": ["S"]}], "only for signs_in"),
        (f"{MEANS}/0/all", [{"set": "nothing"}], "unknown nothing"),
        (f"{MEANS}/0/all", [{"set": "force", "min": 0}], "whole number >= 1"),
        (f"{MEANS}/0/all", [{"set": "force", "positive": ["dr"]}], "exactly one of"),
        (f"{MEANS}/0/all", [{"elements": ["act"]}], "cannot depend on elements"),
        (f"{MEANS}/0/all", [{"recorded": "means"}], "unknown means"),
        (f"{MEANS}/0/all", [{"any_id": 1}], "any_id: true"),
        (f"{MEANS}/0/label", KeyError, "means.ways[0].label: expected a mapping"),
        (f"{MEANS}/1/id", "dimension_established", "is used twice"),
        ("elements/means/any_indicator_in", ["dr"], "either ways or the short form"),
        ("elements/purpose/ways/adult", KeyError, "one for each of adult, child"),
        ("id_sets/force/ids", ["cr.violence", "act.transport"], "unknown indicators act.transport"),
        ("explanation/question/en", "- {question}", "uses fields question; expected label"),
        ("explanation/stated", KeyError, "missing template 'stated'"),
        ("recommendations/possible_victim/any_of/4/all", [{"elements": "most"}], "unknown most"),
    ],
)
def test_invalid_ways_are_reported(path: str, value: object, message: str) -> None:
    with pytest.raises(RulesError, match=re.escape(message)):
        parse_rules(_change(path, value))


def test_a_changed_way_changes_the_result() -> None:
    data = _change(f"{MEANS}/2/all", [{"signs_in": ["dr", "cr", "cd"], "min": 3}])
    data["version"] = "test/3"
    rules = parse_rules(data)
    ids = ["dr.wages", "cd.threats"]
    assert assess(ids).elements["means"]
    assert not assess(ids, rules=rules).elements["means"]
    assert assess(ids, rules=rules).rules_version == "test/3"
    with pytest.raises(ValueError, match="rules_version"):
        assess(ids, rules=rules, rules_version=VERSION_2)


def test_the_short_form_needs_its_templates() -> None:
    data = _change("elements/act/ways", KeyError)
    data["elements"]["act"]["any_indicator_in"] = ["dr"]
    with pytest.raises(RulesError, match="missing template 'reason_recorded'"):
        parse_rules(data)


# --- which questions would establish a missing element ---------------------------------------

FORM = """
form_id: test-guidance
version: "1"
kind: identification
default_language: en
languages: [ky, ru, en]
title: {ky: "Сынак", ru: "Тест", en: "Test"}
sections:
  - name: story
    label: {ky: "Окуя", ru: "История", en: "Story"}
    questions:
      - name: recruited
        type: select_one yes_no
        label: {ky: "Тартышканбы?", ru: "Вербовали?", en: "Were you recruited?"}
        indicators: {"yes": [act.recruitment]}
      - name: violence
        type: select_one yes_no
        label: {ky: "Зомбулук болгонбу?", ru: "Было насилие?", en: "Was violence used?"}
        indicators: {"yes": [cd.violence]}
      - name: deceived
        type: select_multiple deception
        label: {ky: "Эмне жөнүндө алдашты?", ru: "О чём обманули?", en: "Deceived about?"}
        indicators: {job: [dr.nature_of_job], wages: [dr.wages]}
      - name: passport
        type: select_one yes_no
        label: {ky: "Паспортту алышканбы?", ru: "Забрали паспорт?", en: "Passport taken?"}
        indicators: {"yes": [cd.documents_confiscated]}
      - name: situation
        type: select_one yes_no
        label: {ky: "Акча керек беле?", ru: "Нужны были деньги?", en: "Did you need money?"}
        indicators: {"yes": [rv.economic]}
      - name: dependent
        type: select_one yes_no
        label: {ky: "Көз каранды белеңиз?", ru: "Были зависимы?", en: "Were you dependent?"}
        indicators: {"yes": [vd.dependency]}
      - name: hours
        type: select_one yes_no
        label: {ky: "12 сааттан ашык?", ru: "Больше 12 часов?", en: "Over 12 hours?"}
        indicators: {"yes": [ec.excessive_hours]}
      - name: pay
        type: select_one yes_no
        label: {ky: "Аз төлөштүбү?", ru: "Платили мало?", en: "Paid little?"}
        indicators: {"yes": [ec.low_or_no_salary]}
      - name: kind
        type: select_multiple kinds
        label: {ky: "Эксплуатациянын түрү", ru: "Вид эксплуатации", en: "Kind of exploitation"}
        indicators: {labour: [purpose.forced_labour]}
choices:
  yes_no:
    - {name: "yes", label: {ky: "Ооба", ru: "Да", en: "Yes"}}
    - {name: "no", label: {ky: "Жок", ru: "Нет", en: "No"}}
  deception:
    - {name: job, label: {ky: "Жумуш", ru: "Работа", en: "Job"}}
    - {name: wages, label: {ky: "Акы", ru: "Оплата", en: "Wages"}}
  kinds:
    - {name: labour, label: {ky: "Эмгек", ru: "Труд", en: "Labour"}}
"""


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Form:
    path = tmp_path_factory.mktemp("forms") / "guidance.yaml"
    path.write_text(FORM, encoding="utf-8")
    return load_form(path)


def test_questions_one_answer_to_which_establishes_means(form: Form) -> None:
    result = assess([])
    # force alone establishes means; deception, documents and dependency count towards it
    assert missing_questions(form, "means", result, "en") == [
        "Was violence used?",
        "Deceived about?",
        "Passport taken?",
        "Were you dependent?",
    ]
    with_strong = assess(["dr.nature_of_job"])
    assert missing_questions(form, "means", with_strong, "en") == [
        "Was violence used?",
        "Deceived about?",  # the other choice (wages): a second sign of deception
        "Passport taken?",
        "Were you dependent?",  # a strong sign and someone used the situation
    ]


def test_the_persons_own_situation_is_never_offered_as_a_way_to_means(form: Form) -> None:
    for ids in ([], ["rv.economic"], ["vd.dependency"]):
        assert "Did you need money?" not in missing_questions(form, "means", assess(ids), "en")


def test_questions_that_establish_purpose_together(form: Form) -> None:
    result = assess(["act.recruitment"])
    assert missing_questions(form, "purpose", result, "ru") == [
        "Было насилие?",
        "О чём обманули?",
        "Забрали паспорт?",
        "Больше 12 часов?",
        "Платили мало?",
        "Вид эксплуатации",
    ]
    stated = assess(["act.recruitment", "purpose.forced_labour"])
    assert missing_questions(form, "purpose", stated, "en")[:4] == [
        "Was violence used?",
        "Passport taken?",
        "Over 12 hours?",
        "Paid little?",
    ]


def test_no_questions_for_an_established_element_and_child_rules(form: Form) -> None:
    assert missing_questions(form, "act", assess(["act.recruitment"]), "en") == []
    child = assess(["purpose.forced_begging"], child=True)
    assert missing_questions(form, "act", child, "en") == [
        "Were you recruited?",
        "Was violence used?",
        "Deceived about?",
        "Passport taken?",
    ]
    with pytest.raises(KeyError):
        missing_questions(form, "motive", child, "en")


def test_the_explanation_lists_the_questions(form: Form) -> None:
    result = assess(["act.recruitment", "ec.excessive_hours", "ec.low_or_no_salary"])
    text = result.explain("en", form=form)
    assert "  One answer to any of these questions would establish it:" in text
    assert "    · Was violence used?" in text
    means = text[text.index("Means") : text.index("Purpose")]
    assert "Was violence used?" in means and "Did you need money?" not in means
    assert "Answers to these questions could establish it together:" in means
    assert "Over 12 hours?" not in text.split("Elements of")[1]  # already recorded
    assert result.explain("en") != text  # without the form: no questions
    ky = result.explain("ky", form=form)
    assert "Бул суроолордун бирине берилген бир жооп аны аныктай алат:" in ky
    assert "Зомбулук болгонбу?" in ky
