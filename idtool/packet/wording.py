"""The packet's words: one Jinja2 template per language under `resources/templates/referral/`.

As for the certificate, each block of a template is a snippet of ReportLab paragraph markup
(<b>, <i>, <br/>); values are escaped. `render` returns every block, rendered once.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _
from idtool.paths import resources_dir


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(_("Choose the referral packet's language: ky, ru or en."))
    return lang


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources_dir() / "templates" / "referral"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )


def blocks(lang: str) -> frozenset[str]:
    return frozenset(_environment().get_template(f"{check_language(lang)}.j2").blocks)


def render(lang: str, **values: object) -> dict[str, str]:
    """Every block of the language's template, rendered with `values`."""
    template = _environment().get_template(f"{check_language(lang)}.j2")
    context = template.new_context(dict(values))
    return {
        name: " ".join("".join(block(context)).split()) for name, block in template.blocks.items()
    }
