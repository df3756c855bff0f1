"""CBOR for the fuzz targets: a strict reader after RFC 8949 (the oracles' view of the
manifest and the certificate code) and a generator of random, often hostile, CBOR items."""

from __future__ import annotations

import math
import random
import struct
from typing import Any


class OracleError(Exception):
    pass


class NonTextMap:
    """A decoded map with a key that is not text (the manifest allows text keys only)."""


class Pairs(list):  # type: ignore[type-arg]
    """A decoded map as its (key, value) pairs."""


class StrictCbor:
    """A strict CBOR reader after RFC 8949 and docs/formats.md: no tags, no indefinite
    lengths, no duplicate keys, nothing after the item; notes non-canonical encodings."""

    allow_indefinite = False
    pairs_maps = False  # maps as Pairs (keeps `true` and `1` apart) rather than text-keyed dicts

    def __init__(self, data: bytes) -> None:
        self.data, self.i, self.noncanonical = data, 0, ""

    def take(self, n: int) -> bytes:
        if n > len(self.data) - self.i:
            raise OracleError("truncated")
        out = self.data[self.i : self.i + n]
        self.i += n
        return out

    def head(self) -> tuple[int, int, int]:
        start = self.i
        first = self.take(1)[0]
        major, info = first >> 5, first & 31
        if info < 24:
            return major, info, info
        if info <= 27:
            value = int.from_bytes(self.take(1 << (info - 24)), "big")
            if major != 7 and ((value < 24) if info == 24 else value < 1 << (8 << (info - 25))):
                self.noncanonical = self.noncanonical or f"long head at {start}"
            return major, info, value
        if info == 31:
            if major in (2, 3, 4, 5) and self.allow_indefinite:
                self.noncanonical = self.noncanonical or f"indefinite length at {start}"
                return major, info, -1
            raise OracleError("indefinite length" if major in (2, 3, 4, 5) else "stray break")
        raise OracleError("reserved additional information")

    def at_break(self) -> bool:
        if self.i >= len(self.data):
            raise OracleError("truncated")
        if self.data[self.i] == 0xFF:
            self.i += 1
            return True
        return False

    def chunks(self, major: int) -> bytes:
        out = b""
        while not self.at_break():
            chunk_major, _info, value = self.head()
            if chunk_major != major or value < 0:
                raise OracleError("bad chunk")
            out += self.take(value)
        return out

    def item(self, depth: int) -> Any:
        if depth > 200:  # far beyond what either format allows; keeps the recursion shallow
            raise OracleError("nesting")
        major, info, value = self.head()
        if major == 0:
            return value
        if major == 1:
            return -1 - value
        if major == 2:
            return self.chunks(2) if value < 0 else self.take(value)
        if major == 3:
            try:
                return (self.chunks(3) if value < 0 else self.take(value)).decode("utf-8")
            except UnicodeDecodeError:
                raise OracleError("invalid UTF-8") from None
        if major in (4, 5) and value > len(self.data) - self.i:
            raise OracleError("truncated")
        if major == 4:
            if value < 0:
                out = []
                while not self.at_break():
                    out.append(self.item(depth + 1))
                return out
            return [self.item(depth + 1) for _ in range(value)]
        if major == 5:
            pairs: list[tuple[bytes, Any, Any]] = []
            while (len(pairs) < value) if value >= 0 else not self.at_break():
                start = self.i
                key = self.item(depth + 1)
                encoded = self.data[start : self.i]
                if pairs and (len(encoded), encoded) < (len(pairs[-1][0]), pairs[-1][0]):
                    self.noncanonical = self.noncanonical or "key order"
                pairs.append((encoded, key, self.item(depth + 1)))
            seen = [
                (type(k), k) if isinstance(k, str | int | bytes | float | type(None)) else e
                for e, k, _v in pairs
            ]
            if len(set(seen)) != len(seen):
                raise OracleError("duplicate key")
            if self.pairs_maps:
                return Pairs((k, v) for _e, k, v in pairs)
            if not all(type(k) is str for _e, k, _v in pairs):
                return NonTextMap()
            return {k: v for _e, k, v in pairs}
        if major == 6:
            raise OracleError("tag")
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 23:
            raise OracleError("undefined")
        if info in (25, 26, 27):
            raw = self.data[self.i - (1 << (info - 24)) : self.i]
            number = struct.unpack({25: ">e", 26: ">f", 27: ">d"}[info], raw)[0]
            if not math.isfinite(number):
                raise OracleError("non-finite float")
            return number
        raise OracleError("simple value")

    def whole(self) -> Any:
        return self.whole_rest()

    def whole_rest(self) -> Any:
        """The next item, which must end the data."""
        value = self.item(0)
        if self.i != len(self.data):
            raise OracleError("bytes after the item")
        return value


def head(major: int, value: int, rng: random.Random) -> bytes:
    """A CBOR head, usually shortest, sometimes longer than needed (non-canonical)."""
    widths = [w for w in (0, 1, 2, 4, 8) if value < (24 if w == 0 else 1 << (8 * w))]
    width = widths[0] if rng.random() < 0.9 else rng.choice(widths)
    if width == 0:
        return bytes((major << 5 | value,))
    return bytes((major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[width],)) + value.to_bytes(width, "big")


_TAGS = (0, 1, 2, 3, 4, 5, 21, 24, 28, 29, 30, 32, 35, 36, 37, 55799, 258, 259, 1000, 2**32)


def random_cbor(rng: random.Random, depth: int = 0) -> bytes:
    """One random CBOR item, including everything the manifest format forbids."""
    roll = rng.random()
    leaf = depth > 6 or roll < 0.55
    if leaf:
        kind = rng.randrange(12)
        if kind == 0:
            return head(0, rng.choice((0, 1, 23, 24, 255, 2**32, 2**64 - 1)), rng)
        if kind == 1:
            return head(1, rng.choice((0, 99, 2**63, 2**64 - 1)), rng)
        if kind == 2:
            body = rng.randbytes(rng.choice((0, 3, 40)))
            return head(2, len(body), rng) + body
        if kind in (3, 4):
            body = rng.choice(("", "a", "ф" * 5, "records", "kind", "\x00")).encode()
            if rng.random() < 0.05:
                body += b"\xff"
            return head(3, len(body), rng) + body
        if kind == 5:
            return bytes((rng.choice((0xF4, 0xF5, 0xF6, 0xF7, 0xF0, 0xF8)),)) + (
                b"\x20" if rng.random() < 0.2 else b""
            )
        if kind == 6:
            return rng.choice(
                (
                    b"\xf9\x7c\x00",
                    b"\xf9\x7e\x00",
                    b"\xf9\x80\x00",
                    b"\xf9\x3c\x00",
                    struct.pack(">Bf", 0xFA, 1.5),
                    struct.pack(">Bd", 0xFB, -0.0),
                    struct.pack(">Bd", 0xFB, math.inf),
                    struct.pack(">Bd", 0xFB, 1e300),
                )
            )
        if kind == 7:  # a count far larger than the data
            return bytes((rng.choice((0x9B, 0xBB, 0x5B, 0x7B, 0x9A, 0xBA)),)) + b"\xff" * 8
        if kind == 8:
            return rng.choice((b"\xff", b"\x1c", b"\x3e", b"\x5f\x41a\xff", b"\x7f\x61a\xff"))
        return head(0, rng.randrange(1000), rng)
    kind = rng.randrange(10)
    if kind < 4:
        items = [random_cbor(rng, depth + 1) for _ in range(rng.choice((0, 1, 2, 5)))]
        if rng.random() < 0.08:
            return b"\x9f" + b"".join(items) + b"\xff"
        return head(4, len(items), rng) + b"".join(items)
    if kind < 8:
        n = rng.choice((0, 1, 2, 4))
        keys = [
            (head(3, len(k), rng) + k) if rng.random() < 0.85 else random_cbor(rng, 7)
            for k in (rng.choice((b"a", b"b", b"uuid", b"row", b"table")) for _ in range(n))
        ]
        body = b"".join(k + random_cbor(rng, depth + 1) for k in keys)
        if rng.random() < 0.08:
            return b"\xbf" + body + b"\xff"
        return head(5, n, rng) + body
    tag = rng.choice(_TAGS)
    inner = rng.choice(
        (
            b"\x41\x05",
            b"\x01",
            b"\x80",
            b"\x63abc",
            b"\xa0",
            b"\x74" + b"2026-01-01T00:00:00Z",
            b"\xd8\x1d\x00",
        )
    )
    return head(6, tag, rng) + (inner if rng.random() < 0.7 else random_cbor(rng, depth + 1))
