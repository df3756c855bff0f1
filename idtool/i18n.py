"""One translation system for core, UI and documents: gettext catalogs (.po) in ky / ru / en.

`_("text")` translates into the current language; `N_("text")` only marks a string for
extraction, for tables of messages translated later. Catalogs are read straight from the
`.po` files with Babel, so no build step is needed; fuzzy entries are never used.
"""

from __future__ import annotations

import threading
from functools import cache

from babel.messages.pofile import read_po

from idtool.paths import locale_dir

LANGUAGES: tuple[str, ...] = ("ky", "ru", "en")
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "ru"
DOMAIN = "idtool"

_state = threading.local()
_default = {"lang": DEFAULT_LANGUAGE}


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr for one language, without fuzzy or empty entries."""
    path = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=None, domain=DOMAIN)
    out: dict[str, str] = {}
    for msg in cat:
        if not msg.id or msg.fuzzy or isinstance(msg.id, tuple):
            continue
        if isinstance(msg.string, str) and msg.string:
            out[msg.id] = msg.string
    return out


def set_language(lang: str) -> None:
    """Set the language for the whole program (all threads without their own override)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _default["lang"] = lang


def current_language() -> str:
    return getattr(_state, "lang", None) or _default["lang"]


class language:
    """Context manager: translate into `lang` inside the block (this thread only)."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        self._saved: str | None = None

    def __enter__(self) -> language:
        self._saved = getattr(_state, "lang", None)
        _state.lang = self.lang
        return self

    def __exit__(self, *exc: object) -> None:
        _state.lang = self._saved


def gettext(message: str, lang: str | None = None) -> str:
    return catalog(lang or current_language()).get(message, message)


def _(message: str) -> str:
    return gettext(message)


def N_(message: str) -> str:
    return message
