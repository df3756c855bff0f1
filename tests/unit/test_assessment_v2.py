"""Assessment rules version 2 (`ilo-ec-2009/2`) against its contract (../shared/assessment.md).

Each numbered rule and sub-rule has its own test, with the boundary cases the contract names;
a property test compares the engine with `tests.assessment_contract.contract_v2`, the rules
written out sentence by sentence. Version 1 is checked by test_assessment.py.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idtool.assessment import (
    VERSION_1,
    VERSION_2,
    DimensionResult,
    RulesError,
    assess,
    current_version,
    known_indicator_ids,
    rules_for,
)
from tests.assessment_contract import (
    ABUSE_IDS,
    ACT_IDS,
    ALL_IDS,
    FORCE_IDS,
    OWN_SITUATION_IDS,
    PURPOSE_IDS,
    RANK,
    WEIGHTS,
    contract_v2,
)

LANGS = ["ky", "ru", "en"]


def means_ways(ids: list[str], child: bool = False, exploitation: str = "labour") -> list[str]:
    return list(assess(ids, child=child, exploitation=exploitation).established_by["means"])


def purpose_ways(ids: list[str], exploitation: str = "labour") -> list[str]:
    return list(assess(ids, exploitation=exploitation).established_by["purpose"])


# --- version and input -------------------------------------------------------------------------


def test_version_2_is_the_default_and_has_the_contract_ids_and_weights() -> None:
    assert current_version() == VERSION_2 == "ilo-ec-2009/2"
    result = assess(["cd.violence"])
    assert result.rules_version == VERSION_2
    assert json.loads(json.dumps(result.to_dict()))["rules_version"] == VERSION_2
    assert known_indicator_ids() == frozenset(ALL_IDS) == known_indicator_ids(VERSION_1)
    v1, v2 = rules_for(VERSION_1), rules_for(VERSION_2)
    for indicator_id in WEIGHTS:
        for child in (False, True):
            for kind in ("labour", "sexual"):
                assert v1.weight(indicator_id, child, kind) == v2.weight(indicator_id, child, kind)
    assert v1.thresholds == v2.thresholds


def test_unknown_ids_are_all_named_and_checked_before_exploitation() -> None:
    bad = ["zz.other", "act.kidnapping", "purpose.fun", "dr.nonsense"]
    with pytest.raises(ValueError, match="unknown indicator ids") as info:
        assess(["dr.wages", *bad], exploitation="begging")
    for unknown in bad:
        assert unknown in str(info.value)
    assert "dr.wages" not in str(info.value) and "begging" not in str(info.value)
    with pytest.raises(ValueError, match="begging"):
        assess(["dr.wages"], exploitation="begging")
    with pytest.raises(ValueError, match="unknown rules version"):
        assess(["dr.wages"], rules_version="ilo-ec-2009/9")
    with pytest.raises(RulesError):
        assess([], rules_version="../../etc/passwd")


def test_ids_are_a_set() -> None:
    once = assess(["dr.wages"])
    twice = assess(["dr.wages", "dr.wages", "dr.wages"])
    assert once == twice
    assert twice.indicators == ["dr.wages"]
    assert not twice.elements["means"]  # one medium sign, however often it is given


@pytest.mark.parametrize("indicator_id", ["rv.false_law_info", "ec.no_social_protection"])
def test_an_id_not_applicable_to_the_group_counts_for_nothing(indicator_id: str) -> None:
    child = assess([indicator_id], child=True)
    assert child.ignored == [indicator_id]
    assert child.recommendation == "no_indication"
    assert all(not d.indicators for d in child.dimensions.values())


def test_a_not_applicable_abuse_id_does_not_count_as_abuse() -> None:
    ids = ["rv.false_law_info", "vd.dependency"]  # two abuse ids for an adult, one for a child
    assert means_ways(ids) == ["abuse_twice"]
    assert means_ways(ids, child=True) == []


# --- rule 1: the dimension rule is version 1's ------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "positive"),
    [
        (["cd.violence", "cd.isolation"], True),  # 2 strong
        (["cd.violence", "cd.family_inform_threat"], True),  # 1 strong and 1 more (weak)
        (["cd.threats", "cd.forced_to_lie", "cd.wages_withheld"], True),  # 3 medium
        (["cd.threats", "cd.forced_to_lie", "cd.family_inform_threat"], True),  # 2 M + 1 W
        (["cd.violence"], False),
        (["cd.threats", "cd.forced_to_lie"], False),
        (["cd.threats", "cd.family_inform_threat"], False),
    ],
)
def test_rule_1_dimension_rule(ids: list[str], positive: bool) -> None:
    assert assess(ids).dimensions["cd"].positive is positive
    assert assess(ids, rules_version=VERSION_1).dimensions["cd"].positive is positive


# --- rule 2: act ----------------------------------------------------------------------------------


@pytest.mark.parametrize("act_id", ACT_IDS)
def test_rule_2_act_from_an_act_id(act_id: str) -> None:
    result = assess([act_id])
    assert result.elements == {"act": True, "means": False, "purpose": False}
    assert result.established_by["act"] == ["recorded"]


@pytest.mark.parametrize(
    "indicator_id", ["dr.wages", "dr.nature_of_job", "cr.threats", "cd.threats"]
)
def test_rule_2_act_from_a_medium_or_strong_sign_of_deception_or_coercion(
    indicator_id: str,
) -> None:
    result = assess([indicator_id])
    assert result.elements["act"]
    assert result.established_by["act"] == ["by_deceiver_or_coercer"]


@pytest.mark.parametrize(
    "indicator_id",
    [
        "dr.education",  # weak for an adult
        "cd.family_inform_threat",  # weak for an adult
        "rv.economic",  # the person's situation
        "rv.exploiter_control",  # abuse of vulnerability is not an act
        "ec.excessive_hours",  # strong, but conditions are not an act
        "vd.dependency",
    ],
)
def test_rule_2_no_act_from_weak_signs_vulnerability_or_conditions(indicator_id: str) -> None:
    assert not assess([indicator_id]).elements["act"]


def test_rule_2_weights_are_the_persons() -> None:
    assert assess(["dr.education"], child=True).elements["act"]  # strong for a child
    assert assess(["cd.family_inform_threat"], child=True).elements["act"]  # medium for a child
    assert not assess(["rv.past_difficulties"]).elements["act"]  # version 1 read this as an act
    assert assess(["rv.past_difficulties"], rules_version=VERSION_1).elements["act"]


# --- rule 3: means ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ids",
    [
        ["dr.nature_of_job", "dr.education"],  # dr: 1 strong and 1 weak
        ["cd.documents_confiscated", "cd.family_inform_threat"],  # cd: 1 strong and 1 weak
    ],
)
def test_rule_3a_means_from_a_positive_dr_cr_or_cd(ids: list[str]) -> None:
    assert means_ways(ids) == ["dimension_established"]


def test_rule_3a_cr_positive() -> None:
    ids = ["cr.threats", "cr.isolation", "cr.money_withheld"]
    assert assess(ids).dimensions["cr"].positive
    assert "dimension_established" in means_ways(ids)


@pytest.mark.parametrize("force_id", sorted(FORCE_IDS))
def test_rule_3b_means_from_force_alone(force_id: str) -> None:
    assert means_ways([force_id]) == ["force"]


def test_rule_3c_deception_or_coercion_shown_twice_pools_dr_cr_cd() -> None:
    assert means_ways(["dr.wages", "cd.threats"]) == ["deception_or_coercion_twice"]
    assert means_ways(["dr.wages", "cr.isolation"]) == ["deception_or_coercion_twice"]
    assert means_ways(["dr.wages"]) == []
    assert means_ways(["dr.wages", "cd.family_inform_threat"]) == []  # a weak sign does not count
    assert means_ways(["dr.wages", "ec.low_or_no_salary"]) == []  # conditions are not means


def test_rule_3d_a_strong_sign_with_abuse_of_vulnerability() -> None:
    assert means_ways(["dr.nature_of_job", "vd.dependency"]) == ["strong_sign_and_abuse"]
    assert means_ways(["cd.isolation", "rv.false_migration_info"]) == ["strong_sign_and_abuse"]
    assert means_ways(["dr.nature_of_job"]) == []
    assert means_ways(["dr.wages", "vd.dependency"]) == []  # medium, not strong
    assert means_ways(["dr.nature_of_job", "vd.economic"]) == []  # own situation, not abuse


def test_rule_3e_positive_vulnerability_that_someone_used() -> None:
    # the abuse id is one of those that make rv positive
    rv = ["rv.economic", "rv.family_situation", "rv.exploiter_control"]
    assert means_ways(rv) == ["vulnerability_abused"]
    # vd positive on the person's own situation, the abuse id in rv
    vd = ["vd.economic", "vd.family_situation", "vd.unknown_area", "rv.emotional_dependency"]
    assert means_ways(vd) == ["vulnerability_abused"]
    # positive, but nobody used it
    assert means_ways(["rv.economic", "rv.family_situation", "rv.personal_situation"]) == []


def test_rule_3f_two_abuse_of_vulnerability_ids() -> None:
    assert means_ways(["rv.exploiter_control", "vd.dependency"]) == ["abuse_twice"]
    assert means_ways(["vd.dependency"]) == []


def test_rule_3_own_vulnerability_never_gives_means() -> None:
    own = sorted(OWN_SITUATION_IDS)
    assert not assess(own).elements["means"]
    assert all(assess(own).dimensions[d].positive for d in ("rv", "vd"))
    assert assess(own, rules_version=VERSION_1).elements["means"]  # what version 1 got wrong


def test_rule_3_means_is_computed_for_a_child_but_not_required() -> None:
    child = assess(["act.recruitment", "purpose.forced_begging"], child=True)
    assert child.elements == {"act": True, "means": False, "purpose": True}
    assert child.missing == ()
    assert child.recommendation == "presumed_victim"
    assert assess(["cr.violence"], child=True).elements["means"]


# --- rule 4: purpose ------------------------------------------------------------------------------

EC_POSITIVE = ["ec.excessive_hours", "ec.low_or_no_salary"]


def test_rule_4a_exploitative_conditions_with_coercion() -> None:
    assert purpose_ways([*EC_POSITIVE, "cd.wages_withheld"]) == ["conditions_and_coercion"]
    assert purpose_ways([*EC_POSITIVE, "cr.isolation"]) == ["conditions_and_coercion"]
    assert purpose_ways(EC_POSITIVE) == []
    assert purpose_ways([*EC_POSITIVE, "cd.family_inform_threat"]) == []  # weak for an adult


def test_rule_4a_exploitative_conditions_the_person_could_not_leave() -> None:
    vd_own = ["vd.economic", "vd.unknown_area", "vd.family_situation"]
    assert purpose_ways([*EC_POSITIVE, *vd_own, "rv.exploiter_control"]) == [
        "conditions_could_not_leave"
    ]
    assert purpose_ways([*EC_POSITIVE, *vd_own]) == []  # nobody used the vulnerability
    assert purpose_ways([*EC_POSITIVE, "vd.dependency", "vd.economic"]) == []  # vd not positive


def test_rule_4a_deception_about_pay_with_nothing_else_is_labour_fraud() -> None:
    fraud = ["dr.wages", "ec.low_or_no_salary", "ec.wage_manipulation", "ec.labour_law_breach"]
    result = assess([*fraud, "act.recruitment"])
    assert result.dimensions["ec"].positive
    assert result.elements == {"act": True, "means": False, "purpose": False}
    assert result.recommendation == "possible_victim"


@pytest.mark.parametrize("purpose_id", PURPOSE_IDS)
def test_rule_4b_a_purpose_with_a_sign_of_conditions_or_coercion(purpose_id: str) -> None:
    assert purpose_ways([purpose_id, "ec.low_or_no_salary"]) == ["purpose_and_conditions"]
    assert purpose_ways([purpose_id, "cd.family_inform_threat"]) == ["purpose_and_coercion"]
    assert purpose_ways([purpose_id, "ec.no_education"]) == []  # weak for an adult


def test_rule_4c_the_intent_to_exploit_before_the_exploitation_began() -> None:
    purpose = "purpose.sexual_exploitation"
    assert purpose_ways([purpose, "dr.nature_of_job", "dr.wages"]) == ["purpose_and_intent_strong"]
    assert purpose_ways([purpose, "dr.wages", "cr.threats"]) == ["purpose_and_intent_coercion"]
    assert purpose_ways([purpose, "dr.wages", "dr.conditions"]) == []  # no strong, no coercion
    assert purpose_ways([purpose, "dr.nature_of_job"]) == []  # one sign
    assert purpose_ways([purpose, "dr.nature_of_job", "dr.education"]) == []  # weak second


def test_rule_4d_a_purpose_with_force() -> None:
    assert purpose_ways(["purpose.organ_removal", "cr.abduction_sale"]) == ["purpose_and_force"]
    assert "purpose_and_force" in purpose_ways(["purpose.forced_labour", "cr.violence"])


def test_rule_4_a_purpose_alone_is_stated_not_evidenced() -> None:
    result = assess(["purpose.forced_labour", "act.recruitment"])
    assert result.elements["purpose"] is False
    assert result.recommendation == "possible_victim"
    assert result.missing == ("means", "purpose")
    text = result.explain("en")
    assert "stated, not evidenced: Forced labour or services" in text
    assert "заявлено, но не подтверждено" in result.explain("ru")
    assert "айтылды, бирок далилденген жок" in result.explain("ky")


def test_rule_4_child_purpose() -> None:
    assert assess(EC_POSITIVE, child=True).established_by["purpose"] == ["conditions"]
    assert assess(["purpose.forced_begging"], child=True).established_by["purpose"] == ["recorded"]
    assert not assess(["ec.low_or_no_salary"], child=True).elements["purpose"]


# --- rule 5: presumed victim ---------------------------------------------------------------------


def test_rule_5_adult_needs_act_means_and_purpose() -> None:
    ids = [
        "act.recruitment",
        "cd.documents_confiscated",
        "cd.debt_bondage",
        "purpose.forced_labour",
    ]
    assert assess(ids).recommendation == "presumed_victim"
    assert assess(ids[1:]).recommendation == "presumed_victim"  # coercion at destination: an act
    assert assess(["cd.documents_confiscated", "purpose.forced_labour"]).missing == ("means",)
    assert assess(ids).missing == ()
    assert assess(["act.recruitment", "purpose.forced_labour", "ec.low_or_no_salary"]).missing == (
        "means",
    )


def test_rule_5_child_needs_act_and_purpose() -> None:
    result = assess(["dr.wages", "purpose.forced_begging"], child=True)
    assert result.recommendation == "presumed_victim"
    assert not result.elements["means"]
    assert assess(["purpose.forced_begging"], child=True).missing == ("act",)


# --- the boundary cases the contract names -------------------------------------------------------

ORDINARY_MIGRANT = [
    "ec.excessive_hours",
    "ec.low_or_no_salary",
    "ec.bad_living_conditions",
    "rv.economic",
    "rv.family_situation",
    "rv.lack_of_information",
    "rv.past_difficulties",
    "vd.unknown_area",
    "vd.economic",
    "vd.family_situation",
]


@pytest.mark.parametrize("more", [[], ["dr.wages"], ["act.recruitment", "act.transport"]])
def test_the_ordinary_migrant_is_not_presumed(more: list[str]) -> None:
    ids = ORDINARY_MIGRANT + more
    assert assess(ids, rules_version=VERSION_1).recommendation == "presumed_victim"
    result = assess(ids)
    assert result.recommendation == "possible_victim"
    assert not result.elements["means"]
    assert "means" in result.missing and "purpose" in result.missing


def test_the_deceived_woman_forced_to_serve_clients_is_presumed() -> None:
    ids = ["dr.nature_of_job", "cd.forced_tasks_clients", "purpose.sexual_exploitation"]
    v1 = assess(ids, exploitation="sexual", rules_version=VERSION_1)
    assert v1.recommendation == "possible_victim"  # means needed a whole positive dimension
    result = assess(ids, exploitation="sexual")
    assert result.recommendation == "presumed_victim"
    assert result.established_by["means"] == ["deception_or_coercion_twice"]
    assert result.missing == ()


# --- rule 6: possible victim, rule 7: no indication -----------------------------------------------


@pytest.mark.parametrize(
    ("ids", "child", "indication"),
    [
        (EC_POSITIVE, False, "dimension_established"),
        (["dr.conditions", "dr.contract", "dr.housing"], False, "dimension_established"),
        (["ec.excessive_hours"], False, "strong_sign"),
        (["cd.forced_to_lie"], False, "coercion_sign"),
        (["cr.money_withheld"], False, "coercion_sign"),
        (["purpose.forced_marriage"], False, "purpose_recorded"),
        (["act.recruitment", "rv.exploiter_control", "vd.dependency"], False, "two_elements"),
        (["vd.economic"], True, "child_any_sign"),
        (["act.transport"], True, "child_any_sign"),
    ],
)
def test_rule_6_each_way_to_possible_victim(ids: list[str], child: bool, indication: str) -> None:
    result = assess(ids, child=child)
    assert result.recommendation == "possible_victim"
    assert indication in result.indications


def test_rule_6_two_elements_alone() -> None:
    result = assess(["act.recruitment", "rv.exploiter_control", "vd.dependency"])
    assert result.elements == {"act": True, "means": True, "purpose": False}
    assert result.indications == ["two_elements"]


@pytest.mark.parametrize(
    "ids",
    [
        [],
        ["act.recruitment"],
        ["dr.wages"],  # an act alone
        ["rv.economic", "rv.family_situation", "rv.personal_situation"],  # rv positive
        ["vd.economic", "vd.family_situation", "vd.unknown_area"],  # vd positive
        ["rv.economic", "rv.family_situation", "rv.exploiter_control"],  # ... and used: means
        ["vd.dependency", "rv.exploiter_control"],  # means alone
        ["ec.low_or_no_salary", "ec.hazardous_work"],  # conditions, not positive
    ],
)
def test_rule_7_no_indication_for_an_adult(ids: list[str]) -> None:
    result = assess(ids)
    assert result.recommendation == "no_indication"
    assert result.indications == []


def test_rule_7_a_child_with_only_not_applicable_ids_has_no_indication() -> None:
    assert assess(["rv.false_law_info"], child=True).recommendation == "no_indication"


# --- the result's fields ----------------------------------------------------------------------


def test_missing_is_in_contract_order_and_never_means_for_a_child() -> None:
    assert assess([]).missing == ("act", "means", "purpose")
    assert assess([], child=True).missing == ("act", "purpose")
    assert assess(["purpose.forced_labour", "cd.threats"]).missing == ("means",)
    assert assess(["cd.violence"]).missing == ("purpose",)
    result = assess(["cd.violence"], child=True)
    assert result.elements["means"] and result.missing == ("purpose",)
    record = assess(["cd.violence"]).to_dict()
    assert record["missing"] == ["purpose"]
    assert record["established_by"] == {
        "act": ["by_deceiver_or_coercer"],
        "means": ["force"],
        "purpose": [],
    }


def test_dimensions_are_reported_as_in_version_1() -> None:
    result = assess(["cd.violence", "cd.isolation", "cd.threats"])
    assert result.dimensions["cd"] == DimensionResult(
        True, ["cd.isolation", "cd.violence"], ["cd.threats"], []
    )


# --- properties -----------------------------------------------------------------------------------

cases = st.tuples(
    st.sets(st.sampled_from(ALL_IDS), max_size=20),
    st.sets(st.sampled_from(ALL_IDS), max_size=6),
    st.booleans(),
    st.sampled_from(["labour", "sexual"]),
)


@settings(max_examples=600, deadline=None)
@given(cases)
def test_the_engine_follows_the_contract(case: tuple[set[str], set[str], bool, str]) -> None:
    ids, more, child, exploitation = case
    result = assess(ids, child=child, exploitation=exploitation)  # never raises for known ids
    expected = contract_v2(ids, child, exploitation)
    assert result.recommendation == expected.recommendation
    assert dict(result.elements) == expected.elements
    assert result.missing == expected.missing
    assert (result.recommendation == "presumed_victim") == (result.missing == ())
    # the rules only count what is present: more ids never lower anything
    bigger = assess(ids | more, child=child, exploitation=exploitation)
    assert RANK[bigger.recommendation] >= RANK[result.recommendation]
    assert all(bigger.elements[k] for k, held in result.elements.items() if held)


@settings(max_examples=200, deadline=None)
@given(cases, st.sampled_from(sorted(FORCE_IDS)))
def test_a_force_id_gives_means_and_never_lowers_the_recommendation(
    case: tuple[set[str], set[str], bool, str], force_id: str
) -> None:
    ids, _more, child, exploitation = case
    before = assess(ids, child=child, exploitation=exploitation)
    after = assess(ids | {force_id}, child=child, exploitation=exploitation)
    assert after.elements["means"]
    assert RANK[after.recommendation] >= RANK[before.recommendation]
    assert after.recommendation != "no_indication"


NOT_MEANS = sorted(
    OWN_SITUATION_IDS
    | {i for i in WEIGHTS if i.startswith("ec.")}
    | set(ACT_IDS)
    | set(PURPOSE_IDS)
)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(NOT_MEANS)), st.booleans(), st.sampled_from(["labour", "sexual"]))
def test_own_vulnerability_conditions_and_stated_elements_never_give_means(
    ids: set[str], child: bool, exploitation: str
) -> None:
    assert not assess(ids, child=child, exploitation=exploitation).elements["means"]


LABOUR_FRAUD = sorted(
    OWN_SITUATION_IDS | {i for i in WEIGHTS if i[:2] in ("dr", "ec")} | set(ACT_IDS)
)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(LABOUR_FRAUD)), st.sampled_from(["labour", "sexual"]))
def test_deception_and_bad_conditions_without_coercion_are_no_purpose_for_an_adult(
    ids: set[str], exploitation: str
) -> None:
    result = assess(ids, exploitation=exploitation)
    assert not result.elements["purpose"]
    assert result.recommendation != "presumed_victim"


@settings(max_examples=100, deadline=None)
@given(st.sets(st.sampled_from(sorted(OWN_SITUATION_IDS | ABUSE_IDS))))
def test_vulnerability_alone_is_no_indication_for_an_adult(ids: set[str]) -> None:
    assert assess(ids).recommendation == "no_indication"


# --- the explanation: plain words --------------------------------------------------------------

JARGON = re.compile(r"positive|dimension|положительн|измерени|\bоң\b|өлчөм", re.IGNORECASE)


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from([VERSION_1, VERSION_2]))
def test_no_rule_jargon_in_any_explanation(
    case: tuple[set[str], set[str], bool, str], version: str
) -> None:
    ids, _more, child, exploitation = case
    result = assess(ids, child=child, exploitation=exploitation, rules_version=version)
    for lang in LANGS:
        text = result.explain(lang)
        assert not JARGON.search(text), (lang, JARGON.search(text))
        assert version in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Coercion at destination: established (2 signs", "Confiscation of documents"]),
        ("ru", ["Принуждение в месте назначения: установлено (признаков: 2", "Изъятие документов"]),
        (
            "ky",
            [
                "Эксплуатация болгон жердеги мажбурлоо: аныкталды (белгилер: 2",
                "Документтерин тартып алуу",
            ],
        ),
    ],
)
def test_explain_says_what_is_established_in_plain_words(lang: str, words: list[str]) -> None:
    result = assess(["cd.documents_confiscated", "cd.isolation", "act.receipt"])
    text = result.explain(lang)
    for word in words:
        assert word in text
    assert "cd.isolation" not in text  # labels, not ids


def test_explain_says_what_is_missing_and_why() -> None:
    result = assess(ORDINARY_MIGRANT)
    text = result.explain("en")
    assert "Means (force, coercion, deception or abuse of vulnerability): not established." in text
    assert "own hardship" in text and "not enough on its own" in text
    assert "labour fraud" in text
    assert "Elements not established: Act" in text
    means_line = next(line for line in text.splitlines() if line.startswith("Means"))
    assert "not established" in means_line


def test_explain_says_how_an_element_is_established() -> None:
    text = assess(["cr.abduction_sale", "purpose.organ_removal"]).explain("en")
    assert "force was used or the person was abducted: Abduction" in text
    assert "a purpose of exploitation is recorded, and force was used" in text
