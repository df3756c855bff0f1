"""The shipped questionnaires against rules version 2: answered through `Flow`, the
identification form can establish every element (act, means, purpose) by every way of the
rules, for an adult and for a child, and reach "presumed victim" for both; the screening form
can establish each element.

Answers are found from the form itself: for each indicator id wanted, the first question and
answer that record it, plus the simple gates (`${question} = 'value'`) that make that question
relevant. Only the consent and the ages are named here (`BASE`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest

from idtool.assessment import VERSION_2, assess, rules_for
from idtool.paths import questionnaires_dir
from idtool.questionnaire.expr import Binary, Literal, Ref
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind

TODAY = dt.date(2025, 6, 1)
BASE = {
    "adult": {
        "consent_interview": "given",
        "age_now": 34,
        "age_at_exploitation": 33,
        "age_basis": "document",
    },
    "child": {
        "consent_interview": "representative",
        "age_now": 15,
        "age_at_exploitation": 14,
        "age_basis": "document",
    },
}
SCREENING_BASE = {
    "adult": {"age_now": 30, "under_18_at_exploitation": "no"},
    "child": {"age_now": 15, "under_18_at_exploitation": "yes"},
}

# For each way of each element of version 2, a story that takes that way (ids of the contract).
WAYS: dict[str, dict[str, list[str]]] = {
    "act": {
        "recorded": ["act.recruitment"],
        "by_deceiver_or_coercer": ["dr.wages"],
    },
    "means": {
        "dimension_established": ["cd.documents_confiscated", "cd.family_inform_threat"],  # 3a
        "force": ["cr.abduction_sale"],  # 3b
        "deception_or_coercion_twice": ["dr.wages", "cd.threats"],  # 3c
        "strong_sign_and_abuse": ["dr.nature_of_job", "rv.false_migration_info"],  # 3d
        "vulnerability_abused": ["vd.economic", "vd.unknown_area", "vd.dependency"],  # 3e
        "abuse_twice": ["rv.exploiter_control", "vd.dependency"],  # 3f
    },
    "purpose": {
        "conditions_and_coercion": ["ec.excessive_hours", "ec.low_or_no_salary", "cd.threats"],
        "conditions_could_not_leave": [
            "ec.excessive_hours",
            "ec.low_or_no_salary",
            "vd.economic",
            "vd.unknown_area",
            "vd.dependency",
        ],
        "purpose_and_conditions": ["purpose.forced_labour", "ec.low_or_no_salary"],
        "purpose_and_coercion": ["purpose.sexual_exploitation", "cd.forced_tasks_clients"],
        "purpose_and_intent_strong": [
            "purpose.sexual_exploitation",
            "dr.nature_of_job",
            "dr.conditions",
        ],
        "purpose_and_intent_coercion": ["purpose.forced_labour", "dr.wages", "cr.threats"],
        "purpose_and_force": ["purpose.organ_removal", "cr.abduction_sale"],
    },
}
CHILD_PURPOSE = {
    "conditions": ["ec.excessive_hours", "ec.low_or_no_salary"],
    "recorded": ["purpose.forced_begging"],
}


def load(form_id: str) -> Form:
    return load_form(questionnaires_dir() / f"{form_id}.yaml")


@pytest.fixture(scope="module")
def identification() -> Form:
    return load("nrm-identification")


@pytest.fixture(scope="module")
def screening() -> Form:
    return load("nrm-screening")


def answers_recording(form: Form, ids: Iterable[str], base: dict[str, object]) -> dict[str, object]:
    """Answers to `form` that record `ids`: the first question and answer giving each id, and
    the simple gates that make those questions relevant."""
    where: dict[str, tuple[str, str]] = {}
    for question in form.questions():
        for value, given in question.indicators:
            for indicator_id in given:
                where.setdefault(indicator_id, (question.name, value))
    answers: dict[str, object] = dict(base)
    for indicator_id in sorted(ids):
        assert indicator_id in where, f"{form.form_id}: no answer records {indicator_id}"
        name, value = where[indicator_id]
        if form.question(name).kind is Kind.SELECT_MULTIPLE:
            chosen = list(answers.get(name, []))  # type: ignore[call-overload]
            answers[name] = chosen if value in chosen else [*chosen, value]
        else:
            assert answers.get(name, value) == value, f"{name}: needs two answers"
            answers[name] = value
    for _round in range(5):
        flow = Flow(form, answers, "en", TODAY)
        gates = {
            node.left.name: str(node.right.value)
            for name in answers
            if not flow.is_relevant(name) and form.question(name).relevant is not None
            for node in form.question(name).relevant.walk()  # type: ignore[union-attr]
            if isinstance(node, Binary)
            and node.op == "="
            and isinstance(node.left, Ref)
            and isinstance(node.right, Literal)
            and node.left.name not in answers
        }
        if not gates:
            break
        answers.update(gates)
    return answers


def recorded(form: Form, ids: Iterable[str], group: str, base: dict[str, dict[str, object]]):
    flow = Flow(form, answers_recording(form, ids, base[group]), "en", TODAY)
    assert flow.child() is (group == "child")
    missing = set(ids) - flow.indicators()
    assert not missing, f"answered, but not recorded (question not relevant?): {missing}"
    return assess(flow.indicators(), child=flow.child(), exploitation=flow.exploitation())


def test_the_stories_cover_every_way_of_version_2() -> None:
    rules = rules_for(VERSION_2)
    for element, ways in WAYS.items():
        assert set(ways) == {w.id for w in rules.elements[element].ways["adult"]}, element
    assert set(CHILD_PURPOSE) == {w.id for w in rules.elements["purpose"].ways["child"]}


@pytest.mark.parametrize(
    ("element", "way"), [(e, w) for e, ways in WAYS.items() for w in ways], ids=str
)
def test_the_identification_form_establishes_each_way_for_an_adult(
    identification: Form, element: str, way: str
) -> None:
    result = recorded(identification, WAYS[element][way], "adult", BASE)
    assert result.rules_version == VERSION_2
    assert way in result.established_by[element], result.established_by


@pytest.mark.parametrize(("way", "ids"), sorted(CHILD_PURPOSE.items()), ids=str)
def test_the_identification_form_establishes_purpose_for_a_child(
    identification: Form, way: str, ids: list[str]
) -> None:
    result = recorded(identification, ids, "child", BASE)
    assert way in result.established_by["purpose"]


@pytest.mark.parametrize("way", sorted(WAYS["means"]))
def test_the_identification_form_establishes_means_for_a_child_too(
    identification: Form, way: str
) -> None:
    ids = WAYS["means"][way]
    child_rules = assess(ids, child=True)  # child weights: the same story may take another way
    assert child_rules.elements["means"]
    assert recorded(identification, ids, "child", BASE).elements["means"]


def test_the_identification_form_reaches_presumed_victim_for_an_adult(
    identification: Form,
) -> None:
    # deceived about the job, forced to serve clients: sexual exploitation
    ids = ["dr.nature_of_job", "cd.forced_tasks_clients", "purpose.sexual_exploitation"]
    result = recorded(identification, ids, "adult", BASE)
    assert result.exploitation == "sexual"
    assert result.recommendation == "presumed_victim"
    assert result.missing == ()


def test_the_identification_form_reaches_presumed_victim_for_a_child(
    identification: Form,
) -> None:
    result = recorded(identification, ["act.recruitment", "purpose.forced_begging"], "child", BASE)
    assert result.recommendation == "presumed_victim"
    assert not result.elements["means"] and result.missing == ()


SCREENING_ELEMENTS = {
    "act": ["dr.nature_of_job"],
    "means": ["cd.violence"],
    "purpose": ["purpose.forced_labour", "cd.debt_bondage"],
}


@pytest.mark.parametrize("group", ["adult", "child"])
@pytest.mark.parametrize("element", sorted(SCREENING_ELEMENTS))
def test_the_screening_form_establishes_each_element(
    screening: Form, element: str, group: str
) -> None:
    result = recorded(screening, SCREENING_ELEMENTS[element], group, SCREENING_BASE)
    assert result.elements[element]


def test_the_screening_form_reaches_presumed_victim(screening: Form) -> None:
    ids = ["dr.nature_of_job", "cd.violence", "purpose.forced_labour"]
    assert recorded(screening, ids, "adult", SCREENING_BASE).recommendation == "presumed_victim"
    child = ["dr.nature_of_job", "purpose.forced_begging"]
    assert recorded(screening, child, "child", SCREENING_BASE).recommendation == "presumed_victim"
