"""Which questions of a form would establish an element that is missing.

A form's questions carry indicator ids per answer (`indicators: {answer: [ids]}` in the
questionnaire). For a missing element this module lists, in the form's order,

- `one`: the questions one answer to which, added to what was recorded, would establish it;
- `more`: the questions whose answers could establish it together with other answers (they
  record an id that counts towards a way of the rules this form can still complete).

The form is read through a small protocol, so the assessment does not depend on the
questionnaire package.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from idtool.assessment.evaluate import Evaluation, count, evaluate
from idtool.assessment.rules import Check, Rules, Test


class TextLike(Protocol):
    def get(self, lang: str, fallback: str | None = None) -> str: ...


class QuestionLike(Protocol):
    @property
    def label(self) -> TextLike: ...

    @property
    def indicators(self) -> tuple[tuple[str, tuple[str, ...]], ...]: ...


class QuestionSource(Protocol):
    """A questionnaire form as far as the assessment needs it (`questionnaire.model.Form`)."""

    @property
    def default_language(self) -> str: ...

    def questions(self) -> Iterator[QuestionLike]: ...


class AssessedLike(Protocol):
    @property
    def indicators(self) -> list[str]: ...

    @property
    def child(self) -> bool: ...

    @property
    def exploitation(self) -> str: ...


@dataclass(frozen=True)
class QuestionHints:
    one: list[str]
    more: list[str]


def questions_for(
    form: QuestionSource, element: str, result: AssessedLike, rules: Rules, lang: str
) -> list[str]:
    """The labels (in `lang`) of the questions of `form` that could record an id that would
    establish `element` for the assessed person: those one answer to which would, then those
    that would together with other answers. Empty when the element is already established."""
    hints = question_hints(form, element, rules, result.indicators, result.child,
                           result.exploitation, lang)  # fmt: skip
    return [*hints.one, *hints.more]


def question_hints(
    form: QuestionSource,
    element: str,
    rules: Rules,
    ids: Iterable[str],
    child: bool,
    exploitation: str,
    lang: str,
) -> QuestionHints:
    known = rules.known_ids()
    present = frozenset(ids)
    base = evaluate(rules, present, child, exploitation)
    if base.elements[element]:
        return QuestionHints([], [])
    asked: list[tuple[str, list[frozenset[str]]]] = []  # (label, new ids of each answer)
    for question in form.questions():
        text = question.label.get(lang, form.default_language)
        news = [
            frozenset(i for i in got if i in known) - present for _v, got in question.indicators
        ]
        news = [new for new in news if new]
        if text and news:
            asked.append((text, news))
    emittable = frozenset(i for _text, news in asked for new in news for i in new)
    helpful = _helpful_ids(rules, base, element, emittable, exploitation)
    hints = QuestionHints([], [])
    for text, news in asked:
        if any(
            evaluate(rules, present | new, child, exploitation).elements[element] for new in news
        ):
            hints.one.append(text)
        elif any(new & helpful for new in news):
            hints.more.append(text)
    return hints


def _helpful_ids(
    rules: Rules, base: Evaluation, element: str, emittable: frozenset[str], exploitation: str
) -> frozenset[str]:
    """Ids that count towards a test not yet met of a way the form can still complete."""
    everything = evaluate(rules, base.ids | emittable, base.child, exploitation)
    reachable = set(everything.established_by[element])
    helpful: set[str] = set()
    for way in rules.elements[element].ways[base.group]:
        if way.id not in reachable:
            continue
        for test in way.tests:
            if count(rules, base, test)[0] < test.minimum:
                helpful.update(_counted_by(rules, test, base.child, exploitation))
    return frozenset(helpful - base.ids)


def _counted_by(rules: Rules, test: Test, child: bool, exploitation: str) -> Iterator[str]:
    """Every id whose presence would raise what `test` counts for this person."""
    match test.check:
        case Check.RECORDED:
            for name in test.names:
                yield from rules.elements[name].ids
        case Check.SIGNS | Check.POSITIVE | Check.SET:
            if test.check is Check.SET:
                candidates = [i for name in test.names for i in rules.id_sets[name].ids]
            else:
                candidates = [
                    i for i, ind in rules.indicators.items() if ind.dimension in test.names
                ]
            for indicator_id in candidates:
                weight = rules.weight(indicator_id, child, exploitation)
                if weight is not None and (test.check is not Check.SIGNS or weight in test.weights):
                    yield indicator_id
        case _:
            return
