"""Both shipped forms speak with one voice (docs/questionnaire-format.md, "Who reads what"): a
label that is a question speaks to the person as "you" and is read aloud; any other label is a
caption the officer fills in; the three languages agree on which labels are questions."""

from __future__ import annotations

import re

import pytest

from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind
from tests.support.forms import IDENTIFICATION, SCREENING, path_of

YOU = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)
# Questions another change owns (the "now an adult" answer of issue 14, item 2).
NOT_YET = {(IDENTIFICATION, "child_protection_informed")}


@pytest.fixture(scope="module", params=[SCREENING, IDENTIFICATION])
def form(request: pytest.FixtureRequest) -> Form:
    return load_form(path_of(request.param))


def _labelled(form: Form):  # type: ignore[no-untyped-def]
    for question in form.questions():
        if question.kind in (Kind.GROUP, Kind.CALCULATE, Kind.NOTE):
            continue
        if (form.form_id, question.name) not in NOT_YET:
            yield question


def test_a_question_speaks_to_the_person_and_a_caption_does_not(form: Form) -> None:
    wrong = []
    for question in _labelled(form):
        en = question.label.get("en").rstrip()
        asks, you = en.endswith("?"), bool(YOU.search(en))
        if asks != you:
            wrong.append((question.name, en))
    assert wrong == []


def test_the_languages_agree_on_what_is_read_aloud(form: Form) -> None:
    for question in _labelled(form):
        ends = {lang: question.label.get(lang).rstrip().endswith("?") for lang in form.languages}
        assert len(set(ends.values())) == 1, (question.name, ends)
        if ends["ru"]:  # the Russian question addresses the person as «вы»
            assert re.search(r"\b(вы|вас|вам|вами|ваш\w*)\b", question.label.get("ru").lower()), (
                question.name
            )


def test_notes_are_instructions_to_the_officer(form: Form) -> None:
    """A note is never a question; words to say are quoted after "Say" or "Tell"."""
    for question in form.questions():
        if question.kind is not Kind.NOTE:
            continue
        en = question.label.get("en")
        assert not en.rstrip().endswith("?"), question.name
        if en.startswith(("Say", "Tell")):
            assert "'" in en or '"' in en, question.name


def test_guidance_never_addresses_the_person(form: Form) -> None:
    """A hint is for the officer: it never asks the person a question outside quotation
    marks."""
    for question in form.questions():
        hint = question.hint.get("en")
        outside = re.sub(r"'[^']*'|\"[^\"]*\"", "", hint)
        assert not re.search(r"\b(are|do|did|were|have) you\b", outside, re.I), question.name
