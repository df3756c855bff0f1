"""Indicator ids -> recommendation, following the rules data (see ../shared/assessment.md)."""

from __future__ import annotations

from collections.abc import Iterable

from idtool.assessment.evaluate import evaluate
from idtool.assessment.result import AssessmentResult
from idtool.assessment.rules import Recommendation, Rules
from idtool.assessment.versions import rules_for


def assess(
    indicators: Iterable[str],
    child: bool = False,
    exploitation: str = "labour",
    *,
    rules_version: str | None = None,
    rules: Rules | None = None,
) -> AssessmentResult:
    """Assess the indicator ids recorded for one person.

    `child`: under 18 at the time of exploitation (selects the child weights and rule).
    `exploitation`: the weight column, "labour" or "sexual".
    `rules_version`: the version to apply (default: the current one), e.g. "ilo-ec-2009/1"
    to reproduce an assessment stored under version 1; `rules`: rules read elsewhere.
    Unknown ids (all of them named) are checked first, then the exploitation kind: both raise
    ValueError, as does an unknown rules version.
    """
    if rules is None:
        rules = rules_for(rules_version)
    elif rules_version is not None and rules_version != rules.version:
        raise ValueError(f"rules {rules.version!r} given with rules_version {rules_version!r}")
    ids = _checked_ids(indicators, rules)
    if exploitation not in rules.exploitation:
        kinds = ", ".join(rules.exploitation)
        raise ValueError(f"unknown exploitation {exploitation!r} (expected one of: {kinds})")
    child = bool(child)
    found = evaluate(rules, ids, child, exploitation)
    required = rules.presumed_requires[found.group]
    missing = tuple(name for name in required if not found.elements[name])
    if not missing:
        recommendation = Recommendation.PRESUMED_VICTIM
    elif found.indications:
        recommendation = Recommendation.POSSIBLE_VICTIM
    else:
        recommendation = Recommendation.NO_INDICATION
    return AssessmentResult(
        recommendation=recommendation,
        elements=dict(found.elements),
        dimensions=found.dimensions,
        rules_version=rules.version,
        indicators=sorted(ids),
        child=child,
        exploitation=exploitation,
        ignored=found.ignored,
        indications=found.indications,
        missing=missing,
        established_by={k: list(v) for k, v in found.established_by.items()},
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
