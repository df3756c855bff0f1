"""A search key that matches Cyrillic (Kyrgyz, Russian) and Latin spellings of a name.

"Айгүл Өмүрбекова", "Aigul Omurbekova" and "Aygul Omurbekova" all give "aigul omurbekova".
The key is for finding, never for display: it folds letters that transliteration systems
disagree on (й/ы/y/i, ж/zh/j, х/kh/h, ү/у/u, ө/о/o).

`search_key` is part of the certificate format (the holder hash inside a printed certificate,
docs/formats.md): never change what it returns. Identity and duplicate checks use
`names.identity_key`, which builds on these tables and also sees through look-alike letters.
"""

from __future__ import annotations

import re
import unicodedata

CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "қ": "k",
    "ғ": "g",
    "ә": "a",
    "һ": "h",
    "ұ": "u",
    "і": "i",
    "ӯ": "u",
    "ҳ": "h",
    "ҷ": "j",
}

# Latin spellings folded to one form (applied after transliteration, longest first).
LATIN_FOLDS = (
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("yo", "o"),
    ("yu", "u"),
    ("ya", "a"),
    ("ye", "e"),
    ("y", "i"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
)


def search_key(text: str) -> str:
    """Lower-case Latin skeleton of `text` for matching names in any script."""
    text = unicodedata.normalize("NFC", text).casefold()
    out = []
    for ch in text:
        if ch in CYRILLIC_TO_LATIN:
            out.append(CYRILLIC_TO_LATIN[ch])
        else:
            # Latin letters with marks (ö, ü, ş, ñ) lose them: ö -> o.
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if base.isascii() else ch)
    latin = "".join(out)
    for src, dst in LATIN_FOLDS:
        latin = latin.replace(src, dst)
    latin = re.sub(r"[^a-z0-9]+", " ", latin)
    # Doubled letters are often written single in the other script (Аттокур / Atokur).
    latin = re.sub(r"([a-z])\1+", r"\1", latin)
    return " ".join(latin.split())


def latin_letters(text: str) -> str:
    """Cyrillic letters written in Latin ones, one by one, keeping case; nothing else changed.
    Unlike `search_key`, nothing is folded or dropped ("Тоо-суу" -> "Too-suu")."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in CYRILLIC_TO_LATIN:
            latin = CYRILLIC_TO_LATIN[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
    return "".join(out)
