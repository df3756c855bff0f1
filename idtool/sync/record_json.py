"""Records as JSON text: what the queues store (`to_json`) and the digest of a received row
(`row_digest`, the same text written faster for plain rows)."""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring as _quote
from typing import Any

_JSON = json.JSONEncoder(
    ensure_ascii=False,
    sort_keys=True,
    default=lambda v: v.hex() if isinstance(v, bytes) else repr(v),
)


def to_json(value: object) -> str:
    """JSON for storing a record in a queue (bytes, which JSON lacks, as hex)."""
    return _JSON.encode(value)


def row_digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(_flat_json(row).encode()).hexdigest()


def _flat_json(row: dict[str, Any]) -> str:
    """`to_json(row)`, written directly for a map of text keys to text, integers and nulls
    (what a checked row holds); anything else goes through `to_json`. Same text either way."""
    parts = []
    for key in sorted(row):
        value = row[key]
        kind = type(value)
        if type(key) is not str:
            return to_json(row)
        if kind is str:
            parts.append(f"{_quote(key)}: {_quote(value)}")
        elif value is None:
            parts.append(f"{_quote(key)}: null")
        elif kind is int:
            parts.append(f"{_quote(key)}: {int.__repr__(value)}")
        else:
            return to_json(row)
    return "{" + ", ".join(parts) + "}"
