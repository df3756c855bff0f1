"""The indicator assessment: indicator ids -> recommendation with its reasons.

The contract is ../shared/assessment.md (`assess`, the ids, the result fields); the weights,
thresholds, element rules and wording are data in `questionnaires/rules/`, one file per rules
version, and every result records the version it was made with. New assessments use the
current version (`ilo-ec-2009/2`); `assess(..., rules_version="ilo-ec-2009/1")` reproduces
version 1 for assessments stored under it. The result is advice: the officer decides.
"""

from __future__ import annotations

from idtool.assessment.guidance import QuestionSource, questions_for
from idtool.assessment.result import AssessmentResult, DimensionResult
from idtool.assessment.rules import Recommendation, Rules, RulesError, Weight
from idtool.assessment.rules_file import default_rules_path, load_rules, parse_rules
from idtool.assessment.scoring import assess
from idtool.assessment.versions import (
    SHIPPED_VERSIONS,
    VERSION_1,
    VERSION_2,
    current_version,
    rules_for,
    rules_path,
)
from idtool.i18n import current_language

__all__ = [
    "SHIPPED_VERSIONS",
    "VERSION_1",
    "VERSION_2",
    "AssessmentResult",
    "DimensionResult",
    "QuestionSource",
    "Recommendation",
    "Rules",
    "RulesError",
    "Weight",
    "assess",
    "current_version",
    "default_rules_path",
    "dimension_label",
    "element_label",
    "indicator_label",
    "known_indicator_ids",
    "load_rules",
    "missing_questions",
    "parse_rules",
    "questions_for",
    "recommendation_label",
    "rules_for",
    "rules_path",
]


# The labels below are those of the current rules unless `rules_version` names another.


def known_indicator_ids(rules_version: str | None = None) -> frozenset[str]:
    """Every id `assess` accepts: the weighted indicators and the element ids (act.*, purpose.*)."""
    return rules_for(rules_version).known_ids()


def indicator_label(
    indicator_id: str, lang: str | None = None, *, rules_version: str | None = None
) -> str:
    """The label of an indicator or element id; KeyError for an unknown id."""
    return rules_for(rules_version).label(indicator_id, _language(lang))


def dimension_label(
    dimension_id: str, lang: str | None = None, *, rules_version: str | None = None
) -> str:
    """The name of a dimension (dr cr rv ec cd vd); KeyError for an unknown id."""
    rules = rules_for(rules_version)
    lang = _language(lang)
    if dimension_id not in rules.dimensions:
        raise KeyError(f"unknown dimension {dimension_id!r}")
    return rules.dimensions[dimension_id].name[lang]


def element_label(
    element: str, lang: str | None = None, *, rules_version: str | None = None
) -> str:
    """The name of a Palermo element (act, means, purpose); KeyError for an unknown one."""
    rules = rules_for(rules_version)
    lang = _language(lang)
    if element not in rules.elements:
        raise KeyError(f"unknown element {element!r}")
    return rules.elements[element].label[lang]


def recommendation_label(
    code: str, lang: str | None = None, *, rules_version: str | None = None
) -> str:
    """The wording of a recommendation code; ValueError for an unknown code."""
    return rules_for(rules_version).recommendation_labels[Recommendation(code)][_language(lang)]


def missing_questions(
    form: QuestionSource, element: str, result: AssessmentResult, lang: str | None = None
) -> list[str]:
    """The labels of the questions of `form` that could record an id that would establish
    `element` for the person of `result`, under the rules version of `result` (first those one
    answer to which would, then those that would with other answers)."""
    rules = result.rules or rules_for(result.rules_version)
    if element not in rules.elements:
        raise KeyError(f"unknown element {element!r}")
    return questions_for(form, element, result, rules, _language(lang))


def _language(lang: str | None) -> str:
    lang = lang or current_language()
    load_rules().check_language(lang)
    return lang
