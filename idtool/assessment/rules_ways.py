"""Reading the element rules and `possible_victim` conditions of a rules file as `Way`s.

Two forms are read:

- the short form (version 1's file): an element holds when one of its `ids` is recorded, or any
  indicator of `any_indicator_in` is present, or a dimension of `positive_dimension_in` is
  positive; `possible_victim` names conditions (`strong_indicator`, `{element: purpose}`...);
- `ways` (version 2's file): each way has an `id`, a plain-words `label` and `all`, a list of
  tests that must all hold, such as `{signs_in: [dr, cr, cd], weights: [S, M], min: 2}` or
  `{set: abuse_of_vulnerability}`. A list of ways applies to both groups; a mapping gives one
  list per group (adult, child).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from idtool.assessment.rules import (
    GROUPS,
    POSSIBLE_CONDITIONS,
    Check,
    Dimension,
    Element,
    IdSet,
    Labels,
    RulesError,
    Test,
    Way,
    Weight,
)

LabelReader = Callable[[object, str], dict[str, str]]
_ALL = ("*",)  # every dimension: spelled out by `WayReader.expand`
ELEMENT_KEYS = {"label", "ids", "any_indicator_in", "positive_dimension_in", "ways", "missing"}
_TEST_KEYS = {check.value for check in Check}


def short_form_ways(
    name: str, ids: Mapping[str, Labels], present_in: tuple[str, ...], positive_in: tuple[str, ...]
) -> tuple[Way, ...]:
    """The ways of an element written in the short form."""
    ways = []
    if ids:
        ways.append(Way("recorded", (Test(Check.RECORDED, (name,)),)))
    if present_in:
        ways.append(Way("indicators_in", (Test(Check.SIGNS, present_in),)))
    if positive_in:
        ways.append(Way("positive_in", (Test(Check.POSITIVE, positive_in),)))
    return tuple(ways)


def short_condition(item: object, elements: Mapping[str, Element], where: str) -> Way | None:
    """A `possible_victim` condition of the short form, or None when `item` is not one."""
    if isinstance(item, str) and item in POSSIBLE_CONDITIONS:
        tests = {
            "positive_dimension": (Test(Check.POSITIVE, _ALL),),
            "strong_indicator": (Test(Check.SIGNS, _ALL, frozenset({Weight.STRONG})),),
            "child_any_indicator": (Test(Check.GROUP, ("child",)), Test(Check.ANY_ID)),
        }[item]
        return Way(item, tests)
    if isinstance(item, dict) and set(item) == {"element"}:
        if item["element"] not in elements:
            raise RulesError(f"{where}: unknown element {item['element']!r}")
        return Way(f"element:{item['element']}", (Test(Check.ELEMENTS, (item["element"],)),))
    return None


class WayReader:
    """Reads `ways` and their tests, checking every name against the rules read so far."""

    def __init__(
        self,
        labels: LabelReader,
        dimensions: Mapping[str, Dimension],
        element_ids: Mapping[str, Mapping[str, Labels]],
        id_sets: Mapping[str, IdSet],
    ) -> None:
        self.labels = labels
        self.dimensions = dimensions
        self.element_ids = element_ids  # element name -> its ids
        self.id_sets = id_sets

    def expand(self, way: Way) -> Way:
        """`way` with the short form's "every dimension" spelled out."""
        tests = tuple(
            Test(t.check, tuple(self.dimensions), t.weights, t.minimum) if t.names == _ALL else t
            for t in way.tests
        )
        return Way(way.id, tests, way.label)

    def by_group(
        self, value: object, where: str, allow_elements: bool
    ) -> dict[str, tuple[Way, ...]]:
        """A list of ways (both groups) or a mapping group -> list of ways."""
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(GROUPS))
            missing = [g for g in GROUPS if g not in value]
            if unknown or missing:
                raise RulesError(f"{where}: give a list of ways, or one for each of adult, child")
            return {g: self.ways(value[g], f"{where}.{g}", allow_elements) for g in GROUPS}
        ways = self.ways(value, where, allow_elements)
        return {g: ways for g in GROUPS}

    def ways(self, value: object, where: str, allow_elements: bool) -> tuple[Way, ...]:
        if not isinstance(value, list) or not value:
            raise RulesError(f"{where}: expected a non-empty list of ways")
        out: list[Way] = []
        for n, item in enumerate(value):
            way = self.way(item, f"{where}[{n}]", allow_elements)
            if any(w.id == way.id for w in out):
                raise RulesError(f"{where}[{n}].id: {way.id!r} is used twice")
            out.append(way)
        return tuple(out)

    def way(self, item: object, where: str, allow_elements: bool) -> Way:
        body = _mapping(item, where, {"id", "label", "all"})
        way_id = body.get("id")
        if not isinstance(way_id, str) or not way_id.strip():
            raise RulesError(f"{where}.id: expected non-empty text, found {way_id!r}")
        tests = body.get("all")
        if not isinstance(tests, list) or not tests:
            raise RulesError(f"{where}.all: expected a non-empty list of tests")
        parsed = tuple(
            self.test(t, f"{where}.all[{n}]", allow_elements) for n, t in enumerate(tests)
        )
        return Way(way_id, parsed, self.labels(body.get("label"), f"{where}.label"))

    def test(self, item: object, where: str, allow_elements: bool) -> Test:
        body = _mapping(item, where, _TEST_KEYS | {"weights", "min"})
        checks = [Check(k) for k in body if k in _TEST_KEYS]
        if len(checks) != 1:
            known = ", ".join(sorted(_TEST_KEYS))
            raise RulesError(f"{where}: name exactly one of {known}")
        check = checks[0]
        if "weights" in body and check is not Check.SIGNS:
            raise RulesError(f"{where}.weights: only for signs_in")
        minimum = body.get("min", 1)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            raise RulesError(f"{where}.min: must be a whole number >= 1")
        names = self.names(check, body[check.value], f"{where}.{check.value}", allow_elements)
        weights = frozenset(Weight)
        if "weights" in body:
            listed = body["weights"]
            valid = {w.value for w in Weight}
            if not isinstance(listed, list) or not listed or not set(listed) <= valid:
                raise RulesError(f"{where}.weights: a list of S, M, W")
            weights = frozenset(Weight(w) for w in listed)
        return Test(check, names, weights, minimum)

    def names(
        self, check: Check, value: object, where: str, allow_elements: bool
    ) -> tuple[str, ...]:
        if check is Check.ANY_ID:
            if value is not True:
                raise RulesError(f"{where}: write any_id: true")
            return ()
        if check is Check.ELEMENTS:
            if not allow_elements:
                raise RulesError(f"{where}: an element cannot depend on elements")
            if value == "required":
                return ("required",)
        raw = value if isinstance(value, list) else [value]
        listed = [x for x in raw if isinstance(x, str)]
        if not listed or len(listed) != len(raw):
            raise RulesError(f"{where}: expected a name or a list of names")
        known: set[str] = {
            Check.RECORDED: {k for k, v in self.element_ids.items() if v},
            Check.SIGNS: set(self.dimensions),
            Check.POSITIVE: set(self.dimensions),
            Check.SET: set(self.id_sets),
            Check.ELEMENTS: set(self.element_ids),
            Check.GROUP: set(GROUPS),
        }[check]
        unknown = [x for x in listed if x not in known]
        if unknown:
            raise RulesError(f"{where}: unknown {', '.join(unknown)}")
        return tuple(listed)


def id_sets(
    value: object, labels: LabelReader, indicators: Mapping[str, object]
) -> dict[str, IdSet]:
    """The named lists of indicator ids (`id_sets`), each id a known indicator."""
    out: dict[str, IdSet] = {}
    for set_id, body in _mapping(value, "id_sets", None).items():
        where = f"id_sets.{set_id}"
        body = _mapping(body, where, {"label", "ids"})
        ids = body.get("ids")
        if not isinstance(ids, list) or not ids:
            raise RulesError(f"{where}.ids: expected a non-empty list of indicator ids")
        unknown = [str(i) for i in ids if i not in indicators]
        if unknown:
            raise RulesError(f"{where}.ids: unknown indicators {', '.join(unknown)}")
        out[set_id] = IdSet(set_id, tuple(ids), labels(body.get("label"), f"{where}.label"))
    return out


def missing_texts(value: object, labels: LabelReader, where: str) -> dict[str, Labels]:
    """An element's `missing` text: one for both groups, or one per group."""
    if value is None:
        return {}
    if isinstance(value, dict) and set(value) <= set(GROUPS) and value:
        return {g: labels(value[g], f"{where}.{g}") for g in GROUPS if g in value}
    text = labels(value, where)
    return {g: text for g in GROUPS}


def _mapping(value: object, where: str, allowed: set[str] | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a mapping, found {type(value).__name__}")
    for key in value:
        if not isinstance(key, str):
            raise RulesError(f"{where}: key {key!r} must be a string (quote it)")
    if allowed is not None:
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise RulesError(f"{where}: unknown keys {', '.join(unknown)}")
    return value
