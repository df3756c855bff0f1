"""Reading and checking a rules file (`questionnaires/rules/*.yaml`).

Everything the assessment relies on is checked when the file is read, so a bad file fails at
once with a `RulesError` naming the place (`dimensions.dr.indicators.dr.wages.weight: ...`),
never later in the middle of an interview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from idtool.assessment.rules import (
    FIELD_PATTERN,
    GROUPS,
    OPTIONAL_FIELDS,
    POSSIBLE_CONDITIONS,
    SHORT_FORM_TEMPLATES,
    TEMPLATE_FIELDS,
    THRESHOLD_KEYS,
    Dimension,
    Element,
    IdSet,
    Indicator,
    Recommendation,
    Rules,
    RulesError,
    Threshold,
    Way,
    Weight,
)
from idtool.assessment.rules_ways import (
    ELEMENT_KEYS,
    WayReader,
    id_sets,
    missing_texts,
    short_condition,
    short_form_ways,
)
from idtool.i18n import LANGUAGES
from idtool.paths import questionnaires_dir

DEFAULT_RULES_FILE = "ilo-ec-2009-2.yaml"
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = {
    "version", "source", "languages", "weights", "exploitation", "thresholds",
    "dimensions", "id_sets", "elements", "recommendations", "explanation",
}  # fmt: skip


def default_rules_path() -> Path:
    return questionnaires_dir() / "rules" / DEFAULT_RULES_FILE


def load_rules(path: Path | str | None = None) -> Rules:
    """Read and check a rules file (default: the shipped one); cached per file."""
    return _load_cached(Path(path) if path is not None else default_rules_path())


@cache
def _load_cached(path: Path) -> Rules:
    try:
        with path.open("rb") as f:
            data = yaml.load(f, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return parse_rules(data)
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from exc


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys instead of silently keeping the last one."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def parse_rules(data: object) -> Rules:
    """Check rules data (as read from YAML) and build `Rules`; raises `RulesError`."""
    root = _mapping(data, "the file", allowed=_TOP_KEYS)
    version = _string(root.get("version"), "version")
    langs = tuple(_string(x, "languages[]") for x in _list(root.get("languages"), "languages"))
    missing = [lang for lang in LANGUAGES if lang not in langs]
    if missing:
        raise RulesError(f"languages: missing {', '.join(missing)}")
    p = _Parser(langs)
    weights = _mapping(root.get("weights"), "weights", allowed={w.value for w in Weight})
    dimensions, indicators = p.dimensions(root.get("dimensions"))
    exploitation, overrides = p.exploitation(root.get("exploitation"), indicators)
    sets = id_sets(root.get("id_sets", {}), p.labels, indicators)
    elements = p.elements(root.get("elements"), dimensions, sets)
    clash = sorted(set(indicators).intersection(*(e.ids for e in elements.values())))
    if clash:
        raise RulesError(f"ids used both as indicator and element: {', '.join(clash)}")
    recs = _mapping(
        root.get("recommendations"), "recommendations", allowed={r.value for r in Recommendation}
    )
    ways = WayReader(p.labels, dimensions, {e.name: e.ids for e in elements.values()}, sets)
    possible = p.possible(recs.get(Recommendation.POSSIBLE_VICTIM.value), elements, ways)
    short_form = any(w.label is None for e in elements.values() for g in GROUPS for w in e.ways[g])
    short_form = short_form or any(w.label is None for w in possible)
    return Rules(
        version=version,
        languages=langs,
        weight_labels={w: p.labels(weights.get(w.value), f"weights.{w.value}") for w in Weight},
        exploitation=exploitation,
        overrides=overrides,
        thresholds=p.thresholds(root.get("thresholds")),
        dimensions=dimensions,
        indicators=indicators,
        elements=elements,
        presumed_requires=p.presumed(recs.get(Recommendation.PRESUMED_VICTIM.value), elements),
        possible_any_of=possible,
        recommendation_labels={
            r: p.labels(
                _mapping(recs.get(r.value), f"recommendations.{r.value}").get("label"),
                f"recommendations.{r.value}.label",
            )
            for r in Recommendation
        },
        templates=p.templates(root.get("explanation"), short_form),
        id_sets=sets,
    )


class _Parser:
    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages

    def labels(self, value: object, where: str) -> dict[str, str]:
        m = _mapping(value, where, allowed=set(self.languages))
        missing = [lang for lang in self.languages if lang not in m]
        if missing:
            raise RulesError(f"{where}: missing text in {', '.join(missing)}")
        return {lang: _string(m[lang], f"{where}.{lang}") for lang in self.languages}

    def dimensions(self, value: object) -> tuple[dict[str, Dimension], dict[str, Indicator]]:
        dims: dict[str, Dimension] = {}
        indicators: dict[str, Indicator] = {}
        for dim_id, body in _mapping(value, "dimensions", nonempty=True).items():
            where = f"dimensions.{dim_id}"
            _name(dim_id, where)
            body = _mapping(body, where, allowed={"name", "indicators"})
            items = _mapping(body.get("indicators"), f"{where}.indicators", nonempty=True)
            for ind_id, spec in items.items():
                at = f"{where}.indicators.{ind_id}"
                _prefixed_id(ind_id, dim_id, at)
                spec = _mapping(spec, at, allowed={"weight", "label"})
                weights = self.group_weights(spec.get("weight"), f"{at}.weight", partial=False)
                label = self.labels(spec.get("label"), f"{at}.label")
                indicators[ind_id] = Indicator(ind_id, dim_id, weights, label)
            name = self.labels(body.get("name"), f"{where}.name")
            dims[dim_id] = Dimension(dim_id, name, tuple(items))
        return dims, indicators

    def group_weights(self, value: object, where: str, partial: bool) -> dict[str, Weight | None]:
        m = _mapping(value, where, allowed=set(GROUPS), nonempty=True)
        missing = [g for g in GROUPS if g not in m]
        if missing and not partial:
            raise RulesError(f"{where}: missing {', '.join(missing)}")
        out: dict[str, Weight | None] = {}
        for group, weight in m.items():
            if weight is not None and weight not in {w.value for w in Weight}:
                raise RulesError(f"{where}.{group}: must be S, M, W or null, not {weight!r}")
            out[group] = None if weight is None else Weight(weight)
        return out

    def exploitation(
        self, value: object, indicators: Mapping[str, Indicator]
    ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, dict[str, Weight | None]]]]:
        labels: dict[str, dict[str, str]] = {}
        overrides: dict[str, dict[str, dict[str, Weight | None]]] = {}
        kinds = _mapping(value, "exploitation")
        if "labour" not in kinds:
            raise RulesError("exploitation: the default kind 'labour' is missing")
        for kind, body in kinds.items():
            where = f"exploitation.{kind}"
            _name(kind, where)
            body = _mapping(body, where, allowed={"label", "overrides"})
            labels[kind] = self.labels(body.get("label"), f"{where}.label")
            overrides[kind] = {}
            for ind_id, spec in _mapping(body.get("overrides", {}), f"{where}.overrides").items():
                if ind_id not in indicators:
                    raise RulesError(f"{where}.overrides: unknown indicator {ind_id!r}")
                at = f"{where}.overrides.{ind_id}"
                overrides[kind][ind_id] = self.group_weights(spec, at, partial=True)
        return labels, overrides

    def thresholds(self, value: object) -> tuple[Threshold, ...]:
        out: list[Threshold] = []
        for n, item in enumerate(_list(value, "thresholds", nonempty=True)):
            where = f"thresholds[{n}]"
            body = _mapping(item, where, allowed={"id", "min", "label"})
            tid = _name(body.get("id"), f"{where}.id")
            if any(t.id == tid for t in out):
                raise RulesError(f"{where}.id: {tid!r} is used twice")
            minimum = _mapping(
                body.get("min"), f"{where}.min", allowed=THRESHOLD_KEYS, nonempty=True
            )
            for key, least in minimum.items():
                if isinstance(least, bool) or not isinstance(least, int) or least < 0:
                    raise RulesError(f"{where}.min.{key}: must be a whole number >= 0")
            if not any(minimum.values()):
                raise RulesError(f"{where}.min: would make every dimension positive")
            out.append(Threshold(tid, minimum, self.labels(body.get("label"), f"{where}.label")))
        return tuple(out)

    def elements(
        self, value: object, dims: Mapping[str, Dimension], sets: Mapping[str, IdSet]
    ) -> dict[str, Element]:
        bodies: dict[str, dict[str, Any]] = {}
        ids: dict[str, dict[str, dict[str, str]]] = {}
        for name, body in _mapping(value, "elements", nonempty=True).items():
            where = f"elements.{name}"
            _name(name, where)
            bodies[name] = _mapping(body, where, allowed=ELEMENT_KEYS)
            ids[name] = {}
            for element_id, label in _mapping(bodies[name].get("ids", {}), f"{where}.ids").items():
                _prefixed_id(element_id, name, f"{where}.ids.{element_id}")
                ids[name][element_id] = self.labels(label, f"{where}.ids.{element_id}")
        reader = WayReader(self.labels, dims, ids, sets)
        out: dict[str, Element] = {}
        for name, body in bodies.items():
            where = f"elements.{name}"
            present_in = _dimension_list(body, "any_indicator_in", dims, where)
            positive_in = _dimension_list(body, "positive_dimension_in", dims, where)
            if "ways" in body:
                if present_in or positive_in:
                    raise RulesError(f"{where}: write either ways or the short form, not both")
                ways = reader.by_group(body["ways"], f"{where}.ways", allow_elements=False)
            else:
                short = short_form_ways(name, ids[name], present_in, positive_in)
                if not short:
                    raise RulesError(f"{where}: has no way to hold (no ids and no dimensions)")
                ways = {g: short for g in GROUPS}
            label = self.labels(body.get("label"), f"{where}.label")
            missing = missing_texts(body.get("missing"), self.labels, f"{where}.missing")
            out[name] = Element(name, label, ids[name], ways, missing)
        return out

    def presumed(
        self, value: object, elements: Mapping[str, Element]
    ) -> dict[str, tuple[str, ...]]:
        where = "recommendations.presumed_victim.requires"
        body = _mapping(value, "recommendations.presumed_victim", allowed={"requires", "label"})
        requires = _mapping(body.get("requires"), where, allowed=set(GROUPS))
        out: dict[str, tuple[str, ...]] = {}
        for group in GROUPS:
            listed = _list(requires.get(group), f"{where}.{group}", nonempty=True)
            names = tuple(_string(x, f"{where}.{group}[]") for x in listed)
            unknown = [x for x in names if x not in elements]
            if unknown:
                raise RulesError(f"{where}.{group}: unknown elements {', '.join(unknown)}")
            out[group] = names
        return out

    def possible(
        self, value: object, elements: Mapping[str, Element], reader: WayReader
    ) -> tuple[Way, ...]:
        where = "recommendations.possible_victim.any_of"
        body = _mapping(value, "recommendations.possible_victim", allowed={"any_of", "label"})
        out: list[Way] = []
        for n, item in enumerate(_list(body.get("any_of"), where, nonempty=True)):
            way = short_condition(item, elements, where)
            if way is not None:
                way = reader.expand(way)
            elif isinstance(item, dict) and "all" in item:
                way = reader.way(item, f"{where}[{n}]", allow_elements=True)
            else:
                known = ", ".join(sorted(POSSIBLE_CONDITIONS))
                raise RulesError(
                    f"{where}: {item!r} is not one of {known}, {{element: NAME}} or a way"
                )
            if any(w.id == way.id for w in out):
                raise RulesError(f"{where}[{n}]: {way.id!r} is used twice")
            out.append(way)
        return tuple(out)

    def templates(self, value: object, short_form: bool) -> dict[str, dict[str, str]]:
        expected = dict(TEMPLATE_FIELDS)
        if short_form:
            expected.update(SHORT_FORM_TEMPLATES)
        m = _mapping(value, "explanation", allowed=set(TEMPLATE_FIELDS) | set(SHORT_FORM_TEMPLATES))
        out: dict[str, dict[str, str]] = {}
        for key, fields in expected.items():
            if key not in m:
                raise RulesError(f"explanation: missing template {key!r}")
            texts = self.labels(m[key], f"explanation.{key}")
            optional = OPTIONAL_FIELDS.get(key, frozenset())
            for lang, text in texts.items():
                used = set(FIELD_PATTERN.findall(text))
                if not (fields - optional <= used <= fields):
                    expected_text = ", ".join(sorted(fields)) or "none"
                    found = ", ".join(sorted(used)) or "none"
                    where = f"explanation.{key}.{lang}"
                    raise RulesError(f"{where}: uses fields {found}; expected {expected_text}")
            out[key] = texts
        return out


def _mapping(
    value: object, where: str, allowed: Iterable[str] | None = None, nonempty: bool = False
) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a mapping, found {type(value).__name__}")
    if nonempty and not value:
        raise RulesError(f"{where}: must not be empty")
    for key in value:
        if not isinstance(key, str):
            raise RulesError(f"{where}: key {key!r} must be a string (quote it)")
    if allowed is not None:
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise RulesError(f"{where}: unknown keys {', '.join(unknown)}")
    return value


def _list(value: object, where: str, nonempty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise RulesError(f"{where}: expected a list, found {type(value).__name__}")
    if nonempty and not value:
        raise RulesError(f"{where}: must not be empty")
    return value


def _string(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: expected non-empty text, found {value!r}")
    return value


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise RulesError(f"{where}: {value!r} is not a valid id ([a-z][a-z0-9_]*)")
    return value


def _prefixed_id(value: str, prefix: str, where: str) -> None:
    head, dot, tail = value.partition(".")
    if head != prefix or not dot or not _NAME.fullmatch(tail):
        raise RulesError(f"{where}: id must look like {prefix}.name")


def _dimension_list(
    body: Mapping[str, Any], key: str, dims: Mapping[str, Dimension], where: str
) -> tuple[str, ...]:
    where = f"{where}.{key}"
    names = tuple(_string(x, f"{where}[]") for x in _list(body.get(key, []), where))
    unknown = [x for x in names if x not in dims]
    if unknown:
        raise RulesError(f"{where}: unknown dimensions {', '.join(unknown)}")
    return names
