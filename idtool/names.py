"""Names of persons and officers: what a name may hold, and the key that says who it is.

`clean_name` checks a name typed or received and returns the form stored (NFKC, whitespace
collapsed). It refuses, with a message that says what is wrong and where, and never repeats
the name:

- control characters (NUL, ESC, DEL, the C1 controls; a tab or line break is whitespace);
- text-direction marks (LRM, RLM, ALM, the embeddings, overrides and isolates);
- invisible characters: every format character (zero-width space and joiners, word joiner,
  byte-order mark, soft hyphen, ...), every default-ignorable code point (Hangul fillers,
  variation selectors, ...) and the blank braille pattern;
- code points that cannot be shown: unassigned, private use, surrogates;
- names over the cap: a person's name 200 characters (`MAX_PERSON_NAME`), other name texts
  (other names, a guardian "name and role") 500 (`MAX_NAME_TEXT`), officers 100 (credentials.py).

`identity_key` is what every identity and duplicate check compares (persons.name_key and the
case search, certificates.holder_key and the one-certificate rule, duplicate flags on
import). It is the same for a name and its disguises, and for its Cyrillic and Latin
spellings:

1. NFKC (fullwidth and mathematical letters become plain ones); invisible characters and
   controls are dropped; words are split at whitespace.
2. Each word is read in one script. A letter that only one of Cyrillic (Kyrgyz, Russian) and
   Latin can show decides it ("Асанова": н has no Latin look-alike); a word whose every letter
   has look-alikes in both ("Аса", "ACAHOBA") is read in the script most of its letters are
   written in. Look-alikes are those of Unicode TR39: two characters look alike when their
   confusable skeletons (ICU's SpoofChecker, Unicode's confusables.txt) are equal.
3. In a Cyrillic word every letter becomes the Cyrillic letter it looks like (Latin c -> с,
   Greek ο -> о) and is then transliterated (translit.py: с -> s); in a Latin word every
   letter becomes the Latin letter it looks like (Cyrillic р -> p, Greek ο -> o). So a Latin
   name with a Cyrillic р keeps its p, and a Cyrillic name with a Latin c keeps its s.
4. Case-folded; the transliteration folds of translit.py (й/ы/y/i, zh/j, kh/h, ...); then the
   look-alikes that remain inside plain Latin: rn/m and l/I/1 (with the case folded, I and l
   can only be one letter: i); doubled letters written once; whitespace collapsed.

The key is never shown. Two different people may share one (a genuinely different spelling
of one person does not); the duplicate rules add the date of birth. `search_key` in
translit.py is kept unchanged for the holder hash inside printed certificates.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cache
from typing import NamedTuple, Protocol

from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.translit import CYRILLIC_TO_LATIN, LATIN_FOLDS

# PyICU is imported inside the functions that use it: the command line loads this module when it
# starts (to register its commands) and ICU takes some 10 ms to load (start-up time).

MAX_PERSON_NAME = 200
MAX_NAME_TEXT = 500
_LENGTH_SLACK = 4  # a text this many times over its cap is refused before any other work

_DIRECTION_MARKS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_BLANKS = frozenset("\u2800")  # braille pattern blank: a letter that shows nothing
_WHITESPACE_CONTROLS = frozenset("\t\n\r")
# Look-alikes inside plain lower-case Latin that TR39 skeletons keep apart only by case (I/l)
# or that span two letters (rn/m); applied after the transliteration folds.
_LATIN_LOOK_ALIKES = (("rn", "m"), ("l", "i"))


class NameProblem(NamedTuple):
    kind: str  # "control", "direction", "invisible", "unshown"
    position: int  # 1-based, in the text as given


def problem(text: str) -> NameProblem | None:
    """The first character a name must not hold, or None."""
    for position, ch in enumerate(text, 1):
        kind = _kind(ch)
        if kind:
            return NameProblem(kind, position)
    return None


def clean_name(text: str, *, limit: int = MAX_PERSON_NAME, too_long: str | None = None) -> str:
    """The name as stored: NFKC, whitespace collapsed. Raises InvalidInput for a name holding
    characters it must not, or longer than `limit` characters (message `too_long`, if given)."""
    too_long = too_long or _("The name is too long: at most {limit} characters.").format(
        limit=limit
    )
    if len(text) > limit * _LENGTH_SLACK:
        raise InvalidInput(too_long)
    found = problem(text) or problem(unicodedata.normalize("NFKC", text))
    if found is not None:
        raise InvalidInput(_message(found))
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    if len(cleaned) > limit:
        raise InvalidInput(too_long)
    return cleaned


def _message(found: NameProblem) -> str:
    if found.kind == "control":
        text = _(
            "The name contains a control character (character {position}), such as NUL "
            "or ESC. Type the name again rather than pasting it."
        )
    elif found.kind == "direction":
        text = _(
            "The name contains a text-direction mark (character {position}) that can "
            "make it look like another name. Type the name again rather than pasting it."
        )
    elif found.kind == "invisible":
        text = _(
            "The name contains an invisible character (character {position}), such as a "
            "zero-width space or joiner. Type the name again rather than pasting it."
        )
    else:
        text = _(
            "The name contains a character that cannot be shown (character {position}). "
            "Type the name again."
        )
    return text.format(position=found.position)


def _kind(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return "" if ch in _WHITESPACE_CONTROLS else "control"
    if ch in _DIRECTION_MARKS:
        return "direction"
    if category == "Cf" or ch in _BLANKS or _default_ignorable(ch):
        return "invisible"
    if category in ("Co", "Cs", "Cn"):
        return "unshown"
    return ""


def holder_key(full_name: str, birth_date: str) -> str:
    """certificates.holder_key: one certificate per person is one per holder key. The words in
    any order ("Asanova Nurgul" is "Nurgul Asanova": surnames come first or last)."""
    return f"{' '.join(sorted(identity_key(full_name).split()))}|{birth_date}"


def identity_key(text: str) -> str:
    """The key two names share when they name one person (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if ch in _WHITESPACE_CONTROLS else ch for ch in text if not _dropped(ch))
    latin = " ".join(_read_word(word) for word in text.split()).casefold()
    for src, dst in (*LATIN_FOLDS, *_LATIN_LOOK_ALIKES):
        latin = latin.replace(src, dst)
    latin = re.sub(r"[\W_]+", " ", latin)  # letters and digits of every script stay
    latin = re.sub(r"([^\W\d_])\1+", r"\1", latin)  # doubled letters written once
    return " ".join(latin.split())


@cache
def _dropped(ch: str) -> bool:
    return _kind(ch) in ("control", "direction", "invisible")


class _Char(NamedTuple):
    latin: str | None  # the ASCII letter it looks like (itself for an ASCII letter)
    cyrillic: str | None  # the Kyrgyz or Russian letter it looks like (itself for one)
    script: str  # "latin", "cyrillic" or ""
    letter: bool


def _read_word(word: str) -> str:
    """A word as Latin letters (and what cannot be read so), read in one script."""
    chars = [_char(ch) for ch in word]
    letters = [c for c in chars if c.letter or c.latin or c.cyrillic]
    latin_ok = all(c.latin for c in letters)
    cyrillic_ok = all(c.cyrillic for c in letters)
    if latin_ok != cyrillic_ok:
        cyrillic = cyrillic_ok
    else:  # every letter could be either (or some neither): the script most are written in
        cyrillic = sum(c.script == "cyrillic" for c in letters) >= sum(
            c.script == "latin" for c in letters
        )
    out = []
    for ch, c in zip(word, chars, strict=True):
        if c.cyrillic and (cyrillic or not c.latin):
            out.append(CYRILLIC_TO_LATIN[c.cyrillic.lower()])
        elif c.latin:
            out.append(c.latin)
        elif c.letter or ch.isdigit():
            base = unicodedata.normalize("NFD", ch)[0]  # a letter of another script, unmarked
            out.append("" if unicodedata.combining(base) else base)
        elif not unicodedata.combining(ch):
            out.append(" ")  # punctuation parts words (a mark on its own is dropped)
    return "".join(out)


@cache
def _char(ch: str) -> _Char:
    tables = _tables()
    skeleton = _skeleton(ch)
    name = unicodedata.name(ch, "")
    script = (
        "latin" if name.startswith("LATIN") else "cyrillic" if name.startswith("CYRILLIC") else ""
    )
    return _Char(
        _look_up(tables.latin, skeleton), _look_up(tables.cyrillic, skeleton), script, ch.isalpha()
    )


def _look_up(table: dict[str, str], skeleton: str) -> str | None:
    """The letter with this skeleton; else the letter with its first character, when the rest
    are marks (ö, ӧ and ё look like o, o and e with marks, which the key drops)."""
    found = table.get(skeleton)
    if found is None and len(skeleton) > 1 and all(unicodedata.combining(c) for c in skeleton[1:]):
        found = table.get(skeleton[0])
    return found


class _Tables(NamedTuple):
    latin: dict[str, str]  # skeleton -> ASCII letter
    cyrillic: dict[str, str]  # skeleton -> Kyrgyz or Russian letter (either case)


@cache
def _tables() -> _Tables:
    latin: dict[str, str] = {}
    for ch in string.ascii_letters:  # lower case first: l, not I, stands for skeleton "l"
        latin.setdefault(_skeleton(ch), ch)
    cyrillic: dict[str, str] = {}
    for lower in CYRILLIC_TO_LATIN:
        for ch in (lower, lower.upper()):
            cyrillic.setdefault(_skeleton(ch), ch)
    return _Tables(latin, cyrillic)


class _SpoofChecker(Protocol):
    """What is used of ICU's SpoofChecker (PyICU has no type information)."""

    def getSkeleton(self, type: int, text: str) -> str: ...


@cache
def _checker() -> _SpoofChecker:
    import icu  # PyICU (the pyicu-wheels build)

    checker: _SpoofChecker = icu.SpoofChecker()
    return checker


@cache
def _skeleton(ch: str) -> str:
    """The TR39 confusable skeleton of one character (NFD, mapped, NFD again)."""
    return str(_checker().getSkeleton(0, ch))


@cache
def _default_ignorable(ch: str) -> bool:
    import icu

    return bool(icu.Char.hasBinaryProperty(ch, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT))


def unicode_version() -> str:
    """The Unicode version of the confusable data the keys are made with (ICU's)."""
    import icu

    return str(icu.UNICODE_VERSION)
