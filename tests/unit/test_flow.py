"""The interview flow with no widget: relevance, validation, navigation, progress, calculations,
indicators, defaults (as Electrum tests its wizard)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idtool.i18n import language
from idtool.questionnaire.flow import Flow, ValidationIssue, default_answers
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form(FORMS / "flow.yaml")


def flow(form: Form, lang: str = "ru", **answers: object) -> Flow:
    return Flow(form, answers, lang, today=TODAY)


def names(items: list) -> list[str]:
    return [item.name for item in items]


def test_sections_come_and_go(form: Form) -> None:
    assert names(flow(form).sections()) == ["intro", "end"]
    assert names(flow(form, consent="yes", age=30).sections()) == ["intro", "abroad", "end"]
    assert names(flow(form, consent="yes", age=15).sections()) == [
        "intro",
        "child",
        "abroad",
        "end",
    ]
    assert names(flow(form, consent="no", age=15).sections()) == ["intro", "child", "end"]


def test_next_and_previous_skip_irrelevant_sections(form: Form) -> None:
    adult = flow(form, consent="yes", age=30)
    assert adult.first_section() == "intro"
    assert adult.next_section("intro") == "abroad"
    assert adult.next_section("child") == "abroad"  # from a page that has just become hidden
    assert adult.next_section("end") is None
    assert adult.previous_section("abroad") == "intro"
    assert adult.previous_section("intro") is None
    child = flow(form, consent="yes", age=12)
    assert child.next_section("intro") == "child"
    assert child.previous_section("abroad") == "child"


def test_nested_group_relevance(form: Form) -> None:
    shown = flow(form, consent="yes", age=30)  # country defaults to ru
    assert names(shown.questions("abroad")) == ["country", "arrived", "hours", "tasks"]
    home = flow(form, consent="yes", age=30, country="kg")
    assert names(home.questions("abroad")) == ["country", "arrived"]
    assert not home.is_relevant("hours") and not home.is_relevant("work")
    assert names(flow(form).questions("abroad")) == []


def test_required(form: Form) -> None:
    assert flow(form, "en").validate_section("intro") == [
        ValidationIssue("consent", "This question is required.")
    ]
    # Generic messages follow the interview language too.
    assert flow(form, "ru").validate_section("intro")[0].message == "Это обязательный вопрос."
    assert flow(form, "ky").validate_section("intro")[0].message != "This question is required."
    issues = flow(form, consent="yes").validate_section("intro")
    assert [i.question for i in issues] == ["age"]  # required by an expression
    assert flow(form, consent="no").validate_section("intro") == []
    assert [i.question for i in flow(form, consent="yes", age=20, hours="").validate()] == ["hours"]


def test_constraints_use_the_form_message_in_the_chosen_language(form: Form) -> None:
    assert flow(form, "ky", consent="yes", age=130).validate_section("intro") == [
        ValidationIssue("age", "Жашы 0дөн 120га чейин")
    ]
    assert flow(form, "en", consent="yes", age=130).validate_section("intro")[0].message == (
        "Age from 0 to 120"
    )
    issues = flow(form, "en", consent="no", years_abroad=-1).validate_section("intro")
    assert issues == [ValidationIssue("years_abroad", "The answer is not valid.")]
    future = flow(form, consent="yes", age=30, arrived="2030-01-01", hours=8)
    assert [i.question for i in future.validate_section("abroad")] == ["arrived"]


def test_answers_of_the_wrong_type(form: Form) -> None:
    with language("en"):
        wrong = flow(form, "en", consent="maybe", age="many", years_abroad="x")
        messages = {i.question: i.message for i in wrong.validate_section("intro")}
    assert messages == {
        "consent": "Choose one of the listed options.",
        "age": "Enter a whole number.",
        "years_abroad": "Enter a number.",
    }
    dates = flow(
        form,
        "en",
        consent="yes",
        age=30,
        arrived="01.02.2024",
        hours=2.5,
        tasks=["begging", "flying"],
    )
    assert {i.question: i.message for i in dates.validate_section("abroad")} == {
        "arrived": "Enter a date as YYYY-MM-DD.",
        "hours": "Enter a whole number.",
        "tasks": "Choose one of the listed options.",
    }
    assert (
        flow(
            form, consent="yes", age=30, arrived=dt.date(2024, 1, 2), hours=8, tasks=["begging"]
        ).validate()
        == []
    )


def test_progress(form: Form) -> None:
    assert flow(form).progress() == (0, 1)
    assert flow(form, consent="yes").progress() == (1, 3)  # age and hours became required
    assert flow(form, consent="yes", age=15).progress() == (2, 4)  # and the guardian
    assert flow(form, consent="yes", age=15, guardian="Мать", hours=9).progress() == (4, 4)


def test_calculations_in_dependency_order(form: Form) -> None:
    busy = flow(form, consent="yes", age=30, hours=10)
    assert busy.calculations() == {"weekly": 70.0, "long_hours": True}
    assert list(busy.calculations()) == ["weekly", "long_hours"]
    assert "ec.excessive_hours" in busy.indicators()
    calm = flow(form, consent="yes", age=30, hours=8)
    assert calm.calculations() == {"weekly": 56.0, "long_hours": False}
    assert "ec.excessive_hours" not in calm.indicators()


def test_irrelevant_answers_are_kept_but_excluded(form: Form) -> None:
    answers = {
        "consent": "yes",
        "age": 30,
        "country": "kg",
        "hours": 12,
        "tasks": ["begging"],
        "guardian": "x",
    }
    home = Flow(form, answers, "ru", today=TODAY)
    assert answers["hours"] == 12  # the input is untouched
    assert home.effective_answers() == {"consent": "yes", "age": 30, "country": "kg"}
    assert home.indicators() == frozenset()
    assert home.calculations() == {"long_hours": False}
    assert home.value("hours") == ""
    away = Flow(form, {**answers, "country": "ru"}, "ru", today=TODAY)
    assert away.indicators() == {"purpose.forced_begging", "ec.excessive_hours"}
    assert set(away.effective_answers()) == {"consent", "age", "country", "hours", "tasks"}


def test_defaults(form: Form) -> None:
    assert default_answers(form) == {"country": "ru"}
    assert flow(form, consent="yes", age=30).effective_answers()["country"] == "ru"
    cleared = flow(form, consent="yes", age=30, country=None)
    assert "country" not in cleared.effective_answers()
    assert cleared.is_relevant("work")  # an empty country is not 'kg'
    assert flow(form, consent="no").effective_answers() == {"consent": "no"}


def test_assessment_inputs(form: Form) -> None:
    assert flow(form).child() is False
    assert flow(form, consent="yes", age=16).child() is True
    assert flow(form, consent="yes", age=40).child() is False
    assert flow(form).exploitation() == "labour"
    sexual = flow(form, consent="yes", age=20, tasks=["clients"])
    assert sexual.exploitation() == "sexual"
    assert sexual.indicators() == {"cd.forced_tasks_clients"}


def test_choice_filter() -> None:
    small = load_form(FORMS / "small.yaml")
    city = small.question("city")
    assert names(Flow(small, {}, "ru").choices_for(city)) == ["bishkek", "osh"]  # default kg
    assert names(Flow(small, {"country": "ru"}, "ru").choices_for(city)) == ["moscow"]
    assert names(Flow(small, {"country": None}, "ru").choices_for(city)) == []
    issues = Flow(small, {"consent": "no", "city": "moscow"}, "en").validate_section("person")
    assert issues == [ValidationIssue("city", "Choose one of the listed options.")]


def test_flags_are_recorded_apart_from_indicators() -> None:
    small = load_form(FORMS / "small.yaml")
    answers = {"consent": "yes", "work_type": ["build"], "detained": "yes"}
    state = Flow(small, answers, "en")
    assert state.flags() == {"np.detained"}
    assert state.indicators() == {"purpose.forced_labour"}  # the flag is never an indicator
    assert Flow(small, {**answers, "detained": "no"}, "en").flags() == frozenset()
    # an answer on a page that no longer applies records nothing, flags included
    assert Flow(small, {**answers, "consent": "no"}, "en").flags() == frozenset()


def test_unknown_language_falls_back(form: Form) -> None:
    issues = Flow(form, {"consent": "yes", "age": 500}, "de").validate_section("intro")
    assert issues[0].message == "Возраст от 0 до 120"  # the form's default language


answer = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(-5, 200),
    st.floats(),
    st.booleans(),
    st.sampled_from(["yes", "no", "kg", "ru", "2024-01-01", "begging clients"]),
    st.lists(st.sampled_from(["begging", "clients", "x"]), max_size=3),
)
question_names = [
    "consent",
    "age",
    "years_abroad",
    "guardian",
    "country",
    "arrived",
    "hours",
    "tasks",
    "weekly",
    "long_hours",
    "thanks",
    "work",
    "intro",
    "unknown",
]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(question_names), answer), st.sampled_from(["ky", "ru", "en"])
)
def test_any_answers_never_crash_the_flow(answers: dict, lang: str) -> None:
    form = load_form(FORMS / "flow.yaml")
    state = Flow(form, answers, lang, today=TODAY)
    answered, total = state.progress()
    assert 0 <= answered <= total
    for section in state.sections():
        state.validate_section(section.name)
        state.next_section(section.name)
        state.previous_section(section.name)
    assert state.indicators() <= form.indicator_ids()
    assert set(state.effective_answers()) <= set(answers) | {"country"}
    assert isinstance(state.child(), bool)
    assert state.exploitation() in ("labour", "sexual")
