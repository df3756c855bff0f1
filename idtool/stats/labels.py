"""Labels of the breakdown categories in the UI language (codes stay in CSV and HTCDS)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from idtool.i18n import N_, current_language, gettext
from idtool.policy import role_label
from idtool.questionnaire.registry import load_shipped
from idtool.regions import region_label

if TYPE_CHECKING:
    from idtool.questionnaire.model import Choice

DIMENSIONS = (
    "exploitation_type",
    "sex",
    "age_group",
    "citizenship",
    "country",
    "region",
    "responder",
)

DIMENSION_LABELS = {
    "exploitation_type": N_("Type of exploitation"),
    "sex": N_("Sex"),
    "age_group": N_("Age group at exploitation"),
    "citizenship": N_("Citizenship"),
    "country": N_("Country of exploitation"),
    "region": N_("Region"),
    "responder": N_("First responder"),
}

OUTCOME_LABELS = {
    "screened": N_("Screened"),
    "possible": N_("Possible victims"),
    "identified": N_("Identified victims"),
}

# Which choice list of the identification questionnaire names each dimension's codes.
_LISTS = {
    "exploitation_type": "exploitation_type",
    "sex": "sex",
    "citizenship": "citizenship",
    "country": "country",
}
UNKNOWN = N_("Unknown")


@lru_cache(maxsize=1)
def _choices() -> dict[str, dict[str, Choice]]:
    out: dict[str, dict[str, Choice]] = {}
    for form_id in ("nrm-screening", "nrm-identification"):  # identification wins
        form = load_shipped(form_id)
        for chosen in form.choice_lists:
            out.setdefault(chosen.name, {}).update({c.name: c for c in chosen.choices})
    return out


def iso_code(list_name: str, code: str) -> str:
    """The ISO 3166 code of a country choice ('' when it has none: other, unknown...)."""
    choice = _choices().get(list_name, {}).get(code)
    return dict(getattr(choice, "extra", ())).get("iso", "") if choice is not None else ""


def category_label(dimension: str, code: str, lang: str | None = None) -> str:
    lang = lang or current_language()
    if code == "unknown" and dimension != "exploitation_type":
        return gettext(UNKNOWN, lang)
    if dimension == "region":
        return region_label(code, lang)
    if dimension == "responder":
        try:
            return role_label(code, lang)
        except (KeyError, ValueError):
            return code
    if dimension == "age_group":
        return code
    choice = _choices().get(_LISTS.get(dimension, ""), {}).get(code)
    if choice is None:
        return gettext(UNKNOWN, lang) if code == "unknown" else code
    try:
        return str(choice.label.get(lang, "en") or code)
    except (KeyError, IndexError):
        return code


def dimension_label(dimension: str, lang: str | None = None) -> str:
    return gettext(DIMENSION_LABELS[dimension], lang)


def outcome_label(outcome: str, lang: str | None = None) -> str:
    return gettext(OUTCOME_LABELS[outcome], lang)
