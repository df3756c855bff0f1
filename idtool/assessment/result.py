"""What an assessment produces: per-dimension results, Palermo elements and the recommendation,
and the human-readable reasons for it in the wording of the rules file (`explain`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from idtool.assessment.rules import Recommendation, Rules, Weight
from idtool.assessment.rules_file import load_rules
from idtool.i18n import current_language

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class DimensionResult:
    """The indicators present in one dimension, by weight (sorted), and whether it is positive.

    `threshold` names the first threshold met (None when not positive); it is informative and
    not part of equality, so results compare by what the contract defines.
    """

    positive: bool
    strong: list[str]
    medium: list[str]
    weak: list[str]
    threshold: str | None = field(default=None, compare=False)

    @property
    def indicators(self) -> list[str]:
        return sorted(self.strong + self.medium + self.weak)

    def to_dict(self) -> dict[str, Any]:
        return {
            "positive": self.positive,
            "strong": list(self.strong),
            "medium": list(self.medium),
            "weak": list(self.weak),
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class AssessmentResult:
    """The outcome of `assess()`: advice for the officer, who records the decision separately.

    `indicators` are all the ids given (sorted, each once); `ignored` are those among them that
    do not apply to the person's group (weight '-') and so took no part. `indications` are the
    codes of the `possible_victim` conditions that hold (e.g. "strong_indicator",
    "element:purpose"), whatever the recommendation.
    """

    recommendation: Recommendation
    elements: Mapping[str, bool]
    dimensions: Mapping[str, DimensionResult]
    rules_version: str
    indicators: list[str]
    child: bool
    exploitation: str
    ignored: list[str] = field(default_factory=list)
    indications: list[str] = field(default_factory=list)
    rules: Rules | None = field(default=None, repr=False, compare=False)

    def explain(self, lang: str | None = None) -> str:
        """The reasons in `lang` (ky / ru / en; default: the current language), one per line."""
        return explain(self, self.rules or load_rules(), lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable record to store with the assessment."""
        return {
            "rules_version": self.rules_version,
            "recommendation": str(self.recommendation),
            "child": self.child,
            "exploitation": self.exploitation,
            "indicators": list(self.indicators),
            "ignored": list(self.ignored),
            "indications": list(self.indications),
            "elements": dict(self.elements),
            "dimensions": {dim: res.to_dict() for dim, res in self.dimensions.items()},
        }


# -- the explanation, in the wording of the rules file ----------------------------------------

_SEPARATOR = ", "


def explain(result: AssessmentResult, rules: Rules, lang: str | None = None) -> str:
    """Which indicators fired (label, weight), which dimensions are positive and why, which
    elements hold, the child rule, and the recommendation as advice; one statement per line."""
    lang = lang or current_language()
    rules.check_language(lang)
    t = _Writer(rules, lang)
    lines = [
        t.text(
            "header",
            version=result.rules_version,
            group=t.text("group_child" if result.child else "group_adult"),
            exploitation=rules.exploitation[result.exploitation][lang],
        ),
        "",
    ]
    for dim_id, dim in result.dimensions.items():
        if dim.indicators:
            lines.extend(_dimension_lines(t, dim_id, dim))
    if result.ignored:
        lines.append(t.text("ignored_heading"))
        lines.extend(t.text("ignored", label=t.label(i), id=i) for i in result.ignored)
    if not result.indicators:
        lines.append(t.text("no_indicators"))
    lines += ["", t.text("elements_heading")]
    lines.extend(_element_line(t, result, name) for name in rules.elements)
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


def _dimension_lines(t: _Writer, dim_id: str, dim: DimensionResult) -> list[str]:
    counts = t.text("counts", strong=len(dim.strong), medium=len(dim.medium), weak=len(dim.weak))
    if dim.positive:
        threshold = next(th for th in t.rules.thresholds if th.id == dim.threshold)
        head = t.text(
            "dimension_positive",
            dimension=t.dimension(dim_id),
            counts=counts,
            threshold=threshold.label[t.lang],
        )
    else:
        head = t.text("dimension_not_positive", dimension=t.dimension(dim_id), counts=counts)
    lines = [head]
    by_weight = {Weight.STRONG: dim.strong, Weight.MEDIUM: dim.medium, Weight.WEAK: dim.weak}
    for weight, ids in by_weight.items():
        word = t.rules.weight_labels[weight][t.lang]
        lines.extend(t.text("indicator", label=t.label(i), id=i, weight=word) for i in ids)
    return lines


def _element_line(t: _Writer, result: AssessmentResult, name: str) -> str:
    if not result.elements[name]:
        return t.text("element_absent", element=t.element(name))
    element = t.rules.elements[name]
    reasons = []
    recorded = [f"{t.label(i)} [{i}]" for i in result.indicators if i in element.ids]
    if recorded:
        reasons.append(t.text("reason_recorded", items=_SEPARATOR.join(recorded)))
    dims = result.dimensions
    present_in = [t.dimension(d) for d in element.any_indicator_in if dims[d].indicators]
    if present_in:
        reasons.append(t.text("reason_indicators_in", dimensions=_SEPARATOR.join(present_in)))
    positive_in = [t.dimension(d) for d in element.positive_dimension_in if dims[d].positive]
    if positive_in:
        reasons.append(t.text("reason_positive_in", dimensions=_SEPARATOR.join(positive_in)))
    return t.text("element_present", element=t.element(name), reasons="; ".join(reasons))


def _recommendation_lines(t: _Writer, result: AssessmentResult) -> list[str]:
    label = t.rules.recommendation_labels[result.recommendation][t.lang]
    lines = [t.text("recommendation", recommendation=label)]
    required = t.rules.presumed_requires["child" if result.child else "adult"]
    missing = _SEPARATOR.join(t.element(n) for n in required if not result.elements[n])
    if not missing:
        held = _SEPARATOR.join(t.element(n) for n in required)
        lines.append(t.text("presumed", elements=held))
    elif result.indications:
        reasons = _SEPARATOR.join(_indication_text(t, code) for code in result.indications)
        lines.append(t.text("possible", missing=missing, reasons=reasons))
    else:
        lines.append(t.text("none", missing=missing))
    return lines


def _indication_text(t: _Writer, code: str) -> str:
    kind, _, element = code.partition(":")
    if kind == "element":
        return t.text("possible_element", element=t.element(element))
    return t.text(f"possible_{kind}")
