"""The indicator assessment against its contract (../shared/assessment.md), rules version 1.

Version 1 stays reproducible for the assessments stored under it, so this module checks it
through `rules_version="ilo-ec-2009/1"` (the names below bind that version); version 2, the
current one, is checked by test_assessment_v2.py.

The weight table below is copied from the contract, not from the rules file, so the shipped
data is checked against the contract rather than against itself.
"""

from __future__ import annotations

import copy
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from idtool import assessment
from idtool.assessment import (
    DimensionResult,
    RulesError,
    known_indicator_ids,
    parse_rules,
)
from idtool.i18n import language

V1 = assessment.VERSION_1
dimension_label = partial(assessment.dimension_label, rules_version=V1)
element_label = partial(assessment.element_label, rules_version=V1)
indicator_label = partial(assessment.indicator_label, rules_version=V1)
recommendation_label = partial(assessment.recommendation_label, rules_version=V1)


def assess(
    indicators: Any, child: bool = False, exploitation: str = "labour", **more: Any
) -> assessment.AssessmentResult:
    """`assess` under version 1 (unless other rules are given)."""
    if "rules" not in more:
        more["rules_version"] = V1
    return assessment.assess(indicators, child, exploitation, **more)


def load_rules(path: Path | None = None) -> assessment.Rules:
    return assessment.load_rules(path) if path is not None else assessment.rules_for(V1)


def default_rules_path() -> Path:
    return assessment.rules_path(V1)


CONTRACT_TABLE = """
    dr.nature_of_job S S  dr.education W S  dr.wages M M  dr.conditions M M  dr.contract M M
    dr.housing M M  dr.legal_status M M  dr.travel M M  dr.family_reunification M M
    dr.marriage_adoption M M
    cr.violence S S  cr.threats M S  cr.abduction_sale M S  cr.debt_bondage M S
    cr.documents_confiscated M M  cr.isolation M M  cr.denunciation_threat M M
    cr.family_inform_threat M M  cr.violence_family M M  cr.money_withheld M M
    rv.family_situation_abuse M M  rv.illegal_status M M  rv.lack_of_education M M
    rv.lack_of_information M M  rv.exploiter_control M M  rv.economic M M
    rv.false_migration_info M M  rv.false_law_info M -  rv.family_situation M M
    rv.personal_situation M M  rv.emotional_dependency M M  rv.authorities_relationship M M
    rv.past_difficulties W M  rv.travel_difficulty W M  rv.cultural_beliefs W M
    rv.general_context W M
    ec.excessive_hours S S  ec.low_or_no_salary M M  ec.wage_manipulation M M
    ec.bad_living_conditions M M  ec.bad_working_conditions M M  ec.hazardous_work M M
    ec.labour_law_breach M M  ec.no_social_protection M -  ec.no_education W M
    cd.documents_confiscated S S  cd.debt_bondage S S  cd.isolation S S  cd.violence S S
    cd.threats M S  cd.forced_illicit M S  cd.forced_tasks_clients M S  cd.strong_influence M S
    cd.forced_against_peers M M  cd.forced_to_lie M M  cd.denunciation_threat M M
    cd.worse_conditions_threat M M  cd.violence_family M M  cd.wages_withheld M M
    cd.family_inform_threat W M
    vd.dependency M M  vd.unknown_area M M  vd.economic M M  vd.family_situation M M
    vd.authorities_relationship M M  vd.past_difficulties W M  vd.personal_characteristics W M
"""
_words = CONTRACT_TABLE.split()
WEIGHTS = {_words[i]: (_words[i + 1], _words[i + 2]) for i in range(0, len(_words), 3)}
ACT_IDS = [f"act.{x}" for x in ["recruitment", "transport", "transfer", "harbouring", "receipt"]]
PURPOSE_IDS = [
    "purpose.sexual_exploitation",
    "purpose.forced_labour",
    "purpose.forced_begging",
    "purpose.forced_criminality",
    "purpose.organ_removal",
    "purpose.forced_marriage",
    "purpose.armed_groups",
    "purpose.slavery_servitude",
]
DIMENSIONS = ["dr", "cr", "rv", "ec", "cd", "vd"]
LANGS = ["ky", "ru", "en"]
RANK = {"no_indication": 0, "possible_victim": 1, "presumed_victim": 2}
BUCKET = {"S": "strong", "M": "medium", "W": "weak"}


def pick(dim: str, weight: str, n: int, child: bool = False) -> list[str]:
    """n ids of `dim` with the given weight for the group (from the contract table)."""
    ids = sorted(i for i, w in WEIGHTS.items() if i.startswith(dim + ".") and w[child] == weight)
    assert len(ids) >= n, (dim, weight, n)
    return ids[:n]


def positive_dimension(dim: str) -> list[str]:
    return pick(dim, "M", 3)


# --- the ids and the weight table -------------------------------------------------------


def test_known_ids_are_the_contract_ids() -> None:
    assert len(WEIGHTS) == 67
    assert known_indicator_ids() == frozenset(WEIGHTS) | set(ACT_IDS) | set(PURPOSE_IDS)


@pytest.mark.parametrize("indicator_id", sorted(WEIGHTS))
@pytest.mark.parametrize("child", [False, True])
def test_each_indicator_has_the_contract_weight(indicator_id: str, child: bool) -> None:
    weight = WEIGHTS[indicator_id][child]
    result = assess([indicator_id], child=child)
    dim = result.dimensions[indicator_id[:2]]
    if weight == "-":
        assert result.ignored == [indicator_id]
        assert dim == DimensionResult(False, [], [], [])
    else:
        assert getattr(dim, BUCKET[weight]) == [indicator_id]
        assert dim.indicators == [indicator_id]
        assert result.ignored == []
    assert result.indicators == [indicator_id]


def test_adult_and_child_weights_differ() -> None:
    assert assess(["cr.threats"]).dimensions["cr"].medium == ["cr.threats"]
    assert assess(["cr.threats"], child=True).dimensions["cr"].strong == ["cr.threats"]
    assert assess(["dr.education"]).dimensions["dr"].weak == ["dr.education"]
    assert assess(["dr.education"], child=True).dimensions["dr"].strong == ["dr.education"]


@pytest.mark.parametrize("indicator_id", ["ec.no_social_protection", "rv.false_law_info"])
def test_not_applicable_for_children_is_accepted_and_ignored(indicator_id: str) -> None:
    child = assess([indicator_id], child=True)
    assert child.ignored == [indicator_id]
    assert child.indicators == [indicator_id]
    assert all(not d.indicators for d in child.dimensions.values())
    assert child.elements == {"act": False, "means": False, "purpose": False}
    assert child.recommendation == "no_indication"
    adult = assess([indicator_id])
    assert adult.ignored == []
    assert adult.dimensions[indicator_id[:2]].medium == [indicator_id]


def test_ignored_indicator_does_not_count_towards_a_threshold() -> None:
    ids = ["ec.no_social_protection", "ec.low_or_no_salary", "ec.hazardous_work"]
    assert assess(ids).dimensions["ec"].positive
    assert not assess(ids, child=True).dimensions["ec"].positive


def test_sexual_exploitation_column() -> None:
    labour = assess(["cd.forced_tasks_clients"], exploitation="labour")
    sexual = assess(["cd.forced_tasks_clients"], exploitation="sexual")
    assert labour.dimensions["cd"].medium == ["cd.forced_tasks_clients"]
    assert sexual.dimensions["cd"].strong == ["cd.forced_tasks_clients"]
    assert labour.recommendation == "no_indication"
    assert sexual.recommendation == "possible_victim"
    child = assess(["cd.forced_tasks_clients"], child=True, exploitation="sexual")
    assert child.dimensions["cd"].strong == ["cd.forced_tasks_clients"]
    pair = ["cd.forced_tasks_clients", "cd.forced_to_lie"]
    assert not assess(pair).dimensions["cd"].positive
    assert assess(pair, exploitation="sexual").dimensions["cd"].positive


@pytest.mark.parametrize("indicator_id", sorted(set(WEIGHTS) - {"cd.forced_tasks_clients"}))
def test_other_weights_are_the_same_in_both_columns(indicator_id: str) -> None:
    for child in (False, True):
        labour = assess([indicator_id], child=child)
        sexual = assess([indicator_id], child=child, exploitation="sexual")
        assert labour.dimensions == sexual.dimensions


# --- rule 1: dimension thresholds -----------------------------------------------------------

THRESHOLD_CASES = [
    ("2S", {"S": 2}, True),
    ("1S+1M", {"S": 1, "M": 1}, True),
    ("1S+1W", {"S": 1, "W": 1}, True),
    ("3M", {"M": 3}, True),
    ("2M+1W", {"M": 2, "W": 1}, True),
    ("4S", {"S": 4}, True),
    ("1S alone", {"S": 1}, False),
    ("2M alone", {"M": 2}, False),
    ("1M+1W", {"M": 1, "W": 1}, False),
    ("1W", {"W": 1}, False),
    ("1M", {"M": 1}, False),
]


@pytest.mark.parametrize(("name", "counts", "positive"), THRESHOLD_CASES, ids=lambda x: str(x))
def test_threshold_boundaries_in_coercion_at_destination(
    name: str, counts: dict[str, int], positive: bool
) -> None:
    ids = [i for weight, n in counts.items() for i in pick("cd", weight, n)]
    dim = assess(ids).dimensions["cd"]
    assert dim.positive is positive, name
    assert sorted(dim.strong + dim.medium + dim.weak) == sorted(ids)
    assert all(d.indicators == [] for k, d in assess(ids).dimensions.items() if k != "cd")


@pytest.mark.parametrize(
    ("counts", "positive"),
    [({"W": 2, "M": 1}, False), ({"W": 3}, False), ({"W": 4}, False), ({"M": 2, "W": 2}, True)],
)
def test_weak_indicators_in_recruitment_by_vulnerability(
    counts: dict[str, int], positive: bool
) -> None:
    ids = [i for weight, n in counts.items() for i in pick("rv", weight, n)]
    assert assess(ids).dimensions["rv"].positive is positive


def test_dimension_lists_are_sorted() -> None:
    ids = ["cd.violence", "cd.isolation", "cd.debt_bondage", "cd.wages_withheld", "cd.threats"]
    dim = assess(reversed(ids)).dimensions["cd"]
    assert dim == DimensionResult(
        True,
        ["cd.debt_bondage", "cd.isolation", "cd.violence"],
        ["cd.threats", "cd.wages_withheld"],
        [],
    )
    assert set(assess([]).dimensions) == set(DIMENSIONS)


# --- rules 2-4: the Palermo elements ---------------------------------------------------------


@pytest.mark.parametrize("act_id", ACT_IDS)
def test_act_from_an_act_id(act_id: str) -> None:
    assert assess([act_id]).elements == {"act": True, "means": False, "purpose": False}


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_act_from_any_recruitment_indicator(dim: str) -> None:
    result = assess(pick(dim, "M", 1))
    assert not result.dimensions[dim].positive
    assert result.elements["act"] is (dim in {"dr", "cr", "rv"})


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_means_from_a_positive_dimension(dim: str) -> None:
    result = assess(positive_dimension(dim))
    assert result.dimensions[dim].positive
    assert result.elements["means"] is (dim != "ec")
    assert result.elements["purpose"] is (dim == "ec")


@pytest.mark.parametrize("purpose_id", PURPOSE_IDS)
def test_purpose_from_a_purpose_id(purpose_id: str) -> None:
    result = assess([purpose_id])
    assert result.elements == {"act": False, "means": False, "purpose": True}
    assert result.recommendation == "possible_victim"


def test_non_positive_dimension_gives_no_means() -> None:
    assert not assess(pick("cd", "M", 2)).elements["means"]


# --- rules 5-7: the recommendation -----------------------------------------------------------


def test_adult_with_act_means_and_purpose_is_presumed_victim() -> None:
    ids = ["dr.nature_of_job", "dr.wages", "ec.excessive_hours", "ec.low_or_no_salary"]
    result = assess(ids)
    assert result.elements == {"act": True, "means": True, "purpose": True}
    assert result.recommendation == "presumed_victim"


def test_adult_needs_means() -> None:
    result = assess(["act.recruitment", "purpose.forced_labour"])
    assert result.elements == {"act": True, "means": False, "purpose": True}
    assert result.recommendation == "possible_victim"


def test_child_needs_only_act_and_purpose() -> None:
    result = assess(["act.recruitment", "purpose.sexual_exploitation"], child=True)
    assert result.elements == {"act": True, "means": False, "purpose": True}
    assert result.recommendation == "presumed_victim"


def test_means_and_purpose_without_act_is_possible() -> None:
    result = assess(positive_dimension("cd") + positive_dimension("ec"))
    assert result.elements == {"act": False, "means": True, "purpose": True}
    assert result.recommendation == "possible_victim"


def test_one_strong_alone_is_not_positive_but_possible() -> None:
    result = assess(["cd.violence"])
    assert not any(d.positive for d in result.dimensions.values())
    assert result.recommendation == "possible_victim"
    assert result.indications == ["strong_indicator"]


def test_positive_dimension_alone_is_possible() -> None:
    result = assess(positive_dimension("vd"))
    assert result.recommendation == "possible_victim"
    assert result.indications == ["positive_dimension"]


def test_weak_and_medium_indicators_without_threshold_give_no_indication() -> None:
    assert assess(pick("cd", "M", 2)).recommendation == "no_indication"
    assert assess(pick("vd", "W", 2) + pick("vd", "M", 1)).recommendation == "no_indication"
    # act alone (a recruitment indicator) is not an indication for an adult
    assert assess(["rv.past_difficulties"]).recommendation == "no_indication"
    assert assess([]).recommendation == "no_indication"


@pytest.mark.parametrize("ids", [["vd.economic"], ["rv.past_difficulties"], ["act.transport"]])
def test_child_with_any_indicator_is_at_least_possible(ids: list[str]) -> None:
    assert assess(ids).recommendation == "no_indication"
    child = assess(ids, child=True)
    assert child.recommendation == "possible_victim"
    assert "child_any_indicator" in child.indications


def test_child_without_indicators_has_no_indication() -> None:
    assert assess([], child=True).recommendation == "no_indication"


# --- input checks -----------------------------------------------------------------------------


def test_unknown_ids_are_all_named() -> None:
    with pytest.raises(ValueError, match=r"dr\.nonsense") as info:
        assess(["dr.wages", "dr.nonsense", "zz.other"])
    assert "zz.other" in str(info.value)
    assert "dr.wages" not in str(info.value)


def test_bad_exploitation_and_bad_input() -> None:
    with pytest.raises(ValueError, match="begging"):
        assess(["dr.wages"], exploitation="begging")
    with pytest.raises(TypeError):
        assess("dr.wages")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="None"):
        assess([None])  # type: ignore[list-item]


def test_duplicates_and_any_iterable_are_accepted() -> None:
    result = assess(iter(["cd.violence", "cd.violence", "act.receipt"]))
    assert result.indicators == ["act.receipt", "cd.violence"]
    assert result.dimensions["cd"].strong == ["cd.violence"]


# --- version, record, explanation -------------------------------------------------------------


def test_rules_version_is_recorded() -> None:
    result = assess(["cd.violence"])
    assert result.rules_version == "ilo-ec-2009/1" == load_rules().version
    record = json.loads(json.dumps(result.to_dict()))
    assert record["rules_version"] == "ilo-ec-2009/1"
    assert record["recommendation"] == "possible_victim"
    assert record["indicators"] == ["cd.violence"]
    assert record["dimensions"]["cd"]["strong"] == ["cd.violence"]
    assert record["elements"] == {"act": False, "means": False, "purpose": False}


FULL_CASE = ["dr.nature_of_job", "dr.wages", "ec.excessive_hours", "ec.hazardous_work"]


@pytest.mark.parametrize("lang", LANGS)
def test_explain_names_indicators_dimensions_elements_and_advice(lang: str) -> None:
    result = assess([*FULL_CASE, "act.recruitment"])
    text = result.explain(lang)
    for indicator_id in [*FULL_CASE, "act.recruitment"]:
        assert indicator_label(indicator_id, lang) in text
        assert indicator_id in text
    for dim in ("dr", "ec"):
        assert dimension_label(dim, lang) in text
    assert dimension_label("vd", lang) not in text  # no indicators there
    for element in ("act", "means", "purpose"):
        assert element_label(element, lang) in text
    assert recommendation_label("presumed_victim", lang) in text
    words = {
        "en": ["strong", "medium", "advice", "officer"],
        "ru": ["сильный", "средний", "рекомендация", "сотрудник"],
        "ky": ["күчтүү", "орточо", "сунуш", "кызматкер"],
    }
    for word in words[lang]:
        assert word in text.lower()
    assert "ilo-ec-2009/1" in text


def test_explain_differs_per_language_and_uses_kyrgyz_letters() -> None:
    texts = {lang: assess(FULL_CASE).explain(lang) for lang in LANGS}
    assert len(set(texts.values())) == 3
    assert re.search("[өүң]", texts["ky"])
    assert re.search("[а-я]", texts["ru"]) and not re.search("[өүң]", texts["ru"])


def test_explain_child_rule_ignored_and_default_language() -> None:
    ids = ["act.recruitment", "purpose.forced_begging", "ec.no_social_protection"]
    child = assess(ids, child=True)
    text = child.explain("en")
    assert "Child rule" in text and "under 18" in text
    assert "ignored" in text and "No social protection" in text
    assert "Child rule" not in assess(ids).explain("en")
    with language("en"):
        assert child.explain() == text
    with pytest.raises(ValueError):
        child.explain("de")


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        (["cd.violence"], ["strong indicator is present", "Act, Means, Purpose"]),
        (["purpose.forced_labour"], ["“Purpose” is established"]),
        ([], ["No indicators were recorded", "no other indication"]),
    ],
)
def test_explain_gives_the_reason_for_the_recommendation(ids: list[str], words: list[str]) -> None:
    text = assess(ids).explain("en")
    for word in words:
        assert word in text


def test_labels_exist_in_every_language() -> None:
    for lang in LANGS:
        for indicator_id in known_indicator_ids():
            assert indicator_label(indicator_id, lang).strip()
        for code in RANK:
            assert recommendation_label(code, lang).strip()
    assert indicator_label("cr.threats", "en") != indicator_label("cr.threats", "ru")
    with pytest.raises(KeyError):
        indicator_label("dr.nonsense", "en")
    with pytest.raises(KeyError):
        dimension_label("zz", "en")
    with pytest.raises(ValueError):
        recommendation_label("maybe", "en")


# --- the rules are data, and bad data is reported ------------------------------------------


def shipped_data() -> dict:
    with default_rules_path().open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_rules_come_from_the_data() -> None:
    data = shipped_data()
    data["version"] = "test/2"
    data["thresholds"][2]["min"] = {"medium": 2}
    rules = parse_rules(data)
    result = assess(pick("cd", "M", 2), rules=rules)
    assert result.dimensions["cd"].positive
    assert result.rules_version == "test/2"
    assert load_rules() is load_rules()  # cached


def _break(path: str, value: object) -> dict:
    data = copy.deepcopy(shipped_data())
    *parents, last = path.split("/")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("dimensions/dr/indicators/dr.wages/weight/adult", "X", "must be S, M, W or null"),
        ("dimensions/dr/indicators/dr.wages/weight/child", KeyError, "missing child"),
        ("dimensions/dr/indicators/dr.wages/label/ky", KeyError, "missing text in ky"),
        ("dimensions/dr/indicators/dr.wages/label/en", True, "expected non-empty text"),
        ("dimensions/dr/indicators/cr.wages", {}, "id must look like dr.name"),
        ("exploitation/sexual/overrides/cd.nothing", {"adult": "S"}, "unknown indicator"),
        ("thresholds/0/min", {"strong": -1}, "whole number"),
        ("thresholds/0/min", {"often": 1}, "unknown keys often"),
        ("elements/means/positive_dimension_in", ["zz"], "unknown dimensions zz"),
        ("recommendations/presumed_victim/requires/child", ["act", "motive"], "motive"),
        ("recommendations/possible_victim/any_of", ["luck"], "luck"),
        ("explanation/header/ru", "Оценка {version}", "uses fields version; expected"),
        ("explanation/advice", KeyError, "missing template 'advice'"),
        ("languages", ["ru", "en"], "missing ky"),
        ("extra", 1, "unknown keys extra"),
    ],
)
def test_invalid_rules_are_reported(path: str, value: object, message: str) -> None:
    with pytest.raises(RulesError, match=re.escape(message)):
        parse_rules(_break(path, value))


def test_bad_rules_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
    dup = tmp_path / "dup.yaml"
    dup.write_text('version: "a"\nversion: "b"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="duplicate key 'version'"):
        load_rules(dup)
    unquoted = tmp_path / "bool.yaml"
    text = default_rules_path().read_text(encoding="utf-8")
    unquoted.write_text(text.replace('en: "strong"', "en: yes"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"bool\.yaml: weights\.S\.en"):
        load_rules(unquoted)


# --- properties over every subset of ids ---------------------------------------------------

ALL_IDS = sorted(known_indicator_ids())
cases = st.tuples(
    st.sets(st.sampled_from(ALL_IDS), max_size=25),
    st.sets(st.sampled_from(ALL_IDS), max_size=8),
    st.booleans(),
    st.sampled_from(["labour", "sexual"]),
)


@settings(max_examples=300, deadline=None)
@given(cases)
def test_assess_is_total_consistent_and_monotone(
    case: tuple[set[str], set[str], bool, str],
) -> None:
    ids, more, child, exploitation = case
    result = assess(ids, child=child, exploitation=exploitation)
    assert result.recommendation in RANK
    assert set(result.elements) == {"act", "means", "purpose"}
    if result.recommendation == "presumed_victim":
        assert result.elements["act"] and result.elements["purpose"]
        assert child or result.elements["means"]
    positives = any(d.positive for d in result.dimensions.values())
    strong = any(d.strong for d in result.dimensions.values())
    if result.recommendation == "no_indication":
        assert not positives and not strong and not result.elements["purpose"]
        assert not child or set(result.indicators) == set(result.ignored)
    if positives or strong:
        assert result.recommendation != "no_indication"
    for dim in result.dimensions.values():
        assert dim.strong == sorted(dim.strong) and dim.medium == sorted(dim.medium)
        if len(dim.strong) >= 2 or (dim.strong and len(dim.indicators) >= 2):
            assert dim.positive
    # more indicators never lower the recommendation, nor un-establish an element
    bigger = assess(ids | more, child=child, exploitation=exploitation)
    assert RANK[bigger.recommendation] >= RANK[result.recommendation]
    assert all(bigger.elements[k] for k, held in result.elements.items() if held)
    json.dumps(result.to_dict())
    for lang in LANGS:
        assert result.explain(lang)
