"""The answers bound to the person record (`bind:` in the questionnaire, see
`questionnaire.binds`): what the record says each of them should be.

Nobody is asked twice. When an interview starts or is opened again, each question bound to a
field the person record holds is answered with it (shown prefilled, and changed like any
answer); an answer given to such a question updates the person record (`interviews` writes
it through `cases.update_person`). A derived answer (`person.age`) is computed from the date
of birth on the interview date and shown read-only while the date of birth is known; it is
asked only when it is not. The answers of a completed interview are not changed: they are what
was recorded then (an addendum changes them).
"""

from __future__ import annotations

from datetime import date

from idtool import dates
from idtool.cases import Person
from idtool.questionnaire import binds
from idtool.questionnaire.model import Form


def column(form: Form, question: str) -> str:
    """The person column `question` is bound to ('' when none)."""
    try:
        target = form.question(question).bind
    except KeyError:
        return ""
    return binds.PERSON[target][0] if target in binds.PERSON else ""


def interview_day(form: Form, answers: dict[str, object], started_at: str) -> date:
    """The interview date: the answer bound to `interview.date`, else the day it started."""
    name = form.bound().get(binds.INTERVIEW_DATE)
    answered = answers.get(name) if name else None
    day = dates.parse_iso(answered) if isinstance(answered, str) else None
    if day is not None:
        return day
    return dates.parse_iso(started_at[:10]) or date.today()


def computed(form: Form, person: Person) -> frozenset[str]:
    """The questions computed from the person record, shown read-only: the age while the date
    of birth is known."""
    name = form.bound().get(binds.AGE)
    if name and dates.parse_iso(person.birth_date) is not None:
        return frozenset({name})
    return frozenset()


def wanted(
    form: Form, person: Person, answers: dict[str, object], started_at: str
) -> dict[str, object]:
    """The answers the person record calls for (question -> value, unchecked), where they
    differ from `answers`: every bound field the record holds, and the derived age."""
    out: dict[str, object] = {}
    for target, name in form.bound().items():
        if target in binds.PERSON:
            value: object = getattr(person, binds.PERSON[target][0])
            if value and answers.get(name) != value:
                out[name] = value
    age_question = form.bound().get(binds.AGE)
    born = dates.parse_iso(person.birth_date)
    if age_question and born is not None:
        merged = {**answers, **out}
        age = dates.full_years(born, interview_day(form, merged, started_at))
        if answers.get(age_question) != age:
            out[age_question] = age
    return out
