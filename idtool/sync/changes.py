"""Reading the change journal for a case bundle: the rows changed after a journal position,
table by table in parent-first order, straight from the cursor.

Each row is read as a tuple alternating column names and values (`SELECT 'a', a, 'b', b ...`,
columns in canonical CBOR order), the form `bundle.stream.ManifestWriter.rows` encodes without
building a dict per row; `as_dict` makes the row dict when one is wanted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from idtool.bundle.manifest import canonical_keys
from idtool.database import Connection
from idtool.sync import devices, tables

SCAN_ABOVE = 500  # changed records of one table above which the table is read in one pass
Rows = Iterable[tuple[Any, ...]]


def journal_top(conn: Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM sync_changes").fetchone()[0])


def as_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(row[::2], row[1::2], strict=True))


def _pairs(names: list[str], prefix: str = "") -> str:
    return ", ".join(f"'{c}', {prefix}{c}" for c in names)


def changed_rows(conn: Connection, since: int, top: int) -> Iterator[tuple[str, list[str], Rows]]:
    """(table, its columns in canonical order, its rows changed after `since` up to `top`),
    parents first. Only what this device wrote: a record another device wrote (a certificate
    revocation from the coordinator's update) is that device's to send."""
    schema = tables.schema(conn)
    here = devices.own_device_id(conn)
    if since == 0:
        # Everything since the start: every row is in the journal (migration 6 wrote the rows
        # that were there before it), so each table is read itself, in insertion order (a row
        # another row of the same table refers to was inserted first). Only which tables
        # changed is asked of the journal (counting its keys costs more than reading them).
        changed = {
            str(r[0])
            for r in conn.execute("SELECT DISTINCT tbl FROM sync_changes WHERE id <= ?", (top,))
        }
        for name in tables.ORDER:
            if name not in changed:
                continue
            table = schema[name]
            names = canonical_keys(table.names)
            mine, args = (
                ("", ()) if "device_id" not in table.name_set else (" WHERE device_id = ?", (here,))
            )
            sql = f"SELECT {_pairs(names)} FROM {name}{mine} ORDER BY rowid"
            yield name, names, conn.execute(sql, args)
        return
    counts = dict(
        conn.execute(
            "SELECT tbl, count(DISTINCT record_key) FROM sync_changes WHERE id > ? AND id <= ?"
            " GROUP BY tbl",
            (since, top),
        ).fetchall()
    )
    keys_by_table: dict[str, dict[str, int]] = {name: {} for name in tables.ORDER}
    for tbl, key, first in conn.execute(  # the keys of the tables read one record at a time
        "SELECT tbl, record_key, min(id) FROM sync_changes WHERE id > ? AND id <= ?"
        " AND tbl IN (SELECT value FROM json_each(?)) GROUP BY tbl, record_key",
        (since, top, json.dumps([t for t, n in counts.items() if n <= SCAN_ABOVE])),
    ):
        if tbl in keys_by_table:
            keys_by_table[tbl][key] = first
    for name in tables.ORDER:
        if not counts.get(name):
            continue
        table, keys = schema[name], keys_by_table[name]
        names = canonical_keys(table.names)
        mine, mine_t, mine_args = (
            ("", "", ())
            if "device_id" not in table.name_set
            else (" WHERE device_id = ?", " WHERE t.device_id = ?", (here,))
        )
        if counts[name] > SCAN_ABOVE:  # many changed: one pass over the table, not a query each
            key_sql = " || '/' || ".join(f"t.{k}" for k in table.key)
            yield (
                name,
                names,
                conn.execute(
                    f"SELECT {_pairs(names, 't.')} FROM {name} AS t JOIN"
                    " (SELECT record_key, min(id) AS first FROM sync_changes WHERE tbl = ? AND"
                    " id > ? AND id <= ? GROUP BY record_key) AS c"
                    f" ON c.record_key = {key_sql}{mine_t} ORDER BY c.first",
                    (name, since, top, *mine_args),
                ),
            )
            continue
        sql = (
            f"SELECT {_pairs(names)} FROM {name} WHERE {table.where()}"
            f"{mine.replace('WHERE', 'AND')}"
        )
        yield (
            name,
            names,
            _one_by_one(
                conn,
                sql,
                [table.key_values(k) for k in sorted(keys, key=keys.__getitem__)],
                mine_args,
            ),
        )


def _one_by_one(
    conn: Connection, sql: str, keys: list[tuple[str, ...]], extra: tuple[str, ...]
) -> Iterator[tuple[Any, ...]]:
    for key in keys:
        row = conn.execute(sql, (*key, *extra)).fetchone()
        if row is not None:
            yield row
