"""What an assessment produces: per-dimension results, Palermo elements and the recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from idtool.assessment.explanation import explain
from idtool.assessment.rules import Recommendation, Rules
from idtool.assessment.rules_file import load_rules

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
