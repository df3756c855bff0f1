"""The answers a form works out itself, as ODK does: a calculation on an asked question (its
answer, shown read-only) and a calculation with a `trigger` (stored as the answer each time a
question it names is answered with a different value, and then edited like any answer).

Pure functions of the form and the answers; `interviews` stores what they give in the same
transaction as the answer that caused it.
"""

from __future__ import annotations

from collections.abc import Mapping

from idtool.questionnaire.flow import Flow, computed_questions
from idtool.questionnaire.model import Form


def changed(before: Mapping[str, object], after: Mapping[str, object]) -> set[str]:
    """The questions whose stored answer differs between `before` and `after`."""
    return {q for q in {*before, *after} if before.get(q) != after.get(q)}


def wanted(
    form: Form, stored: Mapping[str, object], answered: set[str], lang: str
) -> dict[str, object]:
    """What to store now that the officer's answers `answered` changed (`stored` after the
    write): each triggered calculation, then each computed answer (as the triggered values
    leave them), where it differs from what is stored. A value stored by a trigger triggers
    nothing (as JavaRosa, where only an answer fires xforms-value-changed)."""
    if not any(q.computed or q.trigger for q in form.questions()):
        return {}  # most forms: nothing to work out, no flow to build
    triggered = Flow(form, stored, lang).triggered(answered)
    current = Flow(form, {**stored, **triggered}, lang)
    out = {**triggered, **{q: current.answer(q) for q in computed_questions(form)}}
    return {
        q: value
        for q, value in out.items()
        if value != stored.get(q) and not (value is None and q not in stored)
    }


def differs(
    form: Form, stored: Mapping[str, object], given: Mapping[str, object], lang: str
) -> bool:
    """Whether a computed answer in `given` differs from the value the form works out from
    the answers after the write (`stored` updated with `given`)."""
    asked = computed_questions(form) & set(given)
    if not asked:
        return False
    flow = Flow(form, {**stored, **given}, lang)
    return any(given[q] != flow.answer(q) for q in asked)
