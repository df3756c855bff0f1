"""Indicator ids -> recommendation, following the rules data (see ../shared/assessment.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from idtool.assessment.result import AssessmentResult, DimensionResult
from idtool.assessment.rules import Condition, Element, Recommendation, Rules, Weight
from idtool.assessment.rules_file import load_rules


def assess(
    indicators: Iterable[str],
    child: bool = False,
    exploitation: str = "labour",
    *,
    rules: Rules | None = None,
) -> AssessmentResult:
    """Assess the indicator ids recorded for one person.

    `child`: under 18 at the time of exploitation (selects the child weights and rule).
    `exploitation`: the weight column, "labour" or "sexual".
    `rules`: another rules version (default: the shipped rules).
    Unknown ids or exploitation kinds raise ValueError naming them.
    """
    rules = rules if rules is not None else load_rules()
    ids = _checked_ids(indicators, rules)
    if exploitation not in rules.exploitation:
        kinds = ", ".join(rules.exploitation)
        raise ValueError(f"unknown exploitation {exploitation!r} (expected one of: {kinds})")
    child = bool(child)

    present: dict[str, dict[Weight, list[str]]] = {
        dim: {w: [] for w in Weight} for dim in rules.dimensions
    }
    ignored: list[str] = []
    for indicator_id in sorted(ids):
        indicator = rules.indicators.get(indicator_id)
        if indicator is None:
            continue  # an element id (act.*, purpose.*): no weight
        weight = rules.weight(indicator_id, child, exploitation)
        if weight is None:
            ignored.append(indicator_id)
        else:
            present[indicator.dimension][weight].append(indicator_id)

    dimensions = {dim: _dimension_result(rules, by_weight) for dim, by_weight in present.items()}
    elements = {
        name: _element_holds(element, ids, dimensions) for name, element in rules.elements.items()
    }
    applied_any = len(ids) > len(ignored)
    indications = [
        condition.code
        for condition in rules.possible_any_of
        if _condition_holds(condition, child, applied_any, dimensions, elements)
    ]
    required = rules.presumed_requires["child" if child else "adult"]
    if all(elements[name] for name in required):
        recommendation = Recommendation.PRESUMED_VICTIM
    elif indications:
        recommendation = Recommendation.POSSIBLE_VICTIM
    else:
        recommendation = Recommendation.NO_INDICATION
    return AssessmentResult(
        recommendation=recommendation,
        elements=elements,
        dimensions=dimensions,
        rules_version=rules.version,
        indicators=sorted(ids),
        child=child,
        exploitation=exploitation,
        ignored=ignored,
        indications=indications,
        rules=rules,
    )


def _checked_ids(indicators: Iterable[str], rules: Rules) -> set[str]:
    if isinstance(indicators, str | bytes):
        raise TypeError("indicators must be a collection of ids, not a single string")
    ids = set(indicators)
    known = rules.known_ids()
    unknown = sorted(repr(i) for i in ids if not isinstance(i, str) or i not in known)
    if unknown:
        raise ValueError(f"unknown indicator ids: {', '.join(unknown)}")
    return ids


def _dimension_result(rules: Rules, by_weight: Mapping[Weight, list[str]]) -> DimensionResult:
    strong, medium, weak = (
        sorted(by_weight[w]) for w in (Weight.STRONG, Weight.MEDIUM, Weight.WEAK)
    )
    met = next((t.id for t in rules.thresholds if t.met(len(strong), len(medium), len(weak))), None)
    return DimensionResult(met is not None, strong, medium, weak, threshold=met)


def _element_holds(
    element: Element, ids: set[str], dimensions: Mapping[str, DimensionResult]
) -> bool:
    return (
        any(i in ids for i in element.ids)
        or any(dimensions[dim].indicators for dim in element.any_indicator_in)
        or any(dimensions[dim].positive for dim in element.positive_dimension_in)
    )


def _condition_holds(
    condition: Condition,
    child: bool,
    applied_any: bool,
    dimensions: Mapping[str, DimensionResult],
    elements: Mapping[str, bool],
) -> bool:
    match condition.kind:
        case "positive_dimension":
            return any(d.positive for d in dimensions.values())
        case "strong_indicator":
            return any(d.strong for d in dimensions.values())
        case "child_any_indicator":
            return child and applied_any
        case "element":
            return bool(condition.element and elements[condition.element])
    raise AssertionError(f"unhandled condition {condition.kind!r}")  # rules_file rejects these
