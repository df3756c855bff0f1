"""The certificate's words: Jinja2 templates per language and the legal basis from data.

Each language has one template under `resources/templates/certificate/` whose blocks are
snippets of ReportLab paragraph markup; `render` returns every block rendered with the
certificate's values (escaped). The discreet variant takes the `*_discreet` blocks instead of
those that say "victim of trafficking" in large letters. The legal basis lives in
`resources/legal/basis.yaml`, completed by the coordinator's policy data (`legal_acts`).
"""

from __future__ import annotations

from idtool import dates, legal_acts
from idtool.documents import templates
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _

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
    "distinction",
    "notice",
    "label_basis",
    "label_officer",
    "label_organisation",
    "label_date",
    "signature",
    "stamp",
    "qr_caption",
    "copy_mark",
    "subtitle_discreet",
    "status_value_discreet",
    "statement_discreet",
)
# The blocks the discreet variant replaces (by the block named "<name>_discreet").
DISCREET = ("subtitle", "status_value", "statement")


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(_("Choose the certificate's language: ky, ru or en."))
    return lang


def format_date(iso: str) -> str:
    """DD.MM.YYYY, the form used on Kyrgyz and Russian documents (and clear in English)."""
    return dates.day_first(iso)


def render(lang: str, discreet: bool = False, **values: object) -> dict[str, str]:
    """Every block of the language's template, rendered with `values`; for the discreet
    variant, the blocks of `DISCREET` hold their discreet wording."""
    words = templates.render("certificate", check_language(lang), values, BLOCKS)
    if discreet:
        words.update({name: words[f"{name}_discreet"] for name in DISCREET})
    return words


def legal_basis(lang: str, set_here: tuple[legal_acts.Details, ...] = ()) -> list[str]:
    """The acts the certificate rests on, one line each: the shipped data completed by what the
    coordinator set (`set_here`, the policy option `legal_acts`)."""
    return legal_acts.lines(lang, set_here)


def basis_version() -> str:
    return legal_acts.version()
