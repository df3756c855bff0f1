"""Tombstones as package records (table "erasures"): those a case package carries, those an
update package carries (`sync.erasure` applies them)."""

from __future__ import annotations

from typing import Any

from idtool import erasure
from idtool.bundle.manifest import canonical_keys
from idtool.database import Connection
from idtool.erasure import COLUMNS, Tombstone

TABLE = "erasures"


def split(records: list[Any]) -> tuple[list[Any], list[Any]]:
    """(the tombstones' rows, every other record)."""
    stones = [r.get("row") for r in records if isinstance(r, dict) and r.get("table") == TABLE]
    rest = [r for r in records if not (isinstance(r, dict) and r.get("table") == TABLE)]
    return stones, rest


_ORDER = canonical_keys(list(COLUMNS))


def _record(stone: Tombstone) -> dict[str, Any]:
    """In the form `export.changed_records` gives: keys in canonical CBOR order."""
    row = stone.row()
    return {"row": {k: row[k] for k in _ORDER}, "table": TABLE}


def outgoing(conn: Connection, since: int, top: int) -> list[dict[str, Any]]:
    """The tombstones journalled after `since` up to `top` that this device decided for its
    own cases: what a case package carries."""
    me = erasure.here(conn)
    return [
        _record(Tombstone(*row))
        for row in conn.execute(
            f"SELECT {', '.join(f'e.{c}' for c in COLUMNS)} FROM erasures e WHERE e.owner = ?"
            " AND e.device_id = ? AND e.uuid IN (SELECT record_key FROM sync_changes"
            " WHERE tbl = 'erasures' AND id > ? AND id <= ?) ORDER BY e.rowid",
            (me, me, since, top),
        )
    ]


def records(conn: Connection) -> list[dict[str, Any]]:
    """Every tombstone held here: what an update package carries."""
    return [_record(stone) for stone in erasure.tombstones(conn)]
