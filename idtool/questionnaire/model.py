"""The questionnaire model: immutable values, the same whether read from YAML or XLSForm.

Where a thing was defined (`source`) and the loader's warnings are kept for messages but left
out of equality, so a form read from YAML equals the same form read from `.xlsx`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from idtool.questionnaire.expr import Expr
from idtool.questionnaire.problems import Problem
from idtool.questionnaire.tables import DataTable


class Kind(StrEnum):
    """Question types (XLSForm names)."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    NOTE = "note"
    CALCULATE = "calculate"
    GROUP = "group"
    REPEAT = "repeat"  # a group asked once per entry (a loop: once per choice of a list)

    @property
    def is_select(self) -> bool:
        return self in (Kind.SELECT_ONE, Kind.SELECT_MULTIPLE)

    @property
    def takes_answer(self) -> bool:
        """An officer enters a value (not a note, calculation or group)."""
        return self not in (Kind.NOTE, Kind.CALCULATE, Kind.GROUP, Kind.REPEAT)

    @property
    def holds_questions(self) -> bool:
        return self in (Kind.GROUP, Kind.REPEAT)


class Sensitivity(StrEnum):
    IDENTIFYING = "identifying"
    SENSITIVE = "sensitive"
    ORDINARY = "ordinary"


class FormKind(StrEnum):
    SCREENING = "screening"
    IDENTIFICATION = "identification"


@dataclass(frozen=True)
class Text:
    """A user-visible text in several languages."""

    translations: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Text:
        return cls(tuple(sorted(mapping.items())))

    def __bool__(self) -> bool:
        return bool(self.translations)

    def __getitem__(self, lang: str) -> str:
        return dict(self.translations)[lang]

    def languages(self) -> frozenset[str]:
        return frozenset(lang for lang, _text in self.translations)

    def get(self, lang: str, fallback: str | None = None) -> str:
        """The text in `lang`, else in `fallback`, else in any language, else ''."""
        texts = dict(self.translations)
        for key in (lang, fallback):
            if key and texts.get(key):
                return texts[key]
        return next((t for t in texts.values() if t), "")


@dataclass(frozen=True)
class Choice:
    name: str
    label: Text
    extra: tuple[tuple[str, str], ...] = ()  # other columns, for choice_filter

    def columns(self) -> dict[str, object]:
        """What a choice_filter sees: the extra columns plus `name`."""
        return {**dict(self.extra), "name": self.name}


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.choices)

    def choice(self, name: str) -> Choice | None:
        return next((c for c in self.choices if c.name == name), None)


@dataclass(frozen=True)
class Question:
    name: str
    kind: Kind
    list_name: str | None = None
    label: Text = Text()
    hint: Text = Text()
    required: Expr | None = None
    relevant: Expr | None = None
    constraint: Expr | None = None
    constraint_message: Text = Text()
    choice_filter: Expr | None = None
    default: str | None = None
    default_expr: Expr | None = None  # a dynamic default (an expression), as ODK
    calculation: Expr | None = None
    sensitivity: Sensitivity = Sensitivity.ORDINARY
    # answer value (choice name, or "true" for a calculation) -> indicator ids
    indicators: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # answer value -> flags (idtool.questionnaire.flag_ids): recorded, never scored
    flags: tuple[tuple[str, tuple[str, ...]], ...] = ()
    questions: tuple[Question, ...] = ()  # the members of a group
    bind: str = ""  # a person field this question fills (questionnaire.binds), or ""
    repeat_count: Expr | None = None  # a repeat's number of entries, when fixed by the form
    # the questions whose answer, when it changes, stores this question's calculation as its
    # answer (ODK's `trigger`); the question stays asked and editable
    trigger: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def computed(self) -> bool:
        """An asked question with a calculation and no trigger: its answer is the calculation,
        shown read-only (as ODK)."""
        return self.calculation is not None and self.kind.takes_answer and not self.trigger

    def indicators_for(self, value: str) -> tuple[str, ...]:
        return dict(self.indicators).get(value, ())

    def flags_for(self, value: str) -> tuple[str, ...]:
        return dict(self.flags).get(value, ())

    def walk(self) -> Iterator[Question]:
        """This question and, for a group, everything inside it, in order."""
        yield self
        for child in self.questions:
            yield from child.walk()


@dataclass(frozen=True)
class Section:
    """A top-level group: one page of the wizard."""

    name: str
    label: Text = Text()
    hint: Text = Text()
    relevant: Expr | None = None
    questions: tuple[Question, ...] = ()
    source: str = field(default="", compare=False)

    def walk(self) -> Iterator[Question]:
        for question in self.questions:
            yield from question.walk()


@dataclass(frozen=True)
class Assessment:
    """How answers feed the assessment: the child rule and the kind of exploitation."""

    child: Expr | None = None
    exploitation: Expr | None = None
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Form:
    form_id: str
    version: str
    kind: FormKind
    default_language: str
    languages: tuple[str, ...]
    title: Text
    sections: tuple[Section, ...]
    choice_lists: tuple[ChoiceList, ...] = ()
    assessment: Assessment = Assessment()
    source: str = field(default="", compare=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)  # what the loader ignored
    tables: tuple[DataTable, ...] = field(default=(), compare=False)  # CSV files for pulldata()

    def questions(self) -> Iterator[Question]:
        """Every question and nested group of every section, in order."""
        for section in self.sections:
            yield from section.walk()

    def question(self, name: str) -> Question:
        for question in self.questions():
            if question.name == name:
                return question
        raise KeyError(name)

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)

    def choice_list(self, name: str) -> ChoiceList:
        for choice_list in self.choice_lists:
            if choice_list.name == name:
                return choice_list
        raise KeyError(name)

    def repeats(self) -> Iterator[Question]:
        return (q for q in self.questions() if q.kind is Kind.REPEAT)

    def owners(self) -> dict[str, str]:
        """question name -> the repeat it is asked in, for every question inside a repeat."""
        return {q.name: r.name for r in self.repeats() for q in r.walk() if q is not r}

    def bound(self) -> dict[str, str]:
        """bind target -> question name, for the questions bound to something."""
        return {q.bind: q.name for q in self.questions() if q.bind}

    def expressions(self) -> Iterator[Expr]:
        """Every expression of the form's sections and questions."""
        for section in self.sections:
            if section.relevant is not None:
                yield section.relevant
        for question in self.questions():
            for expression in (
                question.relevant,
                question.required,
                question.constraint,
                question.choice_filter,
                question.calculation,
                question.default_expr,
                question.repeat_count,
            ):
                if expression is not None:
                    yield expression

    def lookup(self, table: str, column: str, key_column: str, key: str) -> str:
        """pulldata(): a value from a CSV table shipped with the form ('' when none)."""
        found = next((t for t in self.tables if t.name == table), None)
        return found.lookup(column, key_column, key) if found else ""

    def indicator_ids(self) -> frozenset[str]:
        """Every indicator id some answer of this form can emit."""
        return frozenset(i for q in self.questions() for _v, ids in q.indicators for i in ids)

    def flag_ids(self) -> frozenset[str]:
        """Every flag some answer of this form can record."""
        return frozenset(f for q in self.questions() for _v, ids in q.flags for f in ids)
