"""The indicator assessment: indicator ids -> recommendation with its reasons.

The contract is ../shared/assessment.md (`assess`, the ids, the result fields); the weights,
thresholds, element rules and wording are data in `questionnaires/rules/`, and every result
records the rules version it was made with. The result is advice: the officer decides.
"""

from __future__ import annotations

from idtool.assessment.result import AssessmentResult, DimensionResult
from idtool.assessment.rules import Recommendation, Rules, RulesError, Weight
from idtool.assessment.rules_file import default_rules_path, load_rules, parse_rules
from idtool.assessment.scoring import assess
from idtool.i18n import current_language

__all__ = [
    "AssessmentResult",
    "DimensionResult",
    "Recommendation",
    "Rules",
    "RulesError",
    "Weight",
    "assess",
    "default_rules_path",
    "dimension_label",
    "element_label",
    "indicator_label",
    "known_indicator_ids",
    "load_rules",
    "parse_rules",
    "recommendation_label",
]


def known_indicator_ids() -> frozenset[str]:
    """Every id `assess` accepts: the weighted indicators and the element ids (act.*, purpose.*)."""
    return load_rules().known_ids()


def indicator_label(indicator_id: str, lang: str | None = None) -> str:
    """The label of an indicator or element id; KeyError for an unknown id."""
    return load_rules().label(indicator_id, _language(lang))


def dimension_label(dimension_id: str, lang: str | None = None) -> str:
    """The name of a dimension (dr cr rv ec cd vd); KeyError for an unknown id."""
    rules = load_rules()
    lang = _language(lang)
    if dimension_id not in rules.dimensions:
        raise KeyError(f"unknown dimension {dimension_id!r}")
    return rules.dimensions[dimension_id].name[lang]


def element_label(element: str, lang: str | None = None) -> str:
    """The name of a Palermo element (act, means, purpose); KeyError for an unknown one."""
    rules = load_rules()
    lang = _language(lang)
    if element not in rules.elements:
        raise KeyError(f"unknown element {element!r}")
    return rules.elements[element].label[lang]


def recommendation_label(code: str, lang: str | None = None) -> str:
    """The wording of a recommendation code; ValueError for an unknown code."""
    return load_rules().recommendation_labels[Recommendation(code)][_language(lang)]


def _language(lang: str | None) -> str:
    lang = lang or current_language()
    load_rules().check_language(lang)
    return lang
