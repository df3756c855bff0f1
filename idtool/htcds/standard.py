"""The HTCDS 2.0 field names and picklist value names, read from the shipped copy.

`resources/htcds/standard.json` is an extract of IOM's "HTCDS Field Standards 2.0.ods" and
`toolkit.json` of the toolkit's "HTCDS Excel Spreadsheet v2.0.xlsx" (source, commit and licence in
resources/htcds/README.md). Fields the standard lacks are ours and carry the prefix `x_`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from idtool.paths import resources_dir

OURS = "x_"
# The toolkit's multi-select cells join values with a semicolon (Toolkit/Excel/README.md).
SEPARATOR = ";"
# Fields whose values are ISO 3166 alpha-2 country codes: the standard's "Use ISO 3166 ..."
# picklists, and the location of exploitation, which it leaves to a lookup (we give the country).
COUNTRY = frozenset({"prs_Citizenship", "vic_LocationOfExploitation"})
# A lookup to an organisation that we fill with the organisation's type (org_Type), never a name;
# several referrals give several values.
VALUES_FROM = {"cas_ReferredOrganisation": "org_Type"}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    values: tuple[str, ...]
    value_labels: tuple[str, ...] = ()

    @property
    def multiple(self) -> bool:
        return self.type.startswith("Multiselect")


@dataclass(frozen=True)
class Toolkit:
    sheet: str
    names: tuple[str, ...]  # the hidden first row, as the toolkit has it
    labels: tuple[str, ...]  # the second row
    rows: int  # numbered rows the empty toolkit has
    countries: dict[str, str]  # ISO 3166 alpha-2 code -> English name


def _load(name: str) -> dict[str, Any]:
    path = resources_dir() / "htcds" / name
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def fields() -> dict[str, Field]:
    return {
        name: Field(
            name, str(f["label"]), str(f["type"]), tuple(f["values"]), tuple(f["value_labels"])
        )
        for name, f in _load("standard.json")["fields"].items()
    }


@cache
def toolkit() -> Toolkit:
    data = _load("toolkit.json")
    return Toolkit(
        str(data["sheet"]),
        tuple(data["names"]),
        tuple(data["labels"]),
        int(data["rows"]),
        dict(data["countries"]),
    )


def field(name: str) -> Field:
    return fields()[name]


def valid(name: str, value: str) -> bool:
    """Whether `value` (a cell, multi-select values joined by `SEPARATOR`) is allowed."""
    if name.startswith(OURS) or not value:
        return True
    if name not in fields():
        return False
    parts = value.split(SEPARATOR) if several(name) else [value]
    if name in COUNTRY:
        return all(p in toolkit().countries for p in parts)
    allowed = fields()[VALUES_FROM.get(name, name)].values
    return not allowed or all(p in allowed for p in parts)


def several(name: str) -> bool:
    """Whether a cell of the field may hold several values (joined with `SEPARATOR`)."""
    return fields()[name].multiple or name in COUNTRY or name in VALUES_FROM


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _by_label(name: str) -> dict[str, str]:
    found = fields()[name]
    out = {
        _key(label): value for label, value in zip(found.value_labels, found.values, strict=False)
    }
    out.update({_key(value): value for value in found.values})
    return out


@cache
def _countries() -> dict[str, str]:
    out = {_key(name): code for code, name in toolkit().countries.items()}
    out.update({_key(code): code for code in toolkit().countries})
    return out


def value_name(name: str, cell: str) -> str | None:
    """The value name a partner's cell means: the name itself or its label (as the validated
    toolkit writes them), in any case; for a country, its ISO code or English name. None when
    it is neither."""
    if name in COUNTRY:
        return _countries().get(_key(cell))
    return _by_label(VALUES_FROM.get(name, name)).get(_key(cell))
