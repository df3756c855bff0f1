"""The indicator rules as read from a versioned rules file: weights, thresholds, elements, wording.

The rules are data (`questionnaires/rules/*.yaml`, read by `rules_file`) so that a corrected
table ships as a new versioned file without a code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

GROUPS: tuple[str, ...] = ("adult", "child")
THRESHOLD_KEYS = frozenset({"strong", "medium", "weak", "total"})
POSSIBLE_CONDITIONS = frozenset({"positive_dimension", "strong_indicator", "child_any_indicator"})

# The wording the explanation fills in, with the fields each template must use.
TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    "header": frozenset({"version", "group", "exploitation"}),
    "group_adult": frozenset(),
    "group_child": frozenset(),
    "no_indicators": frozenset(),
    "dimension_positive": frozenset({"dimension", "counts", "threshold"}),
    "dimension_not_positive": frozenset({"dimension", "counts"}),
    "counts": frozenset({"strong", "medium", "weak"}),
    "indicator": frozenset({"label", "id", "weight"}),
    "ignored_heading": frozenset(),
    "ignored": frozenset({"label", "id"}),
    "elements_heading": frozenset(),
    "element_present": frozenset({"element", "reasons"}),
    "element_absent": frozenset({"element"}),
    "reason_recorded": frozenset({"items"}),
    "reason_indicators_in": frozenset({"dimensions"}),
    "reason_positive_in": frozenset({"dimensions"}),
    "child_rule": frozenset(),
    "recommendation": frozenset({"recommendation"}),
    "presumed": frozenset({"elements"}),
    "possible": frozenset({"missing", "reasons"}),
    "none": frozenset({"missing"}),
    "possible_positive_dimension": frozenset(),
    "possible_strong_indicator": frozenset(),
    "possible_element": frozenset({"element"}),
    "possible_child_any_indicator": frozenset(),
    "advice": frozenset(),
}

FIELD_PATTERN = re.compile(r"\{(\w+)\}")

Labels = Mapping[str, str]


class RulesError(ValueError):
    """The rules file is missing, unreadable or does not follow the rules format."""


class Weight(StrEnum):
    STRONG = "S"
    MEDIUM = "M"
    WEAK = "W"


class Recommendation(StrEnum):
    PRESUMED_VICTIM = "presumed_victim"
    POSSIBLE_VICTIM = "possible_victim"
    NO_INDICATION = "no_indication"


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    weights: Mapping[str, Weight | None]  # group -> weight; None: not applicable to the group
    label: Labels


@dataclass(frozen=True)
class Dimension:
    id: str
    name: Labels
    indicator_ids: tuple[str, ...]


@dataclass(frozen=True)
class Threshold:
    id: str
    minimum: Mapping[str, int]  # strong / medium / weak / total -> least count
    label: Labels

    def met(self, strong: int, medium: int, weak: int) -> bool:
        counts = {"strong": strong, "medium": medium, "weak": weak, "total": strong + medium + weak}
        return all(counts[key] >= least for key, least in self.minimum.items())


@dataclass(frozen=True)
class Element:
    name: str
    label: Labels
    ids: Mapping[str, Labels]  # element ids recorded directly (act.*, purpose.*)
    any_indicator_in: tuple[str, ...]
    positive_dimension_in: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """One way to reach `possible_victim`; `element` is set for kind "element"."""

    kind: str
    element: str | None = None

    @property
    def code(self) -> str:
        return f"element:{self.element}" if self.element else self.kind


@dataclass(frozen=True)
class Rules:
    version: str
    languages: tuple[str, ...]
    weight_labels: Mapping[Weight, Labels]
    exploitation: Mapping[str, Labels]
    overrides: Mapping[str, Mapping[str, Mapping[str, Weight | None]]]  # kind -> id -> group
    thresholds: tuple[Threshold, ...]
    dimensions: Mapping[str, Dimension]
    indicators: Mapping[str, Indicator]
    elements: Mapping[str, Element]
    presumed_requires: Mapping[str, tuple[str, ...]]  # group -> elements that must all hold
    possible_any_of: tuple[Condition, ...]
    recommendation_labels: Mapping[Recommendation, Labels]
    templates: Mapping[str, Labels]

    def known_ids(self) -> frozenset[str]:
        element_ids = (i for element in self.elements.values() for i in element.ids)
        return frozenset(self.indicators).union(element_ids)

    def weight(self, indicator_id: str, child: bool, exploitation: str) -> Weight | None:
        group = "child" if child else "adult"
        override = self.overrides.get(exploitation, {}).get(indicator_id, {})
        if group in override:
            return override[group]
        return self.indicators[indicator_id].weights[group]

    def element_of(self, element_id: str) -> str | None:
        for element in self.elements.values():
            if element_id in element.ids:
                return element.name
        return None

    def label(self, indicator_id: str, lang: str) -> str:
        self.check_language(lang)
        if indicator_id in self.indicators:
            return self.indicators[indicator_id].label[lang]
        element = self.element_of(indicator_id)
        if element is None:
            raise KeyError(f"unknown indicator id {indicator_id!r}")
        return self.elements[element].ids[indicator_id][lang]

    def text(self, key: str, lang: str, **fields: object) -> str:
        """The template `key` in `lang` with its {fields} filled (plain substitution only)."""
        template = self.templates[key][lang]
        return FIELD_PATTERN.sub(lambda m: str(fields[m.group(1)]), template)

    def check_language(self, lang: str) -> None:
        if lang not in self.languages:
            raise ValueError(f"unknown language {lang!r} (rules have {', '.join(self.languages)})")
