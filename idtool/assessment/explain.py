"""The reasons for a recommendation in plain words, in the wording of its rules file.

One statement per line: the signs recorded, group by group, and whether each group is
established; each Palermo element, established (and how, with the signs that show it) or not
(and what is lacking, and which questions of the form would establish it); the recommendation
and why; and that it is advice. No rule jargon: a dimension is "established (3 signs)".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from idtool.assessment.evaluate import DimensionResult, Evaluation, evaluate, way_signs
from idtool.assessment.guidance import QuestionSource, question_hints
from idtool.assessment.rules import Recommendation, Rules, Way, Weight
from idtool.i18n import current_language

__all__ = ["QuestionSource", "explain_result"]

_SEPARATOR = ", "
_SIGN_SEPARATOR = "; "


class Explained(Protocol):
    """What the explanation reads from an `AssessmentResult`."""

    @property
    def recommendation(self) -> Recommendation: ...
    @property
    def rules_version(self) -> str: ...
    @property
    def indicators(self) -> list[str]: ...
    @property
    def child(self) -> bool: ...
    @property
    def exploitation(self) -> str: ...
    @property
    def ignored(self) -> list[str]: ...
    @property
    def dimensions(self) -> Mapping[str, DimensionResult]: ...
    @property
    def missing(self) -> tuple[str, ...]: ...
    @property
    def indications(self) -> list[str]: ...


def explain_result(
    result: Explained, rules: Rules, lang: str | None = None, form: QuestionSource | None = None
) -> str:
    lang = lang or current_language()
    rules.check_language(lang)
    t = _Writer(rules, lang)
    found = evaluate(rules, result.indicators, result.child, result.exploitation)
    lines = [
        t.text(
            "header",
            version=result.rules_version,
            group=t.text("group_child" if result.child else "group_adult"),
            exploitation=rules.exploitation[result.exploitation][lang],
        ),
        "",
    ]
    if any(d.indicators for d in result.dimensions.values()):
        lines.append(t.text("signs_heading"))
    for dim_id, dim in result.dimensions.items():
        if dim.indicators:
            lines.extend(_dimension_lines(t, dim_id, dim))
    if result.ignored:
        lines.append(t.text("ignored_heading"))
        lines.extend(t.text("ignored", label=t.label(i), id=i) for i in result.ignored)
    if not result.indicators:
        lines.append(t.text("no_indicators"))
    lines += ["", t.text("elements_heading")]
    for name in rules.elements:
        lines.extend(_element_lines(t, found, name, result, form))
    if result.child:
        lines.append(t.text("child_rule"))
    lines += ["", *_recommendation_lines(t, result), t.text("advice")]
    return "\n".join(lines)


class _Writer:
    def __init__(self, rules: Rules, lang: str) -> None:
        self.rules = rules
        self.lang = lang

    def text(self, key: str, **fields: object) -> str:
        return self.rules.text(key, self.lang, **fields)

    def label(self, indicator_id: str) -> str:
        return self.rules.label(indicator_id, self.lang)

    def dimension(self, dim_id: str) -> str:
        return self.rules.dimensions[dim_id].name[self.lang]

    def element(self, name: str) -> str:
        return self.rules.elements[name].label[self.lang]

    def signs(self, ids: list[str]) -> str:
        return _SIGN_SEPARATOR.join(self.label(i) for i in ids)


def _dimension_lines(t: _Writer, dim_id: str, dim: DimensionResult) -> list[str]:
    total = len(dim.indicators)
    if dim.positive:
        threshold = next(th for th in t.rules.thresholds if th.id == dim.threshold)
        head = t.text(
            "dimension_positive",
            dimension=t.dimension(dim_id),
            total=total,
            threshold=threshold.label[t.lang],
        )
    else:
        head = t.text("dimension_not_positive", dimension=t.dimension(dim_id), total=total)
    lines = [head]
    by_weight = {Weight.STRONG: dim.strong, Weight.MEDIUM: dim.medium, Weight.WEAK: dim.weak}
    for weight, ids in by_weight.items():
        word = t.rules.weight_labels[weight][t.lang]
        lines.extend(t.text("indicator", label=t.label(i), id=i, weight=word) for i in ids)
    return lines


def _element_lines(
    t: _Writer, found: Evaluation, name: str, result: Explained, form: QuestionSource | None
) -> list[str]:
    element = t.rules.elements[name]
    holding = set(found.established_by[name])
    if holding:
        lines = [t.text("element_present", element=t.element(name))]
        for way in element.ways[found.group]:
            if way.id in holding:
                lines.append(_way_line(t, found, way))
        return lines
    lines = [t.text("element_absent", element=t.element(name))]
    stated = [i for i in result.indicators if i in element.ids]
    if stated:
        lines.append(t.text("stated", items=t.signs(stated)))
    lacking = element.missing.get(found.group)
    if lacking:
        lines.append(t.text("reason_alone", reason=lacking[t.lang]))
    required = name in t.rules.presumed_requires[found.group]
    if form is not None and required:
        hints = question_hints(
            form, name, t.rules, result.indicators, result.child, result.exploitation, t.lang
        )
        for key, labels in (("questions_one", hints.one), ("questions_more", hints.more)):
            if labels:
                lines.append(t.text(key))
                lines.extend(t.text("question", label=label) for label in labels)
    return lines


def _way_line(t: _Writer, found: Evaluation, way: Way) -> str:
    signs = way_signs(t.rules, found, way)
    if way.label is not None:
        reason = way.label[t.lang]
        if signs:
            return t.text("reason", reason=reason, signs=t.signs(signs))
        return t.text("reason_alone", reason=reason)
    # a way of the short form (version 1's file), worded by its templates
    test = way.tests[0]
    if way.id == "recorded":
        items = _SEPARATOR.join(f"{t.label(i)} [{i}]" for i in signs)
        return t.text("reason_alone", reason=t.text("reason_recorded", items=items))
    dims = found.dimensions
    if way.id == "indicators_in":
        named = [t.dimension(d) for d in test.names if dims[d].indicators]
        key = "reason_indicators_in"
    else:
        named = [t.dimension(d) for d in test.names if dims[d].positive]
        key = "reason_positive_in"
    return t.text("reason_alone", reason=t.text(key, dimensions=_SEPARATOR.join(named)))


def _recommendation_lines(t: _Writer, result: Explained) -> list[str]:
    label = t.rules.recommendation_labels[result.recommendation][t.lang]
    lines = [t.text("recommendation", recommendation=label)]
    required = t.rules.presumed_requires["child" if result.child else "adult"]
    missing = _SEPARATOR.join(t.element(n) for n in result.missing)
    if not result.missing:
        held = _SEPARATOR.join(t.element(n) for n in required)
        lines.append(t.text("presumed", elements=held))
    elif result.indications:
        reasons = _SEPARATOR.join(_indication_text(t, code) for code in result.indications)
        lines.append(t.text("possible", missing=missing, reasons=reasons))
    else:
        lines.append(t.text("none", missing=missing))
    return lines


def _indication_text(t: _Writer, code: str) -> str:
    way = next(w for w in t.rules.possible_any_of if w.id == code)
    if way.label is not None:
        return way.label[t.lang]
    kind, _, element = code.partition(":")
    if kind == "element":
        return t.text("possible_element", element=t.element(element))
    return t.text(f"possible_{kind}")
