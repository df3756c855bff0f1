"""Decoding CBOR from outside without any tag: what the bundle manifest and the certificate
code share.

`tag_hook` alone is not enough: cbor2 decodes some tags itself and never shows them to it
(0/1 dates, 2/3 bignums, 28/29 shared values, 55799 self-describe, ...). Passing `NO_TAGS` as
`semantic_decoders` as well refuses every tag; it costs nothing when there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping


def refuse_tag(*args: object) -> object:
    raise ValueError("CBOR tags are not allowed here")


class _NoTags(Mapping[int, Callable[..., object]]):
    """cbor2 `semantic_decoders` that refuse every tag."""

    KNOWN = (
        0,
        1,
        2,
        3,
        4,
        5,
        18,
        21,
        22,
        23,
        24,
        25,
        28,
        29,
        30,
        32,
        35,
        36,
        37,
        52,
        54,
        100,
        256,
        258,
        260,
        261,
        1004,
        55799,
    )

    def __getitem__(self, tag: int) -> Callable[..., object]:
        return refuse_tag

    def __contains__(self, tag: object) -> bool:
        return True

    def __iter__(self) -> Iterator[int]:
        return iter(self.KNOWN)  # in case a cbor2 version copies the mapping

    def __len__(self) -> int:
        return len(self.KNOWN)


NO_TAGS: Mapping[int, Callable[..., object]] = _NoTags()
