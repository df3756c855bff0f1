"""Answers an interview starts with: the defaults of the form, typed as stored answers."""

from __future__ import annotations

import datetime as dt
import math

from idtool.questionnaire import values as v
from idtool.questionnaire.model import Form, Kind, Question
from idtool.questionnaire.values import Value


def is_empty(answer: object) -> bool:
    return (
        answer is None
        or answer == ""
        or (isinstance(answer, list | tuple | set | frozenset) and not answer)
    )


TODAY_DEFAULT = "today()"  # a date question's default: the day the interview is started


def typed_default(
    question: Question, computed: Value | None = None, today: dt.date | None = None
) -> object:
    """A question's default as a stored answer (int, float, list of choices or text); a
    dynamic default gives its `computed` value; a date question's default "today()" is
    `today` (the computer's date when None)."""
    text = question.default if computed is None else v.to_string(computed)
    if text is None or (computed is not None and text == ""):
        return None
    if computed is None and question.kind is Kind.DATE and text.strip() == TODAY_DEFAULT:
        return (today or dt.date.today()).isoformat()
    if question.kind is Kind.SELECT_MULTIPLE:
        return text.split()
    if question.kind in (Kind.INTEGER, Kind.DECIMAL):
        number = v.to_number(text)
        if not math.isfinite(number):
            return None
        return int(number) if question.kind is Kind.INTEGER else number
    return text


def default_answers(form: Form, today: dt.date | None = None) -> dict[str, object]:
    """The answers a new interview starts with: every default of the form."""
    inside = form.owners()  # a question inside a repeat takes its default in each entry
    return {
        q.name: typed_default(q, today=today)
        for q in form.questions()
        if q.default is not None and q.name not in inside
    }


def started_answers(form: Form, today: dt.date | None = None) -> dict[str, object]:
    """The defaults stored when an interview starts: those that would change from day to day
    ("today()", written as a default or read as a dynamic default), so the interview keeps the
    day it was started on."""
    inside = form.owners()
    return {
        q.name: (today or dt.date.today()).isoformat()
        for q in form.questions()
        if q.kind is Kind.DATE and _is_today(q) and q.name not in inside
    }


def _is_today(question: Question) -> bool:
    expression = str(question.default_expr) if question.default_expr is not None else ""
    return TODAY_DEFAULT in ((question.default or "").strip(), expression.strip())
