"""The articles a criminal or misconduct case may be opened under: `resources/legal/
cj_articles.yaml`, completed by the coordinator's policy data.

Each article has a stable id (what links, alarms, statistics and the command line use), the
code it belongs to (the Criminal Code or the Code of Misconduct), its number where known, a
category the alarms read (trafficking, forced labour, lesser, an act the victim may have been
made to commit, other) and a title per language. A coordinator sets or corrects a number
(`policy_options` key `cj_articles`, {article id: number}, carried by update packages): what is
set there wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from idtool.i18n import N_, current_language, gettext
from idtool.paths import resources_dir

CODES = ("criminal", "misconduct")
CATEGORIES = ("trafficking", "forced_labour", "lesser", "victim_act", "other")
# Qualified as the exploitation itself: trafficking or forced labour.
SERIOUS = frozenset({"trafficking", "forced_labour"})
CODE_LABELS = {
    "criminal": N_("Criminal Code"),
    "misconduct": N_("Code of Misconduct"),
}
MAX_NUMBER = 16
_NUMBER = re.compile(r"[0-9][0-9A-Za-z.\-]*")


@dataclass(frozen=True)
class Article:
    id: str
    code: str
    number: str  # "" when not known
    category: str
    title: dict[str, str]

    def label(self, lang: str | None = None) -> str:
        """ "Art. 166 of the Criminal Code: Trafficking in persons", in `lang`."""
        lang = lang or current_language()
        title = self.title.get(lang) or self.title.get("en") or self.id
        code = gettext(CODE_LABELS[self.code], lang)
        if not self.number:
            return gettext(N_("{code}: {title}"), lang).format(code=code, title=title)
        return gettext(N_("Art. {number} of the {code}: {title}"), lang).format(
            number=self.number, code=code, title=title
        )


@cache
def _data() -> dict[str, Any]:
    import yaml  # only when the list is needed (start-up time of the command line)

    with (resources_dir() / "legal" / "cj_articles.yaml").open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


@cache
def shipped() -> tuple[Article, ...]:
    found = []
    for raw in _data()["articles"]:
        number = str(raw.get("number") or "")
        article = Article(
            str(raw["id"]), str(raw["code"]), number, str(raw["category"]), dict(raw["title"])
        )
        if (
            article.code not in CODES
            or article.category not in CATEGORIES
            or (number and not valid_number(number))
        ):
            raise ValueError(f"cj_articles: article {article.id} is not valid")
        found.append(article)
    return tuple(found)


def ids() -> tuple[str, ...]:
    return tuple(a.id for a in shipped())


def valid_number(text: str) -> bool:
    return len(text) <= MAX_NUMBER and _NUMBER.fullmatch(text) is not None


def validated(value: object) -> dict[str, str] | None:
    """The coordinator's numbers in their stored form ({article id: number}), or None."""
    if not isinstance(value, dict) or len(value) > len(ids()):
        return None
    known = set(ids())
    out: dict[str, str] = {}
    for key, number in value.items():
        if key not in known or not isinstance(number, str) or not valid_number(number):
            return None
        out[key] = number
    return out


def articles(numbers: dict[str, str] | None = None) -> tuple[Article, ...]:
    """The list with the coordinator's numbers (`numbers`, from the policy options) applied."""
    numbers = numbers or {}
    return tuple(
        Article(a.id, a.code, numbers.get(a.id, a.number), a.category, a.title) for a in shipped()
    )


def by_id(numbers: dict[str, str] | None = None) -> dict[str, Article]:
    return {a.id: a for a in articles(numbers)}
