"""The indicator rules as read from a versioned rules file: weights, thresholds, elements, wording.

The rules are data (`questionnaires/rules/*.yaml`, read by `rules_file`) so that a corrected
table ships as a new versioned file without a code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

GROUPS: tuple[str, ...] = ("adult", "child")
THRESHOLD_KEYS = frozenset({"strong", "medium", "weak", "total"})
# The named `possible_victim` conditions of the short form (version 1's file).
POSSIBLE_CONDITIONS = frozenset({"positive_dimension", "strong_indicator", "child_any_indicator"})

# The wording the explanation fills in, with the fields each template must use.
TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    "header": frozenset({"version", "group", "exploitation"}),
    "group_adult": frozenset(),
    "group_child": frozenset(),
    "signs_heading": frozenset(),
    "no_indicators": frozenset(),
    "dimension_positive": frozenset({"dimension", "total", "threshold"}),
    "dimension_not_positive": frozenset({"dimension", "total"}),
    "indicator": frozenset({"label", "id", "weight"}),
    "ignored_heading": frozenset(),
    "ignored": frozenset({"label", "id"}),
    "elements_heading": frozenset(),
    "element_present": frozenset({"element"}),
    "element_absent": frozenset({"element"}),
    "reason": frozenset({"reason", "signs"}),
    "reason_alone": frozenset({"reason"}),
    "stated": frozenset({"items"}),
    "questions_one": frozenset(),
    "questions_more": frozenset(),
    "question": frozenset({"label"}),
    "child_rule": frozenset(),
    "recommendation": frozenset({"recommendation"}),
    "presumed": frozenset({"elements"}),
    "possible": frozenset({"missing", "reasons"}),
    "none": frozenset({"missing"}),
    "advice": frozenset(),
}
# Fields a template may leave out (a plain-words text need not show the ids).
OPTIONAL_FIELDS: dict[str, frozenset[str]] = {
    "indicator": frozenset({"id"}),
    "ignored": frozenset({"id"}),
}
# Templates needed only by a file that uses the short forms of element and condition rules
# (`any_indicator_in`, `positive_dimension_in`, element ids without `ways`, named conditions).
SHORT_FORM_TEMPLATES: dict[str, frozenset[str]] = {
    "reason_recorded": frozenset({"items"}),
    "reason_indicators_in": frozenset({"dimensions"}),
    "reason_positive_in": frozenset({"dimensions"}),
    "possible_positive_dimension": frozenset(),
    "possible_strong_indicator": frozenset(),
    "possible_element": frozenset({"element"}),
    "possible_child_any_indicator": frozenset(),
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


class Check(StrEnum):
    """What one test of a way counts (see `Test`)."""

    RECORDED = "recorded"  # element ids of the named elements recorded (act.*, purpose.*)
    SIGNS = "signs_in"  # applicable indicators of the named dimensions, of the given weights
    POSITIVE = "positive"  # positive dimensions among the named ones
    SET = "set"  # applicable indicators of the named id sets
    ELEMENTS = "elements"  # elements that hold among the named ones ("required": the group's)
    GROUP = "group"  # 1 when the person is in the named group (adult, child)
    ANY_ID = "any_id"  # ids that count at all (applicable indicators and element ids)


@dataclass(frozen=True)
class Test:
    """Holds when at least `minimum` of the things `check` counts are present."""

    check: Check
    names: tuple[str, ...] = ()
    weights: frozenset[Weight] = frozenset(Weight)
    minimum: int = 1


@dataclass(frozen=True)
class Way:
    """One way an element (or a `possible_victim` condition) holds: all its tests hold.

    `label` says it in plain words; a way of the short form has none and is worded by the
    explanation's `reason_*` / `possible_*` templates instead. `id` is what results record.
    """

    id: str
    tests: tuple[Test, ...]
    label: Labels | None = None


@dataclass(frozen=True)
class IdSet:
    """A named list of indicators the rules refer to (e.g. the abuse-of-vulnerability ids)."""

    id: str
    ids: tuple[str, ...]
    label: Labels


@dataclass(frozen=True)
class Element:
    """A Palermo element: it holds when any of its ways (for the person's group) holds."""

    name: str
    label: Labels
    ids: Mapping[str, Labels]  # element ids recorded directly (act.*, purpose.*)
    ways: Mapping[str, tuple[Way, ...]]  # group -> ways
    missing: Mapping[str, Labels] = field(default_factory=dict)  # group -> what is lacking


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
    possible_any_of: tuple[Way, ...]
    recommendation_labels: Mapping[Recommendation, Labels]
    templates: Mapping[str, Labels]
    id_sets: Mapping[str, IdSet] = field(default_factory=dict)

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
