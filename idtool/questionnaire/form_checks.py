"""Checks across the whole form: unique names, references, choice lists, defaults, cycles."""

from __future__ import annotations

import math

from idtool.i18n import _
from idtool.questionnaire import values
from idtool.questionnaire.expr import Expr
from idtool.questionnaire.graph import evaluation_order, nodes
from idtool.questionnaire.model import ChoiceList, Form, Kind, Question, Section
from idtool.questionnaire.problems import Problems


def check_form(
    form: Form,
    problems: Problems,
    ignored: set[str],
    ambiguous: frozenset[str] | set[str] = frozenset(),
    lenient: bool = False,
) -> None:
    """Report what is wrong across the form; `lenient` (an XLSForm) makes a choice_filter
    reading a column its list lacks a warning, as ODK reads that column as empty."""
    all_nodes = nodes(form)
    items = {node.name: node.item for node in reversed(all_nodes)}  # first definition wins
    seen: set[str] = set()
    for node in all_nodes:
        if node.name and node.name in seen:
            problems.error(
                node.item.source,
                _("The name {name} is used more than once").format(name=node.name),
                node.name,
                "name",
            )
        seen.add(node.name)
    lists = {choice_list.name: choice_list for choice_list in form.choice_lists}
    owners = form.owners()
    for node in all_nodes:
        item = node.item
        for column, expr in _expressions(item):
            _check_references(expr, item, column, items, ignored, problems)
            for ref in sorted(expr.references() & set(ambiguous)):
                problems.error(
                    item.source,
                    _("{ref} is ambiguous: that name is used in more than one group").format(
                        ref="${" + ref + "}"
                    ),
                    item.name,
                    column,
                )
        if isinstance(item, Question):
            _check_question(item, lists, problems, lenient)
            _check_trigger(item, items, ignored, problems, owners)
    for column, rule in (
        ("child", form.assessment.child),
        ("exploitation", form.assessment.exploitation),
    ):
        if rule is not None:
            _check_references(
                rule,
                None,
                column,
                items,
                ignored,
                problems,
                where=form.assessment.source,
            )
    _order, cycles = evaluation_order(all_nodes)
    for cycle in cycles:
        first = items[cycle[0]]
        column = "calculation" if isinstance(first, Question) and first.calculation else "relevant"
        problems.error(
            first.source,
            _("Dependency cycle: {cycle}").format(cycle=" -> ".join(cycle)),
            first.name,
            column,
        )


def _expressions(item: Section | Question) -> list[tuple[str, Expr]]:
    found = [("relevant", item.relevant)]
    if isinstance(item, Question):
        found += [
            ("required", item.required),
            ("constraint", item.constraint),
            ("choice_filter", item.choice_filter),
            ("calculation", item.calculation),
            ("default", item.default_expr),
        ]
    return [(column, expr) for column, expr in found if expr is not None]


def _check_references(
    expr: Expr,
    item: Section | Question | None,
    column: str,
    items: dict[str, Section | Question],
    ignored: set[str],
    problems: Problems,
    where: str = "",
) -> None:
    where = item.source if item is not None else where
    name = item.name if item is not None else ""
    for ref in sorted(expr.references()):
        target = items.get(ref)
        shown = "${" + ref + "}"
        if ref in ignored:
            problems.warn(
                where, _("{ref} refers to an ignored question").format(ref=shown), name, column
            )
        elif target is None:
            problems.error(
                where, _("{ref} refers to an unknown question").format(ref=shown), name, column
            )
        elif isinstance(target, Section) or target.kind is Kind.GROUP:
            problems.error(
                where, _("{ref} is a group, not a question").format(ref=shown), name, column
            )
    if column != "choice_filter":
        for bare in sorted(expr.columns()):
            problems.error(
                where,
                _("Unknown name {name}: write {ref} for a question").format(
                    name=bare, ref="${" + bare + "}"
                ),
                name,
                column,
            )


def _check_trigger(
    question: Question,
    items: dict[str, Section | Question],
    ignored: set[str],
    problems: Problems,
    owners: dict[str, str],
) -> None:
    """Each question named in `trigger` exists and takes an answer; a trigger inside a
    repeat, or naming a question asked in one, never fires (a warning)."""
    if question.trigger and question.name in owners:
        problems.warn(
            question.source,
            _("A trigger inside a repeat is not supported: the question is asked as any other"),
            question.name,
            "trigger",
        )
        return
    for ref in question.trigger:
        if ref in owners:
            problems.warn(
                question.source,
                _(
                    "{ref} is asked in each entry of a repeat: it cannot trigger a question "
                    "outside it (ignored)"
                ).format(ref="${" + ref + "}"),
                question.name,
                "trigger",
            )
    for ref in question.trigger:
        target = items.get(ref)
        shown = "${" + ref + "}"
        if ref in ignored:
            problems.warn(
                question.source,
                _("{ref} refers to an ignored question").format(ref=shown),
                question.name,
                "trigger",
            )
        elif target is None:
            problems.error(
                question.source,
                _("{ref} refers to an unknown question").format(ref=shown),
                question.name,
                "trigger",
            )
        elif isinstance(target, Section) or not target.kind.takes_answer:
            problems.error(
                question.source,
                _("{ref} is not a question the officer answers: it cannot trigger").format(
                    ref=shown
                ),
                question.name,
                "trigger",
            )


def _check_question(
    question: Question, lists: dict[str, ChoiceList], problems: Problems, lenient: bool
) -> None:
    where, name = question.source, question.name
    choice_names: set[str] = set()
    if question.list_name is not None:
        choice_list = lists.get(question.list_name)
        if choice_list is None:
            problems.error(
                where,
                _("Choice list {list} does not exist").format(list=question.list_name),
                name,
                "type",
            )
            return
        choice_names = set(choice_list.names())
        if question.choice_filter is not None:
            columns = {key for c in choice_list.choices for key, _v in c.extra} | {"name"}
            for unknown in sorted(question.choice_filter.columns() - columns):
                report = problems.warn if lenient else problems.error
                message = _("Choice list {list} has no column {column}").format(
                    list=question.list_name, column=unknown
                )
                if lenient:
                    message = _("{problem}: it reads as empty, as in ODK").format(problem=message)
                report(where, message, name, "choice_filter")
        for column, rules in (("indicators", question.indicators), ("flags", question.flags)):
            for answer, _ids in rules:
                if answer not in choice_names:
                    problems.error(
                        where,
                        _("{answer} is not a choice of list {list}").format(
                            answer=answer, list=question.list_name
                        ),
                        name,
                        column,
                    )
    if question.default is not None and not _default_fits(question, choice_names):
        problems.error(
            where,
            _("The default {value} does not fit a {kind} question").format(
                value=question.default, kind=question.kind.value
            ),
            name,
            "default",
        )


def _default_fits(question: Question, choice_names: set[str]) -> bool:
    text = question.default or ""
    if question.kind is Kind.SELECT_ONE:
        return text in choice_names
    if question.kind is Kind.SELECT_MULTIPLE:
        return set(text.split()) <= choice_names
    if question.kind is Kind.INTEGER:
        return text.lstrip("-").isdigit()
    if question.kind is Kind.DECIMAL:
        return not values.is_date(text) and math.isfinite(values.to_number(text))
    if question.kind is Kind.DATE:
        return text.strip() == "today()" or values.parse_date(text) is not None
    return True
