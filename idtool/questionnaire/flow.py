"""The interview flow as data, with no widgets: what is relevant, what comes next, what is valid.

Like Electrum's wizard, the UI only attaches a widget to each question; everything it needs to
decide (relevance, calculations, required and constraint checks, navigation, progress,
indicators, flags) is here and can be tested without Qt. Answers are never changed: an answer
to a question that became irrelevant stays in the input, but counts nowhere (as ODK clears it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from idtool.i18n import LANGUAGES, _, current_language, language
from idtool.questionnaire import answers
from idtool.questionnaire import values as v
from idtool.questionnaire.expr import Context, Expr
from idtool.questionnaire.graph import evaluation_order, nodes
from idtool.questionnaire.model import Choice, Form, Kind, Question, Section, Text
from idtool.questionnaire.values import Value

EXPLOITATIONS = ("labour", "sexual")
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")


@dataclass(frozen=True)
class ValidationIssue:
    question: str
    message: str


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
    return {
        q.name: typed_default(q, today=today) for q in form.questions() if q.default is not None
    }


def started_answers(form: Form, today: dt.date | None = None) -> dict[str, object]:
    """The defaults stored when an interview starts: those that would change from day to day
    ("today()", written as a default or read as a dynamic default), so the interview keeps the
    day it was started on."""
    return {
        q.name: (today or dt.date.today()).isoformat()
        for q in form.questions()
        if q.kind is Kind.DATE and _is_today(q)
    }


def computed_questions(form: Form) -> frozenset[str]:
    """The asked questions the form works out (a calculation without a trigger): shown
    read-only, their stored answers ignored."""
    return frozenset(q.name for q in form.questions() if q.computed)


def _is_today(question: Question) -> bool:
    expression = str(question.default_expr) if question.default_expr is not None else ""
    return TODAY_DEFAULT in ((question.default or "").strip(), expression.strip())


class Flow:
    """The state of one interview: `answers` by question name, shown in `lang`.

    A question with no entry in `answers` takes its default; an entry of None or '' means the
    officer left it empty.
    """

    def __init__(
        self,
        form: Form,
        answers: Mapping[str, object],
        lang: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.form = form
        self.answers = answers
        if lang is None:
            lang = current_language()
        elif lang not in LANGUAGES:  # a language the program lacks: the form's own default
            lang = form.default_language if form.default_language in LANGUAGES else "en"
        self.lang = lang
        self.today = today
        self._relevant: dict[str, bool] = {}
        self._values: dict[str, Value] = {}
        self._questions = {q.name: q for q in form.questions()}
        self._computed: dict[str, object] = {}  # computed question -> its answer
        self._computed_names = computed_questions(form)
        all_nodes = nodes(form)
        ordered, _cycles = evaluation_order(all_nodes)
        self._calculation_order = [
            n.name
            for n in ordered
            if isinstance(n.item, Question) and n.item.kind is Kind.CALCULATE
        ]
        for node in ordered:
            self._compute(node.item, node.parent)

    # ------------------------------------------------------------ values

    def _context(
        self, current: object = None, columns: Mapping[str, object] | None = None
    ) -> Context:
        return Context(
            self._values,
            current,
            columns or {},
            self.today,
            labels=self._choice_label,
            tables=self.form.lookup,
            lang=self.lang,
        )

    def _choice_label(self, question: str, choice: str) -> str:
        """jr:choice-name(): the label of a choice of a select question, in this language."""
        found = self._questions.get(question)
        if found is None or found.list_name is None:
            return ""
        try:
            chosen = self.form.choice_list(found.list_name).choice(choice)
        except KeyError:
            return ""
        return chosen.label.get(self.lang, self.form.default_language) if chosen else ""

    def _test(self, expr: Expr | None, current: object = None, empty: bool = True) -> bool:
        if expr is None:
            return empty
        return v.to_boolean(expr.evaluate(self._context(current)))

    def _compute(self, item: Section | Question, parent: str | None) -> None:
        inherited = self._relevant.get(parent, True) if parent else True
        relevant = inherited and self._test(item.relevant, self.answer(item.name))
        self._relevant[item.name] = relevant
        if not relevant or not isinstance(item, Question):
            self._values[item.name] = ""
        elif item.kind is Kind.CALCULATE and item.calculation is not None:
            # `.` in a calculation is its own stored value, so once(random()) keeps it
            current = self.answers.get(item.name)
            self._values[item.name] = item.calculation.evaluate(self._context(current))
        elif item.computed and item.calculation is not None:  # asked, answered by the form
            answer = typed_default(item, item.calculation.evaluate(self._context()))
            self._computed[item.name] = answer
            self._values[item.name] = v.from_answer(answer)
        elif item.kind.takes_answer:
            self._values[item.name] = v.from_answer(self.answer(item.name))
        else:
            self._values[item.name] = ""

    def answer(self, name: str) -> object:
        """The stored answer, or the question's default when there is none; for a computed
        question (`computed_questions`), what its calculation gives."""
        if name in self._computed_names:
            return self._computed.get(name)
        if name in self.answers:
            return self.answers[name]
        question = self._questions.get(name)
        if question is not None and question.default_expr is not None:
            return typed_default(question, question.default_expr.evaluate(self._context()))
        return typed_default(question, today=self.today) if question else None

    def text(self, text: Text, lang: str | None = None) -> str:
        """A label or hint in this language with each ${name} shown as its current value,
        as ODK shows it (an unknown name stays as written)."""
        shown = text.get(lang or self.lang, self.form.default_language)
        return REFERENCE.sub(
            lambda m: v.to_string(self.value(m[1])) if m[1] in self._questions else m[0], shown
        )

    def value(self, name: str) -> Value:
        """What expressions see for a question ('' when irrelevant or unanswered)."""
        return self._values.get(name, "")

    def is_relevant(self, name: str) -> bool:
        return self._relevant.get(name, False)

    def calculations(self) -> dict[str, Value]:
        """The values of the relevant calculations, each after those it depends on."""
        return {
            name: self._values[name] for name in self._calculation_order if self._relevant.get(name)
        }

    def computed(self) -> frozenset[str]:
        """The asked questions this form works out, shown read-only (`computed_questions`)."""
        return self._computed_names

    def triggered(self, changed: Iterable[str]) -> dict[str, object]:
        """The answers ODK's `trigger` stores when the answers `changed` change: each question
        triggered by one of them, with its calculation evaluated now (`.` is its own answer).
        Only an officer's answer triggers: a value stored by a trigger triggers nothing."""
        names = set(changed)
        out: dict[str, object] = {}
        for name, question in self._questions.items():
            if question.calculation is None or not names.intersection(question.trigger):
                continue
            result = question.calculation.evaluate(self._context(self.answers.get(name)))
            out[name] = typed_default(question, result)
        return out

    def effective_answers(self) -> dict[str, object]:
        """Answers to relevant questions only, defaults applied, empty answers left out."""
        out: dict[str, object] = {}
        for name, question in self._questions.items():
            if question.kind.takes_answer and self.is_relevant(name):
                answer = self.answer(name)
                if not is_empty(answer):
                    out[name] = answer
        return out

    # ------------------------------------------------------------ pages

    def sections(self) -> list[Section]:
        return [s for s in self.form.sections if self.is_relevant(s.name)]

    def questions(self, section: str) -> list[Question]:
        """The relevant questions of a page to show, in order (no groups or calculations)."""
        return [
            q
            for q in self._leaves(self.form.section(section).questions)
            if q.kind is not Kind.CALCULATE
        ]

    def _leaves(self, questions: tuple[Question, ...]) -> Iterator[Question]:
        for question in questions:
            if not self.is_relevant(question.name):
                continue
            if question.kind is Kind.GROUP:
                yield from self._leaves(question.questions)
            else:
                yield question

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

    def is_required(self, question: Question) -> bool:
        return question.kind.takes_answer and self._test(
            question.required, self.answer(question.name), empty=False
        )

    def choices_for(self, question: Question) -> list[Choice]:
        """The choices to offer, after the question's choice_filter."""
        if question.list_name is None:
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
            if v.to_boolean(question.choice_filter.evaluate(self._context(columns=c.columns())))
        ]

    def validate_question(self, question: Question) -> str | None:
        """The message for what is wrong with this answer, or None (irrelevant is fine)."""
        if not self.is_relevant(question.name) or not question.kind.takes_answer:
            return None
        answer = self.answer(question.name)
        with language(self.lang):
            if is_empty(answer):
                return _("This question is required.") if self.is_required(question) else None
            problem = self._type_problem(question, answer)
            if problem:
                return problem
            if not self._test(question.constraint, answer):
                return question.constraint_message.get(self.lang, self.form.default_language) or _(
                    "The answer is not valid."
                )
        return None

    def _type_problem(self, question: Question, answer: object) -> str | None:
        offered = [c.name for c in self.choices_for(question)] if question.kind.is_select else ()
        return answers.stored_problem(question, answer, offered)

    def validate_section(self, name: str) -> list[ValidationIssue]:
        issues = []
        for question in self.questions(name):
            message = self.validate_question(question)
            if message:
                issues.append(ValidationIssue(question.name, message))
        return issues

    def validate(self) -> list[ValidationIssue]:
        """Every issue on every relevant page."""
        return [issue for s in self.sections() for issue in self.validate_section(s.name)]

    def progress(self) -> tuple[int, int]:
        """(answered, total) over the relevant required questions."""
        required = [
            q for s in self.sections() for q in self.questions(s.name) if self.is_required(q)
        ]
        answered = sum(1 for q in required if not is_empty(self.answer(q.name)))
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
            if not rules or not self.is_relevant(name):
                continue
            lookup = dict(rules)
            value = self._values.get(name, "")
            if question.kind.is_select:
                for choice in v.choices_of(value):
                    found.update(lookup.get(choice, ()))
            elif v.to_string(value) != "":
                found.update(lookup.get(v.to_string(value), ()))
                if v.to_boolean(value):
                    found.update(lookup.get("true", ()))
        return frozenset(found)

    def child(self) -> bool:
        """True when the assessment's child rule holds (False when the form has none)."""
        return self._test(self.form.assessment.child, empty=False)

    def exploitation(self) -> str:
        """'labour' or 'sexual' from the form's rule; 'labour' when undecided."""
        expr = self.form.assessment.exploitation
        value = v.to_string(expr.evaluate(self._context())) if expr else ""
        return value if value in EXPLOITATIONS else "labour"
