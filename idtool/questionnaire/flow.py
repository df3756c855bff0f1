"""The interview flow as data, with no widgets: what is relevant, what comes next, what is valid.

Like Electrum's wizard, the UI only attaches a widget to each question; everything it needs to
decide (relevance, calculations, required and constraint checks, navigation, progress,
indicators, flags) is here and can be tested without Qt. Answers are never changed: an answer
to a question that became irrelevant stays in the input, but counts nowhere (as ODK clears it).

A repeat is asked once per entry (`entries`); most methods take an `entry` to speak of a
question inside one. Its answer is a list of mappings, one per entry (`questionnaire.answers`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from idtool.i18n import _, language
from idtool.questionnaire import answers
from idtool.questionnaire import values as v
from idtool.questionnaire.defaults import (
    TODAY_DEFAULT,
    default_answers,
    is_empty,
    started_answers,
    typed_default,
)
from idtool.questionnaire.entries import Entry
from idtool.questionnaire.flow_values import FlowValues, computed_questions
from idtool.questionnaire.model import Choice, Kind, Question, Section
from idtool.questionnaire.values import Value

__all__ = [
    "TODAY_DEFAULT",
    "Entry",
    "Flow",
    "ValidationIssue",
    "computed_questions",
    "default_answers",
    "is_empty",
    "started_answers",
    "typed_default",
]

EXPLOITATIONS = ("labour", "sexual")


@dataclass(frozen=True)
class ValidationIssue:
    """What is wrong with `question`'s answer; inside a repeat, in entry `entry` (0-based)
    of `repeat`."""

    question: str
    message: str
    repeat: str = ""
    entry: int | None = None

    @property
    def path(self) -> str:
        """Where the answer is: `name`, or `repeat[2]/name` in a repeat's second entry."""
        if self.entry is None:
            return self.question
        return f"{self.repeat}[{self.entry + 1}]/{self.question}"


class Flow(FlowValues):
    """One interview as the wizard walks it: pages, checks, progress and assessment."""

    # ------------------------------------------------------------ pages

    def sections(self) -> list[Section]:
        return [s for s in self.form.sections if self.is_relevant(s.name)]

    def questions(self, section: str) -> list[Question]:
        """The relevant questions of a page to show, in order (no groups or calculations; a
        repeat is one item, its questions are `entry_questions`)."""
        return [
            q
            for q in self._leaves(self.form.section(section).questions, None)
            if q.kind is not Kind.CALCULATE
        ]

    def first_section(self) -> str | None:
        found = self.sections()
        return found[0].name if found else None

    def next_section(self, name: str) -> str | None:
        """The next relevant page after `name`, or None at the end."""
        return self._step(name, 1)

    def previous_section(self, name: str) -> str | None:
        return self._step(name, -1)

    def _step(self, name: str, direction: int) -> str | None:
        names = [s.name for s in self.form.sections]
        position = names.index(name) + direction
        while 0 <= position < len(names):
            if self.is_relevant(names[position]):
                return names[position]
            position += direction
        return None

    # ------------------------------------------------------------ checks

    def is_required(self, question: Question, entry: Entry | None = None) -> bool:
        return question.kind.takes_answer and self._test(
            question.required, entry, self.answer(question.name, entry), empty=False
        )

    def choices_for(self, question: Question, entry: Entry | None = None) -> list[Choice]:
        """The choices to offer, after the question's choice_filter."""
        if question.list_name is None or question.kind is Kind.REPEAT:
            return []
        try:
            choices = self.form.choice_list(question.list_name).choices
        except KeyError:
            return []
        if question.choice_filter is None:
            return list(choices)
        return [
            c
            for c in choices
            if v.to_boolean(
                question.choice_filter.evaluate(self._context(entry, columns=c.columns()))
            )
        ]

    def validate_question(self, question: Question, entry: Entry | None = None) -> str | None:
        """The message for what is wrong with this answer, or None (irrelevant is fine)."""
        if not self.is_relevant(question.name, entry) or not question.kind.takes_answer:
            return None
        answer = self.answer(question.name, entry)
        with language(self.lang):
            if is_empty(answer):
                required = self.is_required(question, entry)
                return _("This question is required.") if required else None
            offered = [c.name for c in self.choices_for(question, entry)]
            problem = answers.stored_problem(question, answer, offered)
            if problem:
                return problem
            if not self._test(question.constraint, entry, answer):
                return question.constraint_message.get(self.lang, self.form.default_language) or _(
                    "The answer is not valid."
                )
        return None

    def asked(self, section: str) -> Iterator[tuple[Question, Entry | None]]:
        """Every question a page asks, with its entry inside a repeat."""
        for question in self.questions(section):
            if question.kind is Kind.REPEAT:
                for entry in self.entries(question.name):
                    yield from ((q, entry) for q in self.entry_questions(entry))
            else:
                yield question, None

    def validate_section(self, name: str) -> list[ValidationIssue]:
        issues = []
        for question, entry in self.asked(name):
            message = self.validate_question(question, entry)
            if message:
                issues.append(
                    ValidationIssue(question.name, message)
                    if entry is None
                    else ValidationIssue(question.name, message, entry.repeat.name, entry.index)
                )
        return issues

    def validate(self) -> list[ValidationIssue]:
        """Every issue on every relevant page."""
        return [issue for s in self.sections() for issue in self.validate_section(s.name)]

    def progress(self) -> tuple[int, int]:
        """(answered, total) over the relevant required questions."""
        required = [
            (q, e) for s in self.sections() for q, e in self.asked(s.name) if self.is_required(q, e)
        ]
        answered = sum(1 for q, e in required if not is_empty(self.answer(q.name, e)))
        return answered, len(required)

    # ------------------------------------------------------------ assessment

    def indicators(self) -> frozenset[str]:
        """Indicator ids emitted by the relevant answers and calculations."""
        return self._emitted("indicators")

    def flags(self) -> frozenset[str]:
        """Flags (`questionnaire.flag_ids`) recorded by the relevant answers and calculations:
        never indicator ids, never part of the assessment."""
        return self._emitted("flags")

    def _emitted(self, key: str) -> frozenset[str]:
        found: set[str] = set()
        for name, question in self._questions.items():
            rules: tuple[tuple[str, tuple[str, ...]], ...] = getattr(question, key)
            if not rules:
                continue
            scopes: list[Entry | None] = (
                list(self._entries.get(self._owners[name], [])) if name in self._owners else [None]
            )
            for entry in scopes:
                if self.is_relevant(name, entry):
                    found.update(_ids(question, dict(rules), self.value(name, entry)))
        return frozenset(found)

    def child(self) -> bool:
        """True when the assessment's child rule holds (False when the form has none)."""
        return self._test(self.form.assessment.child, None, empty=False)

    def exploitation(self) -> str:
        """'labour' or 'sexual' from the form's rule; 'labour' when undecided."""
        expr = self.form.assessment.exploitation
        value = v.to_string(expr.evaluate(self._context())) if expr else ""
        return value if value in EXPLOITATIONS else "labour"


def _ids(question: Question, lookup: dict[str, tuple[str, ...]], value: Value) -> set[str]:
    """The ids a question's rules give for its value."""
    found: set[str] = set()
    if question.kind.is_select:
        for choice in v.choices_of(value):
            found.update(lookup.get(choice, ()))
    elif v.to_string(value) != "":
        found.update(lookup.get(v.to_string(value), ()))
        if v.to_boolean(value):
            found.update(lookup.get("true", ()))
    return found
