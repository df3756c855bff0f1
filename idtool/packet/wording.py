"""The packet's words: one Jinja2 template per language under `resources/templates/referral/`.

As for the certificate, each block of a template is a snippet of ReportLab paragraph markup
(<b>, <i>, <br/>); values are escaped. `render` returns every block, rendered once.
"""

from __future__ import annotations

from idtool.documents import templates
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(_("Choose the referral packet's language: ky, ru or en."))
    return lang


def blocks(lang: str) -> frozenset[str]:
    return templates.blocks("referral", check_language(lang))


def render(lang: str, **values: object) -> dict[str, str]:
    """Every block of the language's template, rendered with `values`."""
    return templates.render("referral", check_language(lang), values)
