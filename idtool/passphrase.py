"""How hard a passphrase is to guess, checked wherever one is set: set-up, a new officer, a
change, a reset with the recovery code (the recovery code itself is random and not checked).

Why it matters: unlock throttling only slows guesses made through this program. Someone who
copies the data folder can run the key derivation offline as often as their hardware allows,
so the passphrase must stand up to that (see docs/security.md).

The estimate is zxcvbn's (a maintained Python port of Dropbox's estimator): it knows passwords
from leaks, English words and names, keyboard rows, dates, years, sequences and repeats. It does
not know Kyrgyz or Russian words, so a passphrase is also read as typed on a Russian keyboard
left in the English layout ("пароль" -> "gfhjkm", itself a common leaked password) and in Latin
letters ("наташа" -> "natasha"), and the weakest reading counts. The officer's name, in Cyrillic
and Latin letters, is given to zxcvbn as words an attacker knows, so "name + 123" is weak.

zxcvbn's own advice is in English only: each kind of weakness it finds maps to a message of ours
below, translated like every other message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zxcvbn import zxcvbn

from idtool.errors import InvalidInput
from idtool.i18n import N_, _
from idtool.translit import latin_letters

MIN_LENGTH = 8
MIN_SCORE = 3  # zxcvbn's scale 0-4; 3 means an estimated 10^8 guesses or more
CHECKED_LENGTH = 64  # zxcvbn's work grows with the square of the length; more only adds

_RU = "йцукенгшщзхъфывапролджэячсмитьбюё"
_EN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_KEYBOARD = str.maketrans(_RU + _RU.upper(), _EN + _EN.upper())

_ADVICE = {
    "passwords": N_("It is one of the most common passwords."),
    "user_inputs": N_("Do not use your own name."),
    "names": N_("Names are among the first things an attacker tries."),
    "words": N_("A single common word is easy to guess, even with digits added."),
    "l33t": N_("Letters replaced by look-alike digits or symbols (a → @, o → 0) do not help much."),
    "reversed": N_("A word written backwards is tried early."),
    "spatial": N_("Rows of neighbouring keys (qwerty, йцукен) are easy to guess."),
    "repeat": N_("Repeated characters or words (aaaa, abcabc) are easy to guess."),
    "sequence": N_("Sequences such as abc or 6543 are easy to guess."),
    "dates": N_("Years and dates are easy to guess."),
}
_DICTIONARIES = {
    "passwords": "passwords",
    "user_inputs": "user_inputs",
    "male_names": "names",
    "female_names": "names",
    "surnames": "names",
    "english_wikipedia": "words",
    "us_tv_and_film": "words",
}
MAX_ADVICE = 3
_zxcvbn_lock = threading.Lock()  # zxcvbn keeps the user inputs in a module-level table


@dataclass(frozen=True)
class Strength:
    score: int  # zxcvbn's 0 (guessed at once) to 4 (very hard to guess)
    acceptable: bool
    advice: tuple[str, ...]  # translated; empty when acceptable

    @property
    def message(self) -> str:
        """Why it is refused and what to do instead, as one paragraph."""
        return " ".join(self.advice)


def estimate(passphrase: str, names: Sequence[str] = ()) -> Strength:
    """Judge `passphrase` for an officer called by any of `names`."""
    text = passphrase[:CHECKED_LENGTH]
    worst: dict[str, Any] | None = None
    if text:
        inputs = _user_inputs(names)
        for reading in dict.fromkeys((text, text.translate(_KEYBOARD), latin_letters(text))):
            result = _zxcvbn(reading, inputs)
            if worst is None or result["guesses"] < worst["guesses"]:
                worst = result
    score = int(worst["score"]) if worst else 0
    too_short = len(passphrase) < MIN_LENGTH
    if not too_short and score >= MIN_SCORE:
        return Strength(score, True, ())
    advice = []
    if too_short:
        advice.append(
            _("The passphrase must have at least {count} characters.").format(count=MIN_LENGTH)
        )
    else:
        advice.append(_("This passphrase is too easy to guess."))
    kinds = _weaknesses(worst["sequence"] if worst else [])
    advice += [_(_ADVICE[kind]) for kind in kinds[:MAX_ADVICE]]
    advice.append(
        _(
            "Use three or four words that do not belong together; digits, symbols "
            "and capital letters are not needed."
        )
    )
    return Strength(min(score, MIN_SCORE - 1), False, tuple(advice))


def check(passphrase: str, names: Sequence[str] = ()) -> None:
    """InvalidInput, with translated advice, unless `passphrase` is hard enough to guess."""
    strength = estimate(passphrase, names)
    if not strength.acceptable:
        raise InvalidInput(strength.message)


def _user_inputs(names: Iterable[str]) -> list[str]:
    words: list[str] = []
    for name in names:
        parts = name.casefold().split()
        joined = [sep.join(parts) for sep in (" ", "", "-", "_", ".")]  # "Айгүл-Өмүрбекова"
        for part in [*joined, *parts]:
            if part:  # ы and й are written i or y in Latin: Садыров, Sadirov, Sadyrov
                y_spelling = part.replace("ы", "y").replace("й", "y")
                words += [part, latin_letters(part), latin_letters(y_spelling)]
    return list(dict.fromkeys(words))


def _zxcvbn(text: str, inputs: list[str]) -> dict[str, Any]:
    """zxcvbn's result: "score", "guesses", "sequence" (the matches, as dicts) and more."""
    with _zxcvbn_lock:
        result: dict[str, Any] = zxcvbn(text, user_inputs=inputs, max_length=CHECKED_LENGTH * 3)
    return result


def _weaknesses(sequence: list[dict[str, Any]]) -> list[str]:
    """The kinds of weakness zxcvbn found, longest part first, each once."""
    kinds: list[str] = []
    for match in sorted(sequence, key=lambda m: -len(m.get("token", ""))):
        kind = _kind(match)
        if kind and kind not in kinds:
            kinds.append(kind)
    return kinds


def _kind(match: dict[str, Any]) -> str | None:
    pattern = match.get("pattern")
    if pattern == "dictionary":
        if match.get("l33t"):
            return "l33t"
        if match.get("reversed"):
            return "reversed"
        return _DICTIONARIES.get(str(match.get("dictionary_name")), "words")
    if pattern in ("regex", "date"):
        return "dates"
    if pattern in ("spatial", "repeat", "sequence"):
        return str(pattern)
    return None  # bruteforce: nothing to say about it
