"""XLSForm regex(): Python's `re`, guarded against catastrophic backtracking.

A backtracking engine can take exponential time on a pattern that can match one text in very
many ways, and an officer's typed answer must never freeze the interview. `problem(pattern)`
tells whether a pattern is one we refuse (the form does not load; a pattern computed from
answers never matches):

- a repetition inside a repetition where one pass can end in more than one way, as in
  `^([A-Za-z]+ ?)+$` or `(a+)+` (exponential);
- alternatives under a repetition that can match the same text, as in `(a|aa)+` (exponential);
- three or more long repetitions in a row over the same characters, as in `\\w+\\s?\\w+\\s?\\w+`
  or `.*.*.*x` (the third power of the text's length).

The analysis is conservative (it looks at which characters each part can start with, among a
sample of characters) and may refuse a pattern that is in fact fast; rewriting it without
the nested or repeated repetition always works (`^[A-Za-z ]+$` rather than `^([A-Za-z]+ ?)+$`).
Independently, regex() looks at no more than MAX_TEXT characters: a longer text never matches.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    # typeshed describes the parser under its names before Python 3.11 (which still import,
    # with a deprecation warning); the program uses the current modules.
    import sre_compile
    import sre_parse
    from sre_constants import (
        ANY,
        ASSERT,
        ASSERT_NOT,
        AT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        IN,
        LITERAL,
        MAX_REPEAT,
        MAXREPEAT,
        MIN_REPEAT,
        NOT_LITERAL,
        POSSESSIVE_REPEAT,
        SUBPATTERN,
    )
else:
    from re import _compiler as sre_compile
    from re import _parser as sre_parse
    from re._constants import (
        ANY,
        ASSERT,
        ASSERT_NOT,
        AT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        IN,
        LITERAL,
        MAX_REPEAT,
        MAXREPEAT,
        MIN_REPEAT,
        NOT_LITERAL,
        POSSESSIVE_REPEAT,
        SUBPATTERN,
    )

MAX_TEXT = 1_000  # characters regex() looks at; a longer text never matches
MAX_PATTERN = 1_000  # characters in a pattern
LONG_REPEAT = 50  # a repetition whose count may vary by this much counts as unbounded
MAX_CHAIN = 2  # long repetitions in a row over the same characters

REPEATS = (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT)
CHARACTERS = (LITERAL, NOT_LITERAL, ANY, IN, CATEGORY)
ZERO_WIDTH = (AT, ASSERT, ASSERT_NOT)
# Which characters a part can start with is judged on this sample: ASCII, Kyrgyz and Russian
# letters, and a few others standing for the rest of Unicode.
_PROBES = string.printable + "аАяЯёЁөӨүҮңҢжЖ" + "éÉ٣\u00a0\u2028\u4e00\U0001f600"
_ALL = frozenset(_PROBES)
_NONE: frozenset[str] = frozenset()

Item = tuple[Any, Any]  # (op, argument); the argument's shape depends on the op


class Items(Protocol):
    """A parsed sequence, [(op, argument), ...]: a list, or the parser's SubPattern."""

    def __iter__(self) -> Iterator[Item]: ...

    def __getitem__(self, index: slice, /) -> Items: ...


class UnsafePattern(Exception):
    """The pattern can take very long on some texts."""


class _Analysis:
    def __init__(self, parsed: sre_parse.SubPattern) -> None:
        self.state = parsed.state
        self.flags = parsed.state.flags
        self.chars_cache: dict[str, frozenset[str]] = {}

    # ---- what a part can start with, and whether it can match the empty text
    def chars(self, item: Item) -> frozenset[str]:
        key = repr(item)
        if key not in self.chars_cache:
            compiled = sre_compile.compile(sre_parse.SubPattern(self.state, [item]), self.flags)
            self.chars_cache[key] = frozenset(c for c in _PROBES if compiled.match(c))
        return self.chars_cache[key]

    def first(self, item: Item) -> tuple[frozenset[str], bool]:
        op, av = item
        if op in CHARACTERS:
            return self.chars(item), False
        if op in ZERO_WIDTH:
            return _NONE, True
        if op is SUBPATTERN:
            return self.first_seq(av[3])
        if op is ATOMIC_GROUP:
            return self.first_seq(av)
        if op in REPEATS:
            chars, nullable = self.first_seq(av[2])
            return chars, nullable or av[0] == 0
        if op is BRANCH:
            results = [self.first_seq(alt) for alt in av[1]]
            return frozenset().union(*(c for c, _ in results)), any(n for _, n in results)
        return _ALL, True  # back references, conditionals: anything

    def first_seq(self, items: Items) -> tuple[frozenset[str], bool]:
        found: set[str] = set()
        for item in items:
            chars, nullable = self.first(item)
            found |= chars
            if not nullable:
                return frozenset(found), False
        return frozenset(found), True

    def following(self, items: Items, index: int, follow: frozenset[str]) -> frozenset[str]:
        chars, nullable = self.first_seq(items[index + 1 :])
        return chars | follow if nullable else chars

    # ---- the checks
    def check(self, items: Items, follow: frozenset[str], in_repeat: bool) -> None:
        """`follow`: what may come after `items`; `in_repeat`: inside a repetition (max > 1)."""
        self.chain(items)
        for index, (op, av) in enumerate(items):
            after = self.following(items, index, follow)
            if op is SUBPATTERN:
                self.check(av[3], after, in_repeat)
            elif op is ATOMIC_GROUP:
                self.check(av, after, in_repeat)
            elif op in (ASSERT, ASSERT_NOT):
                self.check(av[1], _NONE, in_repeat)
            elif op is BRANCH:
                self.branch(av[1], after, in_repeat)
            elif op in REPEATS:
                low, high, body = av
                body_first, _nullable = self.first_seq(body)
                # one pass of a varying repetition may stop where the next part could go on
                if in_repeat and low != high and body_first & after:
                    raise UnsafePattern
                repeats = high is MAXREPEAT or high > 1
                self.check(body, body_first | after if repeats else after, in_repeat or repeats)

    def branch(self, alternatives: list[Items], follow: frozenset[str], in_repeat: bool) -> None:
        for alt in alternatives:
            self.check(alt, follow, in_repeat)
        if not in_repeat:
            return
        firsts = [self.first_seq(alt) for alt in alternatives]
        for i, (chars, nullable) in enumerate(firsts):
            for other, other_nullable in firsts[i + 1 :]:
                if chars & other or (nullable and other_nullable):
                    raise UnsafePattern
            if nullable and any(c & follow for c, _ in firsts):  # an empty way, or go on
                raise UnsafePattern

    def chain(self, items: Items) -> None:
        """Long repetitions in a row that can all take the same characters."""
        run, shared = 0, _NONE
        for item in _flatten(items):
            op, av = item
            if op in REPEATS and (av[1] is MAXREPEAT or av[1] - av[0] >= LONG_REPEAT):
                chars, _nullable = self.first_seq(av[2])
                if run and chars & shared:
                    run, shared = run + 1, shared & chars
                else:
                    run, shared = 1, chars
                if run > MAX_CHAIN:
                    raise UnsafePattern
                continue
            chars, nullable = self.first(item)
            if not nullable and not chars & shared:
                run, shared = 0, _NONE  # a part the repetitions cannot take separates them


def _flatten(items: Items) -> Items:
    """Groups that are not repeated, opened: `(\\w+)\\s(\\w+)` is a row of three parts."""
    out: list[Item] = []
    for op, av in items:
        if op is SUBPATTERN:
            out.extend(_flatten(av[3]))
        elif op is ATOMIC_GROUP:
            out.extend(_flatten(av))
        else:
            out.append((op, av))
    return out


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern; None when it is not a valid pattern or it is unsafe."""
    try:
        return None if problem(pattern) else re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


def problem(pattern: str) -> str:
    """ "" for a pattern regex() may use; else why not: "invalid", "long" or "slow"."""
    if len(pattern) > MAX_PATTERN:
        return "long"
    try:
        parsed = sre_parse.parse(pattern)
        _Analysis(parsed).check(parsed.data, _NONE, False)  # nothing after a whole match
    except UnsafePattern:
        return "slow"
    except (re.error, RecursionError, OverflowError, ValueError, TypeError):
        return "invalid"
    return ""


def matches(text: str, pattern: str) -> bool:
    """XLSForm regex(): true when the pattern matches the whole text, as JavaRosa's
    `Pattern.matches` (so `[0-9]{10}` refuses 11 digits)."""
    if len(text) > MAX_TEXT:
        return False
    regex = compiled(pattern)
    try:
        return regex is not None and regex.fullmatch(text) is not None
    except (RecursionError, OverflowError):
        return False
