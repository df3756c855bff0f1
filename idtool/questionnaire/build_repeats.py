"""Pieces of the builder for repeats: what a repeat may hold, and how sensitive it is.

A repeat is asked once per entry (the people involved, the countries passed through); a loop
(`begin loop over L`) once per choice of a list. A repeat inside a repeat, and a question inside
one bound to the person record, are refused: each entry would need its own person.
"""

from __future__ import annotations

from idtool.i18n import _
from idtool.questionnaire.model import Kind, Question, Sensitivity
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import RawItem

MAX_ENTRIES = 100  # entries of one repeat in one interview
_ORDER = (Sensitivity.ORDINARY, Sensitivity.SENSITIVE, Sensitivity.IDENTIFYING)


def check_repeat(
    item: RawItem,
    name: str,
    list_name: str | None,
    members: tuple[Question, ...],
    problems: Problems,
) -> None:
    """Report what a repeat may not hold or say."""
    if list_name is not None and "repeat_count" in item.values:
        problems.error(
            item.where,
            _("A loop over a choice list has one entry per choice: repeat_count is not used"),
            name,
            item.column("repeat_count"),
        )
    for member in members:
        for inner in member.walk():
            if inner.kind is Kind.REPEAT:
                problems.error(
                    inner.source or item.where,
                    _("A repeat inside a repeat is not supported"),
                    inner.name,
                    "type",
                )
            if inner.bind:
                problems.error(
                    inner.source or item.where,
                    _("A question inside a repeat cannot fill the person record (bind)"),
                    inner.name,
                    "bind",
                )


def most_sensitive(members: tuple[Question, ...]) -> Sensitivity:
    """A group's sensitivity when it gives none: the most sensitive of what it holds."""
    found = [q.sensitivity for m in members for q in m.walk() if q.kind.takes_answer]
    return max(found, key=_ORDER.index, default=Sensitivity.ORDINARY)


def repeat_sensitivity(declared: Sensitivity, members: tuple[Question, ...]) -> Sensitivity:
    """A group's or repeat's sensitivity is never below what it holds: its answers travel as
    one field (a repeat's entries), so a recipient of the lower level would get them all."""
    return max(declared, most_sensitive(members), key=_ORDER.index)
