"""A questionnaire as the YAML format writes it (`docs/questionnaire-format.md`): how a form
read from an XLSForm is published to devices, which run questionnaires from YAML text.

The text loads back into an equal form (`Form` equality leaves out where things were written
and the loader's warnings): what the lenient XLSForm reader decided (a fallback translation,
a choice shown by its name, a renamed form id) is written out as decided.
"""

from __future__ import annotations

from typing import Any

import yaml

from idtool.questionnaire.expr import Expr
from idtool.questionnaire.model import Form, Kind, Question, Section, Sensitivity, Text


def to_yaml(form: Form) -> str:
    document: dict[str, Any] = {
        "form_id": form.form_id,
        "version": form.version,
        "kind": form.kind.value,
        "default_language": form.default_language,
        "languages": list(form.languages),
        "title": _text(form.title),
    }
    rules = {
        key: str(expr)
        for key, expr in (
            ("child", form.assessment.child),
            ("exploitation", form.assessment.exploitation),
        )
        if expr is not None
    }
    if rules:
        document["assessment"] = rules
    document["sections"] = [_section(s) for s in form.sections]
    if form.choice_lists:
        document["choices"] = {
            c.name: [
                {"name": choice.name, "label": _text(choice.label), **dict(choice.extra)}
                for choice in c.choices
            ]
            for c in form.choice_lists
        }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _text(text: Text) -> dict[str, str]:
    return dict(text.translations)


def _section(section: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"name": section.name, "label": _text(section.label)}
    if section.hint:
        out["hint"] = _text(section.hint)
    if section.relevant is not None:
        out["relevant"] = str(section.relevant)
    out["questions"] = [_question(q) for q in section.questions]
    return out


def _type(question: Question) -> str:
    if question.kind is Kind.REPEAT and question.list_name is not None:
        return f"repeat over {question.list_name}"
    if question.list_name is not None:
        return f"{question.kind.value} {question.list_name}"
    return question.kind.value


def _question(question: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"name": question.name, "type": _type(question)}
    for key, text in (
        ("label", question.label),
        ("hint", question.hint),
        ("constraint_message", question.constraint_message),
    ):
        if text:
            out[key] = _text(text)
    expressions: tuple[tuple[str, Expr | None], ...] = (
        ("required", question.required),
        ("relevant", question.relevant),
        ("constraint", question.constraint),
        ("choice_filter", question.choice_filter),
        ("calculation", question.calculation),
        ("repeat_count", question.repeat_count),
        ("default", question.default_expr),
    )
    for key, expr in expressions:
        if expr is not None:
            out[key] = str(expr)
    if question.default is not None:
        out["default"] = question.default
    if question.sensitivity is not Sensitivity.ORDINARY and question.kind is not Kind.GROUP:
        out["sensitivity"] = question.sensitivity.value
    for key, rules in (("indicators", question.indicators), ("flags", question.flags)):
        if rules:
            out[key] = {value: list(ids) for value, ids in rules}
    if question.bind:
        out["bind"] = question.bind
    if question.trigger:
        out["trigger"] = " ".join("${" + name + "}" for name in question.trigger)
    if question.questions:
        out["questions"] = [_question(q) for q in question.questions]
    return out
