"""The rules applied to a set of ids: dimensions, Palermo elements and the ways that hold.

No wording and no result object here: `scoring.assess` builds the result from an `Evaluation`,
and `guidance` evaluates "what if this answer were added" with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from idtool.assessment.rules import Check, Rules, Test, Way, Weight


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
class Evaluation:
    """Everything the rules decide for one set of ids (see `evaluate`)."""

    ids: frozenset[str]
    child: bool
    dimensions: Mapping[str, DimensionResult]
    ignored: list[str]  # ids given that do not apply to the person's group
    elements: Mapping[str, bool]
    established_by: Mapping[str, list[str]]  # element -> ids of the ways that hold
    indications: list[str]  # ids of the `possible_victim` conditions that hold
    weights: Mapping[str, Weight]  # applicable indicator -> its weight for this person

    @property
    def group(self) -> str:
        return "child" if self.child else "adult"


def evaluate(rules: Rules, ids: Iterable[str], child: bool, exploitation: str) -> Evaluation:
    """Apply `rules` to known ids (the caller has checked them) for one person."""
    given = frozenset(ids)
    weights: dict[str, Weight] = {}
    present: dict[str, dict[Weight, list[str]]] = {
        dim: {w: [] for w in Weight} for dim in rules.dimensions
    }
    ignored: list[str] = []
    for indicator_id in sorted(given):
        indicator = rules.indicators.get(indicator_id)
        if indicator is None:
            continue  # an element id (act.*, purpose.*): no weight
        weight = rules.weight(indicator_id, child, exploitation)
        if weight is None:
            ignored.append(indicator_id)
        else:
            weights[indicator_id] = weight
            present[indicator.dimension][weight].append(indicator_id)
    dims = {dim: _dimension_result(rules, by_weight) for dim, by_weight in present.items()}
    state = _State(rules, given, child, dims, weights)
    group = "child" if child else "adult"
    established_by = {
        name: [way.id for way in element.ways[group] if state.way_holds(way)]
        for name, element in rules.elements.items()
    }
    state.elements = {name: bool(ways) for name, ways in established_by.items()}
    indications = [way.id for way in rules.possible_any_of if state.way_holds(way)]
    return Evaluation(
        ids=given,
        child=child,
        dimensions=dims,
        ignored=ignored,
        elements=state.elements,
        established_by=established_by,
        indications=indications,
        weights=weights,
    )


def way_signs(rules: Rules, evaluation: Evaluation, way: Way) -> list[str]:
    """The ids that took part in `way` (sorted): what the explanation names as its signs."""
    return sorted({i for test in way.tests for i in count(rules, evaluation, test)[1]})


def count(rules: Rules, evaluation: Evaluation, test: Test) -> tuple[int, list[str]]:
    """How many of what `test` counts are present in `evaluation`, and the ids among them."""
    state = _State(
        rules, evaluation.ids, evaluation.child, evaluation.dimensions, dict(evaluation.weights)
    )
    state.elements = dict(evaluation.elements)
    return state.count(test)


def _dimension_result(rules: Rules, by_weight: Mapping[Weight, list[str]]) -> DimensionResult:
    strong, medium, weak = (
        sorted(by_weight[w]) for w in (Weight.STRONG, Weight.MEDIUM, Weight.WEAK)
    )
    met = next((t.id for t in rules.thresholds if t.met(len(strong), len(medium), len(weak))), None)
    return DimensionResult(met is not None, strong, medium, weak, threshold=met)


class _State:
    def __init__(
        self,
        rules: Rules,
        ids: frozenset[str],
        child: bool,
        dims: Mapping[str, DimensionResult],
        weights: dict[str, Weight],
    ) -> None:
        self.rules = rules
        self.ids = ids
        self.child = child
        self.dims = dims
        self.weights = weights
        self.elements: dict[str, bool] = {}  # known once the elements are evaluated

    def way_holds(self, way: Way) -> bool:
        return all(self.count(test)[0] >= test.minimum for test in way.tests)

    def count(self, test: Test) -> tuple[int, list[str]]:
        """How many of what `test` counts are present, and the ids among them."""
        rules = self.rules
        match test.check:
            case Check.RECORDED:
                found = [i for n in test.names for i in rules.elements[n].ids if i in self.ids]
                return len(found), found
            case Check.SIGNS:
                found = [
                    i
                    for dim in test.names
                    for i in self.dims[dim].indicators
                    if self.weights[i] in test.weights
                ]
                return len(found), found
            case Check.POSITIVE:
                positive = [d for d in test.names if self.dims[d].positive]
                return len(positive), [i for d in positive for i in self.dims[d].indicators]
            case Check.SET:
                found = sorted(
                    {i for s in test.names for i in rules.id_sets[s].ids if i in self.weights}
                )
                return len(found), found
            case Check.ELEMENTS:
                group = "child" if self.child else "adult"
                names = (
                    rules.presumed_requires[group] if test.names == ("required",) else test.names
                )
                return sum(1 for n in names if self.elements[n]), []
            case Check.GROUP:
                return int(("child" if self.child else "adult") in test.names), []
            case Check.ANY_ID:
                counted = [i for i in self.ids if i in self.weights or i not in rules.indicators]
                return len(counted), []
        raise AssertionError(f"unhandled check {test.check!r}")  # rules_file rejects these
