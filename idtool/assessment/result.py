"""What an assessment produces: per-dimension results, Palermo elements and the recommendation,
and the reasons for it in plain words, in the wording of its rules version (`explain`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from idtool.assessment.evaluate import DimensionResult
from idtool.assessment.explain import QuestionSource, explain_result
from idtool.assessment.rules import Recommendation, Rules
from idtool.assessment.versions import rules_for

__all__ = ["AssessmentResult", "DimensionResult"]


@dataclass(frozen=True)
class AssessmentResult:
    """The outcome of `assess()`: advice for the officer, who records the decision separately.

    `indicators` are all the ids given (sorted, each once); `ignored` are those among them that
    do not apply to the person's group (weight '-') and so took no part. `indications` are the
    codes of the `possible_victim` conditions that hold (e.g. "strong_indicator",
    "element:purpose"), whatever the recommendation. `missing` are the required elements not
    established, in the order act, means, purpose (never "means" for a child);
    `established_by` names, per element, the ways of the rules that hold.
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
    missing: tuple[str, ...] = ()
    established_by: Mapping[str, list[str]] = field(default_factory=dict)
    rules: Rules | None = field(default=None, repr=False, compare=False)

    def explain(self, lang: str | None = None, form: QuestionSource | None = None) -> str:
        """The reasons in plain words in `lang` (ky / ru / en; default: the current language),
        one statement per line: what was recorded, which elements are established and how,
        what is missing and, given the interview's `form`, which of its questions would
        establish it."""
        rules = self.rules or rules_for(self.rules_version)
        return explain_result(self, rules, lang, form)

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
            "missing": list(self.missing),
            "established_by": {k: list(v) for k, v in self.established_by.items()},
            "dimensions": {dim: res.to_dict() for dim, res in self.dimensions.items()},
        }
