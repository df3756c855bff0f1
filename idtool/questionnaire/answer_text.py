"""An answer as a person reads it: choice labels, dates and numbers as typed, and a repeat's
entries one per line ("1. Name: Aibek; Age: 12", a loop's under its choice's label)."""

from __future__ import annotations

from idtool.questionnaire import answers
from idtool.questionnaire.defaults import is_empty
from idtool.questionnaire.flow_values import REFERENCE
from idtool.questionnaire.model import Form, Kind, Question


def answer_text(form: Form | None, question: str, value: object, lang: str) -> str:
    """`value` stored for the question called `question`, in `lang`; "" for no answer (and
    the stored text when the form or the question is not known)."""
    if is_empty(value):
        return ""
    try:
        found = form.question(question) if form is not None else None
    except KeyError:
        found = None
    if form is None or found is None:
        return answers.shown(value)
    if found.kind is Kind.REPEAT and isinstance(value, list):
        lines = (_entry(form, found, i, e, lang) for i, e in enumerate(value))
        return "\n".join(line for line in lines if line)
    if found.list_name and found.kind.is_select:
        try:
            choices = form.choice_list(found.list_name)
        except KeyError:
            return answers.shown(value)
        names = value if isinstance(value, list) else [value]
        labels = []
        for name in names:
            choice = choices.choice(str(name))
            labels.append(choice.label.get(lang, form.default_language) if choice else str(name))
        return "; ".join(labels)
    return answers.shown(value)


def _entry(form: Form, repeat: Question, index: int, entry: object, lang: str) -> str:
    if not isinstance(entry, dict):
        return ""
    choice = None
    if repeat.list_name is not None:  # a loop: the entry of a choice
        try:
            choices = form.choice_list(repeat.list_name).choices
        except KeyError:
            choices = ()
        choice = choices[index] if index < len(choices) else None
    choice_label = choice.label.get(lang, form.default_language) if choice else ""

    def label(question: Question) -> str:
        """The label as the entry showed it: ${q} its answer in the entry, a loop's
        %(label)s and %(name)s its choice's."""
        text = question.label.get(lang, form.default_language) or question.name
        if choice is not None:
            text = text.replace("%(label)s", choice_label).replace("%(name)s", choice.name)
        return REFERENCE.sub(lambda m: answer_text(form, m[1], entry.get(m[1]), lang), text)

    parts = [
        f"{label(q)}: {answer_text(form, q.name, entry[q.name], lang)}"
        for q in repeat.walk()
        if q.kind.takes_answer and not is_empty(entry.get(q.name))
    ]
    if not parts:
        return ""
    title = f"{choice_label}:" if choice is not None else f"{index + 1}."
    return f"{title} {'; '.join(parts)}"
