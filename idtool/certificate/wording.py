"""The certificate's words: Jinja2 templates per language and the legal basis from data.

Each language has one template under `resources/templates/certificate/` whose blocks are
snippets of ReportLab paragraph markup; `render` returns every block rendered with the
certificate's values (escaped). The legal basis lives in `resources/legal/basis.yaml`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from idtool import dates
from idtool.documents import templates
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _
from idtool.paths import resources_dir

BLOCKS = (
    "state",
    "title",
    "subtitle",
    "number_line",
    "intro",
    "label_name",
    "label_birth",
    "label_status",
    "status_value",
    "label_case",
    "statement",
    "notice",
    "label_basis",
    "label_officer",
    "label_organisation",
    "label_date",
    "signature",
    "stamp",
    "qr_caption",
    "copy_mark",
)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(_("Choose the certificate's language: ky, ru or en."))
    return lang


def format_date(iso: str) -> str:
    """DD.MM.YYYY, the form used on Kyrgyz and Russian documents (and clear in English)."""
    return dates.day_first(iso)


def render(lang: str, **values: object) -> dict[str, str]:
    """Every block of the language's template, rendered with `values`."""
    return templates.render("certificate", check_language(lang), values, BLOCKS)


@cache
def _basis() -> dict[str, Any]:
    with (resources_dir() / "legal" / "basis.yaml").open(encoding="utf-8") as f:
        basis: dict[str, Any] = yaml.safe_load(f)
    return basis


def legal_basis(lang: str) -> list[str]:
    """The acts the certificate rests on, one line each, with cited articles if any."""
    data = _basis()
    label = data["articles_label"][lang]
    lines = []
    for source in data["sources"]:
        line = source["title"][lang]
        if source.get("articles"):
            line += f", {label} " + ", ".join(str(a) for a in source["articles"])
        lines.append(line)
    return lines


def basis_version() -> str:
    return str(_basis()["version"])
