"""Versioned records (design.md section 3): every change of a record that travels in bundles
bumps its version, remembers the version it was based on and names the device that wrote it,
the fields an import compares (`sync.apply`). The change journal export reads is kept by the
database's triggers (migration 6). Every domain module changes such a record through `update`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from idtool.database import Connection

BUMP = "version = version + 1, base_version = version, device_id = ?"


def update(
    conn: Connection,
    table: str,
    changes: Mapping[str, object],
    where: str,
    args: Sequence[object],
    device_id: str,
) -> int:
    """`UPDATE table SET changes` on the rows `where` (with `args`) selects, as a new version
    written by `device_id`; returns how many rows changed. Call inside the caller's
    transaction. Table and column names come from the program, never from input."""
    sets = "".join(f"{column} = ?, " for column in changes)
    cursor = conn.execute(
        f"UPDATE {table} SET {sets}{BUMP} WHERE {where}",
        [*changes.values(), device_id, *args],
    )
    return int(cursor.rowcount)
