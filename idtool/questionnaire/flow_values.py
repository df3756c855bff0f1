"""The values of an interview: relevance, calculations, defaults and the entries of repeats.

`Flow` (pages, checks, assessment) builds on this. Each value is computed once, after those it
depends on (`graph`); a repeat's entries are computed together, each from its own answers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping

from idtool.i18n import LANGUAGES, _, current_language, language
from idtool.questionnaire import values as v
from idtool.questionnaire.defaults import is_empty, typed_default
from idtool.questionnaire.entries import MAX_ENTRIES, Entry, stored_entries
from idtool.questionnaire.expr import Context, Expr
from idtool.questionnaire.graph import Node, evaluation_order, nodes
from idtool.questionnaire.model import Choice, Form, Kind, Question, Section, Text
from idtool.questionnaire.values import Value


def computed_questions(form: Form) -> frozenset[str]:
    """The asked questions the form works out outside repeats (a calculation without a
    trigger): shown read-only, their stored answers ignored. Inside a repeat one is worked
    out in each entry and never stored."""
    inside = form.owners()
    return frozenset(q.name for q in form.questions() if q.computed and q.name not in inside)


REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")


class FlowValues:
    """The values of one interview: `answers` by question name, shown in `lang`.

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
        self._entries: dict[str, list[Entry]] = {}
        self._questions = {q.name: q for q in form.questions()}
        self._owners = form.owners()
        self._computed: dict[str, object] = {}  # computed question -> its answer
        # every computed question, inside repeats too (each entry keeps its own answer)
        self._computed_names = frozenset(q.name for q in form.questions() if q.computed)
        self._top_computed = computed_questions(form)  # `computed()`: asked for each block
        ordered, _cycles = evaluation_order(nodes(form))
        self._inner: dict[str, list[Node]] = {}
        for node in ordered:
            if node.name in self._owners:
                self._inner.setdefault(self._owners[node.name], []).append(node)
        self._calculation_order = [
            n.name
            for n in ordered
            if isinstance(n.item, Question)
            and n.item.kind is Kind.CALCULATE
            and n.name not in self._owners
        ]
        for node in ordered:
            if node.name not in self._owners:
                self._compute(node.item, node.parent, None)

    # ------------------------------------------------------------ values

    def _context(
        self,
        entry: Entry | None = None,
        current: object = None,
        columns: Mapping[str, object] | None = None,
    ) -> Context:
        return Context(
            ChainMap[str, Value](entry.values, self._values) if entry else self._values,
            current,
            columns or {},
            self.today,
            labels=self._choice_label,
            tables=self.form.lookup,
            position=entry.position if entry else None,
            nodesets=self._nodeset,
            lang=self.lang,
        )

    def _nodeset(self, name: str) -> list[Value]:
        """A question's values as a node-set: one per entry inside a repeat, else one."""
        question = self._questions.get(name)
        if question is not None and question.kind is Kind.REPEAT:
            return ["" for _entry in self._entries.get(name, [])]
        if name in self._owners:
            return [e.values.get(name, "") for e in self._entries.get(self._owners[name], [])]
        return [self._values.get(name, "")]

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

    def _test(
        self, expr: Expr | None, entry: Entry | None, current: object = None, empty: bool = True
    ) -> bool:
        if expr is None:
            return empty
        return v.to_boolean(expr.evaluate(self._context(entry, current)))

    def _compute(self, item: Section | Question, parent: str | None, entry: Entry | None) -> None:
        relevance = entry.relevant if entry else self._relevant
        values = entry.values if entry else self._values
        inherited = self.is_relevant(parent, entry) if parent else True
        relevant = inherited and self._test(item.relevant, entry, self.answer(item.name, entry))
        relevance[item.name] = relevant
        if not relevant or not isinstance(item, Question):
            values[item.name] = ""
        elif item.kind is Kind.REPEAT:
            self._fill(item)
        elif item.kind is Kind.CALCULATE and item.trigger and entry is None:
            # set only when a trigger fires (`triggered`): the value stored then
            values[item.name] = v.from_answer(self.answers.get(item.name))
        elif item.kind is Kind.CALCULATE and item.calculation is not None:
            # `.` in a calculation is its own stored value, so once(random()) keeps it
            current = (entry.stored if entry else self.answers).get(item.name)
            values[item.name] = item.calculation.evaluate(self._context(entry, current))
        elif item.computed and item.calculation is not None:  # asked, answered by the form
            answer = typed_default(item, item.calculation.evaluate(self._context(entry)))
            (entry.computed if entry else self._computed)[item.name] = answer
            values[item.name] = v.from_answer(answer)
        elif item.kind.takes_answer:
            values[item.name] = v.from_answer(self.answer(item.name, entry))
        else:
            values[item.name] = ""

    def _fill(self, repeat: Question) -> None:
        """Compute every entry of a relevant repeat; outside it, each question inside reads
        as its value in the first entry.

        Twice: the first pass computes each entry seeing the entries before it; the second
        computes them again seeing every entry of the first pass, so count(${repeat}) or
        sum(${q}) inside an entry is the total, as in ODK."""
        stored = stored_entries(self.answers.get(repeat.name))
        loop = self._loop(repeat)
        count = self._count(repeat, stored, loop)
        passes = 2 if count > 1 else 1
        for number in range(passes):
            found: list[Entry] = []
            if number == 0:
                self._entries[repeat.name] = found  # the first pass reads what it has made
            for index in range(count):
                entry = Entry(
                    repeat,
                    index,
                    stored[index] if index < len(stored) else {},
                    loop[index] if loop is not None else None,
                )
                found.append(entry)
                for node in self._inner.get(repeat.name, []):
                    self._compute(node.item, node.parent, entry)
            self._entries[repeat.name] = found
        self._values[repeat.name] = ""
        for node in self._inner.get(repeat.name, []):
            self._values[node.name] = found[0].values.get(node.name, "") if found else ""

    def _loop(self, repeat: Question) -> list[Choice] | None:
        """A loop's choices (`begin loop over L`), or None for a repeat."""
        if repeat.list_name is None:
            return None
        try:
            return list(self.form.choice_list(repeat.list_name).choices[:MAX_ENTRIES])
        except KeyError:
            return []

    def _count(
        self, repeat: Question, stored: list[Mapping[str, object]], loop: list[Choice] | None
    ) -> int:
        if loop is not None:
            return len(loop)
        if repeat.repeat_count is None:
            return len(stored)
        number = v.to_number(repeat.repeat_count.evaluate(self._context()))
        return min(max(v.java_int(number), 0), MAX_ENTRIES)

    def answer(self, name: str, entry: Entry | None = None) -> object:
        """The stored answer, or the question's default when there is none (a repeat's is
        the stored list of entries); for a computed question (`computed_questions`), what its
        calculation gives."""
        if name in self._computed_names:
            return (entry.computed if entry else self._computed).get(name)
        stored = entry.stored if entry else self.answers
        if name in stored:
            return stored[name]
        question = self._questions.get(name)
        if question is not None and question.default_expr is not None:
            computed = question.default_expr.evaluate(self._context(entry))
            return typed_default(question, computed)
        return typed_default(question, today=self.today) if question else None

    def text(self, text: Text, lang: str | None = None, entry: Entry | None = None) -> str:
        """A label or hint in this language with each ${name} shown as its current value,
        as ODK shows it (an unknown name stays as written); in a loop's entry, %(label)s and
        %(name)s are its choice's label and name, as pyxform writes them."""
        shown = text.get(lang or self.lang, self.form.default_language)
        if entry is not None and entry.choice is not None:
            label = entry.choice.label.get(lang or self.lang, self.form.default_language)
            shown = shown.replace("%(label)s", label).replace("%(name)s", entry.choice.name)
        return REFERENCE.sub(
            lambda m: v.to_string(self.value(m[1], entry)) if m[1] in self._questions else m[0],
            shown,
        )

    def value(self, name: str, entry: Entry | None = None) -> Value:
        """What expressions see for a question ('' when irrelevant or unanswered)."""
        if entry is not None and name in entry.values:
            return entry.values[name]
        return self._values.get(name, "")

    def is_relevant(self, name: str, entry: Entry | None = None) -> bool:
        if entry is not None and name in entry.relevant:
            return entry.relevant[name]
        return self._relevant.get(name, False)

    def calculations(self) -> dict[str, Value]:
        """The values of the relevant calculations, each after those it depends on."""
        return {
            name: self._values[name] for name in self._calculation_order if self._relevant.get(name)
        }

    def computed(self) -> frozenset[str]:
        """The asked questions this form works out outside repeats, shown read-only
        (`computed_questions`); inside a repeat, `Question.computed` says it per question."""
        return self._top_computed

    def triggered(self, changed: Iterable[str]) -> dict[str, object]:
        """The answers ODK's `trigger` stores when the answers `changed` change: each question
        triggered by one of them, with its calculation evaluated now (`.` is its own answer).
        Only an officer's answer triggers: a value stored by a trigger triggers nothing. A
        question inside a repeat is not triggered (its entries are answered together)."""
        names = set(changed)
        out: dict[str, object] = {}
        for name, question in self._questions.items():
            if question.calculation is None or not names.intersection(question.trigger):
                continue
            if name in self._owners:
                continue
            result = question.calculation.evaluate(self._context(None, self.answers.get(name)))
            out[name] = (
                result if question.kind is Kind.CALCULATE else typed_default(question, result)
            )
        return out

    def once_values(self) -> dict[str, Value]:
        """The values of relevant calculations that call once() and have none stored yet: the
        interview stores them with the answers, so they stay as first computed (as ODK keeps
        them in the form's data). Calculations inside a repeat are left out."""
        stored = self.answers
        return {
            name: self._values[name]
            for name in self._calculation_order
            if self._relevant.get(name)
            and name not in stored
            and v.to_string(self._values[name]) != ""
            and (calculation := self._questions[name].calculation) is not None
            and calculation.calls("once")
        }

    def effective_answers(self) -> dict[str, object]:
        """Answers to relevant questions only, defaults applied, empty answers left out; a
        repeat's, one mapping per entry, when some entry has one."""
        out: dict[str, object] = {}
        for name, question in self._questions.items():
            if question.kind is Kind.REPEAT:
                kept = [self._answered(e.repeat.walk(), e) for e in self.entries(name)]
                if any(kept):
                    out[name] = kept
            elif name not in self._owners:
                out.update(self._answered([question], None))
        return out

    def _answered(
        self, questions: Iterator[Question] | list[Question], entry: Entry | None
    ) -> dict[str, object]:
        found: dict[str, object] = {}
        for question in questions:
            if question.kind.takes_answer and self.is_relevant(question.name, entry):
                answer = self.answer(question.name, entry)
                if not is_empty(answer):
                    found[question.name] = answer
        return found

    # ------------------------------------------------------------ repeats

    def entries(self, repeat: str) -> list[Entry]:
        """The entries of a relevant repeat, in order (none when it is not relevant)."""
        return list(self._entries.get(repeat, []))

    def is_fixed(self, repeat: Question) -> bool:
        """Whether the form fixes the entries (a loop, or repeat_count): the officer neither
        adds nor removes one."""
        return repeat.list_name is not None or repeat.repeat_count is not None

    def entry_title(self, entry: Entry, lang: str | None = None) -> str:
        """A loop's entry: its choice's label; a repeat's: its label and number."""
        lang = lang or self.lang
        if entry.choice is not None:
            return entry.choice.label.get(lang, self.form.default_language)
        title = self.text(entry.repeat.label, lang) or entry.repeat.name
        with language(lang):
            return _("{title}: entry {number}").format(title=title, number=entry.position)

    def entry_questions(self, entry: Entry) -> list[Question]:
        """The relevant questions of an entry to show, in order (no groups or calculations)."""
        return [
            q for q in self._leaves(entry.repeat.questions, entry) if q.kind is not Kind.CALCULATE
        ]

    def _leaves(self, questions: tuple[Question, ...], entry: Entry | None) -> Iterator[Question]:
        for question in questions:
            if not self.is_relevant(question.name, entry):
                continue
            if question.kind is Kind.GROUP:
                yield from self._leaves(question.questions, entry)
            else:
                yield question
