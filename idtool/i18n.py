"""One translation system for core, UI and documents: gettext catalogs (.po) in ky / ru / en.

`_("text")` translates into the current language; `N_("text")` only marks a string for
extraction, for tables of messages translated later. The `.po` files are the source; each is
compiled once to a `.mo` beside it (or in the user cache folder when that is read-only) and
read with the standard library's fast gettext reader. Fuzzy entries are never used.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import platformdirs

from idtool.paths import locale_dir

LANGUAGES: tuple[str, ...] = ("ky", "ru", "en")
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "ru"
DOMAIN = "idtool"

_state = threading.local()
_default = {"lang": DEFAULT_LANGUAGE}


def _compile(po: Path, mo: Path) -> bool:
    """Write `mo` from `po` (fuzzy and empty entries left out); False if it cannot be written."""
    # Babel is needed only to compile a .po newer than its .mo, not at every start (start-up time)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        cat = read_po(f, locale=None, domain=DOMAIN)
    tmp = mo.with_name(f".{mo.name}.{threading.get_ident()}.tmp")
    try:
        mo.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            write_mo(f, cat, use_fuzzy=False)
        tmp.replace(mo)
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
    return True


def _compiled(lang: str) -> Path | None:
    po = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    beside = po.with_suffix(".mo")
    if not po.exists():
        return beside if beside.exists() else None  # a frozen build ships only .mo files
    po_mtime = po.stat().st_mtime

    cached = Path(platformdirs.user_cache_dir("idtool", appauthor=False)) / "locale" / lang
    for mo in (beside, cached / f"{DOMAIN}.mo"):
        if mo.exists() and mo.stat().st_mtime >= po_mtime:
            return mo
        if _compile(po, mo):
            return mo
    return None


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr for one language, without fuzzy or empty entries."""
    mo = _compiled(lang)
    if mo is None:
        return {}
    with mo.open("rb") as f:
        table = _gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in table.items() if isinstance(k, str) and k and v}


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


# The locale variables, in the order gettext reads them: the first one set decides.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The user's language as the locale variables name it (ky, ru or en), or None.

    The first of LOCALE_VARIABLES that is set and not empty decides, as in gettext: its value
    ("ru_RU.UTF-8", "ky_KG", "en"; LANGUAGE may list several, "ky:ru") is read entry by entry
    until one of our languages; "C" or "POSIX" (no translation asked for) ends the search."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            break
    else:
        return None
    for entry in value.split(":"):
        code = entry.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0]
        code = code.strip().lower()
        if code in ("c", "posix"):
            return None
        if code in LANGUAGES:
            return code
    return None
