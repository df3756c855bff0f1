"""The shipped questionnaires as tests read them: load one, run a flow on a fixed day, and find
answers that show a question (its relevance) or that offer and give one of its answers."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from idtool.paths import questionnaires_dir
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.model import Form, Kind, Question

SCREENING = "nrm-screening"
IDENTIFICATION = "nrm-identification"
TODAY = dt.date(2025, 6, 1)


def path_of(form_id: str) -> Path:
    return questionnaires_dir() / f"{form_id}.yaml"


def archived_path(form_id: str, version: str) -> Path:
    return questionnaires_dir() / "archive" / form_id / f"{version}.yaml"


def flow(form: Form, answers: dict[str, object]) -> Flow:
    return Flow(form, answers, "en", TODAY)


def candidates(form: Form, question: Question) -> list[object]:
    if question.kind is Kind.SELECT_ONE:
        return list(form.choice_list(question.list_name or "").names())
    if question.kind is Kind.SELECT_MULTIPLE:
        return [[name] for name in form.choice_list(question.list_name or "").names()]
    if question.kind is Kind.INTEGER:
        return [10, 17, 20, 40]
    if question.kind is Kind.DATE:
        return ["2020-01-01"]
    return ["x"]


def dependencies(form: Form, question: Question) -> list[str]:
    """The questions whose answers decide whether `question` is shown, transitively."""
    found: set[str] = set()
    todo = [question]
    while todo:
        current = todo.pop()
        exprs = [current.relevant] + [
            s.relevant for s in form.sections if any(q.name == current.name for q in s.walk())
        ]
        for expr in exprs:
            for ref in expr.references() if expr is not None else ():
                if ref not in found:
                    found.add(ref)
                    todo.append(form.question(ref))
    return sorted(found)


def answers_showing(form: Form, question: Question) -> dict[str, object] | None:
    names = dependencies(form, question)
    options = [candidates(form, form.question(n)) for n in names]
    for combo in itertools.product(*options):
        answers = dict(zip(names, combo, strict=True))
        if flow(form, answers).is_relevant(question.name):
            return answers
    return None


def answers_offering(form: Form, question: Question, answer: str) -> Flow | None:
    """A flow where `question` is shown, `answer` is offered (its choice_filter) and given."""
    names = dependencies(form, question)
    if question.choice_filter is not None:
        names = sorted(set(names) | question.choice_filter.references())
    options = [candidates(form, form.question(n)) for n in names]
    given = [answer] if question.kind is Kind.SELECT_MULTIPLE else answer
    for combo in itertools.product(*options):
        answers = dict(zip(names, combo, strict=True))
        answers[question.name] = given
        state = flow(form, answers)
        if state.is_relevant(question.name) and state.validate_question(question) is None:
            return state
    return None
