"""The acts the victim-status certificate rests on: `resources/legal/basis.yaml`, completed by
the coordinator's policy data.

The data file names each act (per language) and the date and number where they are known. A
coordinator fills in a date or number the file does not know (`policy_options` key
`legal_acts`, carried by update packages): {act id: {"date": "YYYY-MM-DD", "number": "..."}}.
What is set there wins; a part set nowhere is left out of the printed line, never printed as a
blank to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from idtool import dates
from idtool.paths import resources_dir

MAX_NUMBER = 24
# A number as acts are numbered ("55", "493", "145-VII", "12/3"): letters and digits, at least
# one digit, a few separators; never a blank to fill in ("___", "TODO").
_NUMBER = re.compile(r"[0-9A-Za-zА-Яа-яЁёӨөҮүҢң][0-9A-Za-zА-Яа-яЁёӨөҮүҢң./ -]*")
FIRST_YEAR, LAST_YEAR = 1991, 2099


class Details(NamedTuple):
    """The date and number a coordinator set for one act ("" where not set)."""

    act: str
    date: str = ""
    number: str = ""


@dataclass(frozen=True)
class Act:
    id: str
    title: dict[str, str]
    note: dict[str, str]
    date: str  # ISO date, or "" when not known
    number: str  # "" when not known
    articles: tuple[str, ...]


@cache
def _data() -> dict[str, Any]:
    import yaml  # policy options load this module at start-up; PyYAML only when needed

    with (resources_dir() / "legal" / "basis.yaml").open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


@cache
def acts() -> tuple[Act, ...]:
    """The acts of the shipped data, in print order."""
    found = []
    for raw in _data()["acts"]:
        date = str(raw.get("date") or "")
        number = str(raw.get("number") or "")
        if (date and not valid_date(date)) or (number and not valid_number(number)):
            raise ValueError(f"legal basis: act {raw['id']} has a bad date or number")
        found.append(
            Act(
                str(raw["id"]),
                dict(raw["title"]),
                dict(raw.get("note") or {}),
                date,
                number,
                tuple(str(a) for a in raw.get("articles") or ()),
            )
        )
    return tuple(found)


def ids() -> tuple[str, ...]:
    return tuple(a.id for a in acts())


def version() -> str:
    return str(_data()["version"])


def valid_date(text: str) -> bool:
    found = dates.parse_iso(text)
    return found is not None and FIRST_YEAR <= found.year <= LAST_YEAR


def valid_number(text: str) -> bool:
    return (
        len(text) <= MAX_NUMBER
        and _NUMBER.fullmatch(text) is not None
        and any(c.isdigit() for c in text)
        and text == text.strip()
    )


def validated(value: object) -> dict[str, dict[str, str]] | None:
    """The coordinator's details in their stored form, or None if anything is wrong: a map of
    known act ids to {"date", "number"} (each a string, "" = not set; a date YYYY-MM-DD, a
    number of letters and digits). Acts with nothing set are left out."""
    if not isinstance(value, dict) or len(value) > len(acts()):
        return None
    stored: dict[str, dict[str, str]] = {}
    for act, details in value.items():
        if act not in ids() or not isinstance(details, dict):
            return None
        if not set(details) <= {"date", "number"}:
            return None
        date, number = details.get("date", ""), details.get("number", "")
        if not isinstance(date, str) or not isinstance(number, str):
            return None
        if (date and not valid_date(date)) or (number and not valid_number(number)):
            return None
        if date or number:
            stored[act] = {"date": date, "number": number}
    return stored


def details_of(stored: dict[str, dict[str, str]]) -> tuple[Details, ...]:
    """The stored form (see `validated`) as typed details, in act order."""
    return tuple(
        Details(act, stored[act].get("date", ""), stored[act].get("number", ""))
        for act in ids()
        if act in stored
    )


def stored_form(details: tuple[Details, ...]) -> dict[str, dict[str, str]]:
    return {d.act: {"date": d.date, "number": d.number} for d in details if d.date or d.number}


def lines(lang: str, set_here: tuple[Details, ...] = ()) -> list[str]:
    """The acts as printed in `lang`, one line each: title, then the date and number known
    (the coordinator's first), cited articles, and the note ("as amended")."""
    data = _data()
    form = data["citation"][lang]
    label = data["articles_label"][lang]
    chosen = {d.act: d for d in set_here}
    printed = []
    for act in acts():
        mine = chosen.get(act.id, Details(act.id))
        date = mine.date or act.date
        number = mine.number or act.number
        parts = []
        if date:
            parts.append(form["date"].format(date=dates.day_first(date)))
        if number:
            parts.append(form["number"].format(number=number))
        details, note = form["separator"].join(parts), act.note.get(lang, "")
        line = act.title[lang]
        if details and note:
            line += form["details_note"].format(details=details, note=note)
        elif details or note:
            line += form["details" if details else "note"].format(details=details, note=note)
        if act.articles:
            line += f", {label} " + ", ".join(act.articles)
        printed.append(line)
    return printed
