"""Generic, seeded mutations of bytes and text, shared by the fuzz targets (reliability/fuzz.py).

Every function takes a `random.Random`, so a case is reproducible from its seed. The mutations
are the classic ones: bit flips, byte insertion, deletion and duplication, truncation, splicing
two seeds, numbers and length fields replaced by extremes, deep nesting, huge repeat counts,
invalid UTF-8 and NUL bytes.
"""

from __future__ import annotations

import random
import re

MAX_SIZE = 1 << 20  # mutated inputs stay below 1 MiB (the parsers' own caps are tested elsewhere)

INTERESTING = (
    0,
    1,
    2,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x10000,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFF,
    2**53 - 1,
    2**53,
    2**63 - 1,
    2**64 - 1,
)
EXTREME_NUMBERS = (
    b"0",
    b"-1",
    b"-0",
    b"1e308",
    b"1e-400",
    b"4294967296",
    b"9007199254740993",
    b"18446744073709551616",
    b"9" * 40,
    b"9" * 5000,
    b"0x1F",
    b"1_000",
    b"NaN",
    b"Infinity",
    b"-9223372036854775809",
    b"00000000001",
    b"1.5",
)
BAD_UTF8 = (
    b"\xc3\x28",
    b"\xff",
    b"\xfe\xff",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\xe2\x82",
    b"\x80",
    b"\xf0\x9f\x98",
)
_DIGITS = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?")


def _span(rng: random.Random, size: int, most: int = 64) -> tuple[int, int]:
    start = rng.randrange(size + 1)
    return start, min(size, start + rng.randint(1, most))


def flip_bit(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    if not data:
        data.append(rng.randrange(256))
        return "flip"
    i = rng.randrange(len(data)) if at is None else at
    data[i] ^= 1 << rng.randrange(8)
    return "flip"


def set_byte(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    if not data:
        return flip_bit(rng, data)
    i = rng.randrange(len(data)) if at is None else at
    data[i] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x20, 0x0A, rng.randrange(256)))
    return "byte"


def insert(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    i = rng.randrange(len(data) + 1) if at is None else at
    data[i:i] = rng.randbytes(rng.randint(1, 16))
    return "insert"


def delete(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    if not data:
        return insert(rng, data)
    start, end = _span(rng, len(data), rng.choice((1, 4, 64)))
    if at is not None:
        start, end = at, min(len(data), at + rng.randint(1, 8))
    del data[start:end]
    return "delete"


def duplicate(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    if not data:
        return insert(rng, data)
    start, end = _span(rng, len(data), 64)
    if at is not None:
        start, end = at, min(len(data), at + rng.randint(1, 16))
    times = rng.choice((1, 1, 2, 10, 1000))  # sometimes a huge repeat
    chunk = bytes(data[start:end]) * times
    data[end:end] = chunk[: MAX_SIZE - len(data)]
    return "duplicate" if times < 100 else "repeat"


def truncate(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    cut = rng.randrange(len(data) + 1) if at is None else at
    del data[cut:]
    return "truncate"


def overwrite_int(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    """1, 2, 4 or 8 bytes replaced by an extreme integer (a length or count field, perhaps)."""
    width = rng.choice((1, 2, 4, 8))
    if len(data) < width:
        return insert(rng, data)
    i = rng.randrange(len(data) - width + 1) if at is None else min(at, len(data) - width)
    value = rng.choice(INTERESTING) % (1 << (8 * width))
    data[i : i + width] = value.to_bytes(width, rng.choice(("big", "little")))
    return "int"


def extreme_number(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    """A run of ASCII digits (a number in text) replaced by an extreme one."""
    found = list(_DIGITS.finditer(bytes(data)))
    if not found:
        return overwrite_int(rng, data, at)
    match = rng.choice(found)
    data[match.start() : match.end()] = rng.choice(EXTREME_NUMBERS)
    return "number"


def bad_utf8(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    i = rng.randrange(len(data) + 1) if at is None else at
    data[i:i] = rng.choice(BAD_UTF8)
    return "utf8"


def nul(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    i = rng.randrange(len(data) + 1) if at is None else at
    data[i:i] = b"\0" * rng.choice((1, 1, 2, 17, 300))
    return "nul"


def swap(rng: random.Random, data: bytearray, at: int | None = None) -> str:
    if len(data) < 4:
        return flip_bit(rng, data)
    a, b = sorted(rng.sample(range(len(data)), 2))
    n = min(rng.randint(1, 32), b - a, len(data) - b)
    data[a : a + n], data[b : b + n] = data[b : b + n], data[a : a + n]
    return "swap"


OPS = (
    flip_bit,
    flip_bit,
    set_byte,
    insert,
    delete,
    duplicate,
    truncate,
    overwrite_int,
    extreme_number,
    bad_utf8,
    nul,
    swap,
)


def splice(rng: random.Random, a: bytes, b: bytes) -> bytes:
    """The head of one seed and the tail of another."""
    return a[: rng.randrange(len(a) + 1)] + b[rng.randrange(len(b) + 1) :]


def nest(rng: random.Random, data: bytes, opener: bytes, closer: bytes = b"") -> bytes:
    """`opener` repeated (deep nesting) at a random place, optionally closed again."""
    depth = rng.choice((50, 200, 1000, 10_000, 100_000))
    at = rng.randrange(len(data) + 1)
    middle = opener * depth + (closer * depth if closer and rng.random() < 0.5 else b"")
    return (data[:at] + middle + data[at:])[:MAX_SIZE]


def mutate(
    rng: random.Random,
    data: bytes,
    seeds: list[bytes] | None = None,
    nesting: tuple[bytes, bytes] | None = None,
    rounds: int | None = None,
    region: tuple[int, int] | None = None,
) -> tuple[bytes, str]:
    """1-4 random mutations; `region` (start, end) keeps positional ones inside that range.

    Returns the new bytes and a short label of what was done (for the report's statistics).
    """
    roll = rng.random()
    if seeds and roll < 0.06:
        return splice(rng, data, rng.choice(seeds)), "splice"
    if nesting and roll < 0.10:
        return nest(rng, data, *nesting), "nest"
    buf = bytearray(data)
    labels = []
    for _ in range(rounds or rng.choice((1, 1, 1, 2, 3, 4))):
        op = rng.choice(OPS)
        at = None
        if region is not None and op not in (extreme_number,):
            start, end = region
            end = min(end, len(buf))
            if start < end:
                at = rng.randrange(start, end)
        labels.append(op(rng, buf, at))
        if len(buf) > MAX_SIZE:
            del buf[MAX_SIZE:]
    return bytes(buf), labels[0]


# ------------------------------------------------------------------------------------- text

UNICODE_SAMPLES = (
    "ө",
    "ү",
    "ң",
    "Ж",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\U0001f600",
    "\x00",
    "\x1b",
    "\r",
    "\t",
    "\u2028",
    "e\u0301",
    "Ａ",
    "ß",
    "İ",
)


def mutate_text(
    rng: random.Random, text: str, alphabet: str, rounds: int | None = None
) -> tuple[str, str]:
    """Character-level mutations of a text: replace, insert, delete, duplicate, truncate."""
    chars = list(text)
    label = ""
    for _ in range(rounds or rng.choice((1, 1, 2, 3))):
        op = rng.randrange(7)
        i = rng.randrange(len(chars) + 1)
        pick = rng.choice(alphabet) if rng.random() < 0.85 else rng.choice(UNICODE_SAMPLES)
        if op == 0 and chars and i < len(chars):
            chars[i] = pick
            label = label or "replace"
        elif op == 1:
            chars.insert(i, pick)
            label = label or "insert"
        elif op == 2 and chars:
            del chars[i : i + rng.randint(1, 5)]
            label = label or "delete"
        elif op == 3 and chars:
            n = rng.randint(1, 20)
            chars[i:i] = chars[i : i + n] * rng.choice((1, 2, 50))
            label = label or "duplicate"
        elif op == 4:
            del chars[i:]
            label = label or "truncate"
        elif op == 5 and len(chars) > 1:
            j = rng.randrange(len(chars))
            if i < len(chars):
                chars[i], chars[j] = chars[j], chars[i]
            label = label or "swap"
        else:
            chars.insert(i, pick.upper() if pick.islower() else pick.lower())
            label = label or "case"
    return "".join(chars), label or "replace"
