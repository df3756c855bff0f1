"""The two shipped questionnaires: complete in ky/ru/en, every question reachable, every
indicator id of the contract emittable, and realistic interviews scored as expected."""

from __future__ import annotations

import re

import pytest
import yaml

from idtool.assessment import assess
from idtool.questionnaire.flag_ids import FLAG_IDS
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.indicator_ids import CONTRACT_IDS
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, FormKind, Kind, Sensitivity
from idtool.questionnaire.yaml_reader import FormYamlLoader
from tests.support.forms import (
    IDENTIFICATION,
    SCREENING,
    answers_offering,
    answers_showing,
    flow,
    path_of,
)

LANGS = {"ky", "ru", "en"}
CHOICE_NAME = re.compile(r"[a-z][a-z0-9_]*")
QUESTION_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@pytest.fixture(scope="module", params=[SCREENING, IDENTIFICATION])
def form(request: pytest.FixtureRequest) -> Form:
    return load_form(path_of(request.param))


@pytest.fixture(scope="module")
def screening() -> Form:
    return load_form(path_of(SCREENING))


@pytest.fixture(scope="module")
def identification() -> Form:
    return load_form(path_of(IDENTIFICATION))


# ------------------------------------------------------------------ static properties


def test_settings(screening: Form, identification: Form) -> None:
    assert (screening.form_id, screening.version, screening.kind) == (
        SCREENING,
        "2",
        FormKind.SCREENING,
    )
    assert (identification.form_id, identification.version, identification.kind) == (
        IDENTIFICATION,
        "2",
        FormKind.IDENTIFICATION,
    )
    for form in (screening, identification):
        assert set(form.languages) == LANGS
        assert form.warnings == ()
        assert form.assessment.child is not None and form.assessment.exploitation is not None


def test_screening_is_short(screening: Form) -> None:
    """Short like the 16-question short TVIT: at most 20 questions for an adult returnee (the
    outbound and child questions show only for those they concern)."""
    answered = [q for q in screening.questions() if q.kind.takes_answer]
    assert 12 <= len(answered) <= 25
    adult = flow(
        screening,
        {"age_now": 30, "under_18_at_exploitation": "no", "travel_direction": "arriving"},
    )
    shown = [q for s in adult.sections() for q in adult.questions(s.name) if q.kind.takes_answer]
    assert len(shown) <= 20


def test_every_text_in_every_language(form: Form) -> None:
    assert form.title.languages() == LANGS
    for section in form.sections:
        assert section.label.languages() == LANGS, section.name
        assert section.hint.languages() == LANGS, section.name
    for question in form.questions():
        assert question.hint.languages() == LANGS, question.name
        if question.kind is not Kind.CALCULATE:
            assert question.label.languages() == LANGS, question.name
        if question.constraint is not None:
            assert question.constraint_message.languages() == LANGS, question.name
    for choice_list in form.choice_lists:
        for choice in choice_list.choices:
            assert choice.label.languages() == LANGS, (choice_list.name, choice.name)
            assert CHOICE_NAME.fullmatch(choice.name), (choice_list.name, choice.name)


def test_names_and_sensitivity_declared(form: Form) -> None:
    """Every answered question says its sensitivity (the model's default is not relied on)."""
    raw = yaml.load(path_of(form.form_id).read_text("utf-8"), Loader=FormYamlLoader)

    def walk(items: list[dict]) -> list[dict]:
        return [q for item in items for q in [item, *walk(item.get("questions", []))]]

    questions = walk([q for s in raw["sections"] for q in s["questions"]])
    for q in questions:
        assert QUESTION_NAME.fullmatch(q["name"]), q["name"]
        if not q["type"].startswith("note"):
            assert q.get("sensitivity") in {s.value for s in Sensitivity}, q["name"]


def test_personal_data_is_identifying(identification: Form) -> None:
    for name in (
        "full_name",
        "other_names",
        "sex",
        "date_of_birth",
        "citizenship",
        "document_type",
        "document_number",
        "contact",
    ):
        assert identification.question(name).sensitivity is Sensitivity.IDENTIFYING, name
    free_texts = [q for q in identification.questions() if q.kind is Kind.TEXT]
    assert all(
        q.sensitivity is not Sensitivity.ORDINARY
        for q in free_texts
        if q.name in {"observations", "recruitment_story", "violence_details"}
    )


def test_indicator_coverage(screening: Form, identification: Form) -> None:
    assert identification.indicator_ids() == CONTRACT_IDS
    purposes = {i for i in CONTRACT_IDS if i.startswith("purpose.")}
    assert purposes <= screening.indicator_ids()
    assert {
        "cd.documents_confiscated",
        "cd.debt_bondage",
        "cd.isolation",
        "dr.nature_of_job",
        "cd.violence",
        "cd.threats",
        "ec.low_or_no_salary",
    } <= screening.indicator_ids()


# ------------------------------------------------------------------ walking the forms


def test_every_question_is_reachable(form: Form) -> None:
    unreachable = [q.name for q in form.questions() if answers_showing(form, q) is None]
    assert unreachable == []


def test_every_indicator_answer_emits_its_ids(form: Form) -> None:
    emitted: set[str] = set()
    for question in form.questions():
        for answer, ids in question.indicators:
            state = answers_offering(form, question, answer)
            assert state is not None, (question.name, answer)
            assert set(ids) <= state.indicators(), (question.name, answer)
            emitted |= state.indicators()
    assert emitted == form.indicator_ids()


def test_every_flag_answer_records_its_flags_and_no_indicator(form: Form) -> None:
    recorded: set[str] = set()
    for question in form.questions():
        for answer, flags in question.flags:
            state = answers_offering(form, question, answer)
            assert state is not None, (question.name, answer)
            assert set(flags) <= state.flags(), (question.name, answer)
            assert not question.indicators_for(answer), (question.name, answer)
            recorded |= state.flags()
    assert recorded == form.flag_ids() == FLAG_IDS


def test_none_cannot_be_combined(identification: Form) -> None:
    for name in (
        "deception",
        "coercive_recruitment",
        "coercion",
        "work_conditions",
        "destination_vulnerability",
    ):
        question = identification.question(name)
        state = flow(identification, {"consent_interview": "given", name: ["none", "threats"]})
        assert state.validate_question(question), name
        state = flow(identification, {"consent_interview": "given", name: ["none"]})
        assert state.validate_question(question) is None, name


def test_constraints_on_ages_and_dates(identification: Form) -> None:
    age = identification.question("age_at_exploitation")
    date = identification.question("interview_date")
    base = {"consent_interview": "given"}
    assert flow(identification, {**base, "age_at_exploitation": 121}).validate_question(age)
    assert flow(identification, {**base, "age_at_exploitation": -1}).validate_question(age)
    assert flow(identification, {**base, "age_at_exploitation": 17}).validate_question(age) is None
    assert flow(identification, {**base, "interview_date": "2099-01-01"}).validate_question(date)
    assert (
        flow(identification, {**base, "interview_date": "2025-05-31"}).validate_question(date)
        is None
    )


# ------------------------------------------------------------------ rules and scenarios


def test_child_rule_uses_age_at_exploitation(identification: Form) -> None:
    base = {"consent_interview": "given", "age_now": 30}
    assert flow(identification, {**base, "age_at_exploitation": 16}).child()
    assert not flow(
        identification, {**base, "age_at_exploitation": 25, "age_basis": "document"}
    ).child()
    doubtful = {
        **base,
        "age_at_exploitation": 18,
        "age_basis": "estimated",
        "possibly_under_18": "yes",
    }
    assert flow(identification, doubtful).child()
    # the doubt question only counts while it is shown
    assert not flow(identification, {**doubtful, "age_basis": "document"}).child()
    state = flow(identification, {**base, "age_at_exploitation": 16})
    assert state.is_relevant("child") and state.is_relevant("child_note")
    assert not flow(identification, {**base, "age_at_exploitation": 25}).is_relevant("child")


def test_screening_child_rule(screening: Form) -> None:
    assert flow(screening, {"age_now": 15, "under_18_at_exploitation": "no"}).child()
    assert flow(screening, {"age_now": 25, "under_18_at_exploitation": "yes"}).child()
    assert flow(screening, {"age_now": 25, "under_18_at_exploitation": "unsure"}).child()
    assert not flow(screening, {"age_now": 25, "under_18_at_exploitation": "no"}).child()


def test_exploitation_rule(form: Form) -> None:
    answers = {"consent_interview": "given"}
    assert flow(form, {**answers, "exploitation_type": ["forced_labour"]}).exploitation() == (
        "labour"
    )
    assert (
        flow(
            form, {**answers, "exploitation_type": ["sexual_exploitation", "forced_labour"]}
        ).exploitation()
        == "sexual"
    )


def result_of(state: Flow):  # type: ignore[no-untyped-def]
    return assess(state.indicators(), child=state.child(), exploitation=state.exploitation())


def test_adult_forced_labour_interview_is_presumed_victim(identification: Form) -> None:
    answers = {
        "consent_interview": "given",
        "age_now": 34,
        "age_at_exploitation": 33,
        "age_basis": "document",
        "recruited": "yes",
        "recruiter": ["acquaintance"],
        "deception": ["wages", "conditions"],
        "left_home": "yes",
        "transport_arranged": "yes",
        "daily_hours": "over12",
        "days_off": "never",
        "pay": "not_paid",
        "documents_held_by": "taken",
        "debt_bondage": "yes",
        "freedom": "not_free",
        "exploitation_type": ["forced_labour"],
        "sector": ["construction"],
        "exploitation_country": "russia",
    }
    result = result_of(flow(identification, answers))
    assert result.recommendation == "presumed_victim"
    assert result.elements == {"act": True, "means": True, "purpose": True}


def test_child_needs_no_means(identification: Form) -> None:
    answers = {
        "consent_interview": "representative",
        "age_now": 15,
        "age_at_exploitation": 14,
        "age_basis": "stated",
        "recruited": "yes",
        "exploitation_type": ["forced_begging"],
    }
    state = flow(identification, answers)
    assert state.child()
    assert result_of(state).recommendation == "presumed_victim"
    assert state.is_relevant("guardian_present") and state.is_relevant("child_assent")


def test_refused_consent_ends_the_interview(identification: Form) -> None:
    answers = {"consent_interview": "refused", "recruited": "yes", "violence": "yes"}
    state = flow(identification, answers)
    assert [s.name for s in state.sections()] == ["consent"]
    assert state.is_relevant("consent_refused_note")
    assert state.indicators() == frozenset()


def test_screening_with_strong_signs(screening: Form) -> None:
    answers = {
        "urgent_medical": "no",
        "safe_place": "no",
        "documents_taken": "yes",
        "debt": "yes",
        "not_free": "yes",
        "deceived_job": "yes",
        "unpaid_wages": "not_paid",
        "excessive_hours": "yes",
        "age_now": 24,
        "under_18_at_exploitation": "no",
        "exploitation_type": ["forced_labour"],
        "exploitation_country": "kazakhstan",
        "information_given": ["purpose", "data_use", "retention", "withdrawal", "voluntary"],
        "consent_referral": "given",
    }
    state = flow(screening, answers)
    assert state.validate() == []
    assert result_of(state).recommendation == "presumed_victim"
    quiet = {
        k: v
        for k, v in answers.items()
        if k in ("age_now", "under_18_at_exploitation", "information_given", "consent_referral")
    }
    quiet["exploitation_type"] = ["unknown"]
    assert result_of(flow(screening, quiet)).recommendation == "no_indication"
