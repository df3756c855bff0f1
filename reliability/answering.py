"""Answers the reliability checks write: always to questions the form has, with values it
accepts (the core refuses any other answer, see idtool/questionnaire/answers.py)."""

from __future__ import annotations

from typing import Any

from idtool import interviews
from idtool.questionnaire.model import Form, Kind
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session


def question_pool(form: Form) -> dict[str, Any]:
    """What the answer kill loop's worker writes: text and whole-number questions, four lists
    with their choices, and the text questions it answers for the first time in each round's
    new interview (no names: the person record follows the one long-running interview)."""
    questions = [q for s in form.sections for q in s.questions]
    lists = [q for q in questions if q.kind is Kind.SELECT_MULTIPLE][:4]
    text = [q.name for q in questions if q.kind is Kind.TEXT]
    return {
        "text": text,
        # Not the age: worked out from the date of birth when one is known.
        "numbers": [q.name for q in questions if q.kind is Kind.INTEGER and not q.bind],
        "lists": {q.name: list(form.choice_list(q.list_name or "").names()) for q in lists},
        "fresh_text": [q for q in text if not form.question(q).bind],
    }


def stored_answers(session: Session, case_uuid: str) -> dict[tuple[str, str], object]:
    """(interview, question) -> answer, over every interview of the case."""
    return {
        (interview.uuid, question): value
        for interview in interviews.for_case(session, case_uuid)
        for question, value in interviews.answers(session, interview.uuid).items()
    }


def text_slots(session: Session, case_uuid: str, count: int) -> list[tuple[str, str]]:
    """`count` distinct (interview, question) places for a long made-up answer: the free-text
    questions of the identification form (names left out), in as many new interviews of the
    case as it takes."""
    form = load_shipped("nrm-identification")
    questions = [q.name for q in form.questions() if q.kind is Kind.TEXT and not q.bind]
    slots: list[tuple[str, str]] = []
    while len(slots) < count:
        interview = interviews.start(session, case_uuid, form, "ky")
        slots += [(interview.uuid, question) for question in questions]
    return slots[:count]
