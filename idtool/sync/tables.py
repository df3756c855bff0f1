"""What a case bundle carries: the synced tables, their order, keys and columns.

Columns are read from the database itself (`PRAGMA table_info`), so a migration that adds a
column changes what is sent without touching this module. Officers travel only as far as the
records that name them need: no key slot, and on the receiving side they cannot log in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from idtool.database import Connection

# Parents before children, so foreign keys hold as the records are applied in order.
ORDER = (
    "officers",
    "persons",
    "cases",
    "interviews",
    "answers",
    "assessments",
    "interview_addenda",
    "decisions",
    "consents",
    "referrals",
    "referral_events",
    "certificates",
    "certificate_revocations",
    "criminal_links",
    "prosecutor_reviews",
)
# Never changed once written (triggers forbid it): insert when new, never update.
APPEND_ONLY = frozenset(
    {"decisions", "consents", "certificate_revocations", "interview_addenda", "prosecutor_reviews"}
)
# Columns that stay on the device that wrote them.
LOCAL_COLUMNS = {"officers": frozenset({"slot_id", "active", "name_key"})}
# Columns added to a synced table after case bundles began, with the value a row takes when
# its sender's schema predates the column (an older program cannot name it).
ADDED_COLUMNS: dict[str, dict[str, Any]] = {"persons": {"working_name": ""}}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "TEXT" or "INTEGER"
    not_null: bool


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # primary key columns

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def name_set(self) -> frozenset[str]:
        return frozenset(self.names)

    @cached_property
    def checks(self) -> tuple[tuple[str, bool, type | None], ...]:
        """(column, not null, exact type required: int, str or None) for `check_row`."""
        return tuple(
            (c.name, c.not_null, int if c.type == "INTEGER" else str if c.type == "TEXT" else None)
            for c in self.columns
        )

    @property
    def versioned(self) -> bool:
        return {"version", "device_id", "base_version"} <= set(self.names)

    def record_key(self, row: dict[str, Any]) -> str:
        return self.key_of(row)

    @cached_property
    def key_of(self) -> Callable[[dict[str, Any]], str]:
        """`record_key` as a plain function (no generator per call): one, two or more columns."""
        if len(self.key) == 1:
            (k,) = self.key
            return lambda row: str(row[k])
        if len(self.key) == 2:
            a, b = self.key
            return lambda row: f"{row[a]!s}/{row[b]!s}"
        return lambda row: "/".join(str(row[k]) for k in self.key)

    def where(self) -> str:
        return " AND ".join(f"{k} = ?" for k in self.key)

    def key_values(self, record_key: str) -> tuple[str, ...]:
        return tuple(record_key.split("/", len(self.key) - 1))


def _schema(conn: Connection, name: str) -> Table:
    info = conn.execute(f"PRAGMA table_info({name})").fetchall()
    skip = LOCAL_COLUMNS.get(name, frozenset())
    columns = tuple(
        Column(r[1], str(r[2]).upper(), bool(r[3]) or bool(r[5])) for r in info if r[1] not in skip
    )
    key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    return Table(name, columns, key)


def schema(conn: Connection) -> dict[str, Table]:
    """The synced tables of this database, by name, in ORDER."""
    return {name: _schema(conn, name) for name in ORDER}


def read_row(conn: Connection, table: Table, record_key: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {', '.join(table.names)} FROM {table.name} WHERE {table.where()}",
        table.key_values(record_key),
    ).fetchone()
    return None if row is None else dict(zip(table.names, row, strict=True))


def check_row(table: Table, row: object) -> tuple[str, str] | None:
    """Why an incoming row cannot be stored as it is: (reason code, detail), or None if fine.
    A column of `ADDED_COLUMNS` the row lacks is filled in with its default first.

    The detail names columns only, never values: it may be shown and logged.
    """
    if not isinstance(row, dict):
        return "not_a_record", ""
    for name, default in ADDED_COLUMNS.get(table.name, {}).items():
        if name not in row and name in table.name_set:
            row[name] = default  # from a sender whose schema predates the column
    if row.keys() == table.name_set:  # fast path, same rules as below
        for name, not_null, kind in table.checks:
            value = row[name]
            if value is None:
                if not_null:
                    return "wrong_type", name
            elif kind is int:
                if type(value) is not int or abs(value) >= 2**63:
                    return "wrong_type", name
            elif kind is str and not isinstance(value, str):
                return "wrong_type", name
        if "uuid" in table.key and not _is_uuid(row["uuid"]):
            return "wrong_type", "uuid"
        return None
    missing = [n for n in table.names if n not in row]
    if missing:
        return "missing_fields", ", ".join(missing)
    extra = sorted(str(k) for k in row if k not in table.names)
    if extra:
        return "unknown_fields", ", ".join(extra)[:200]
    for column in table.columns:
        value = row[column.name]
        if value is None:
            if column.not_null:
                return "wrong_type", column.name
            continue
        if column.type == "INTEGER" and (type(value) is not int or abs(value) >= 2**63):
            return "wrong_type", column.name
        if column.type == "TEXT" and not isinstance(value, str):
            return "wrong_type", column.name
    if "uuid" in table.key and not _is_uuid(row["uuid"]):
        return "wrong_type", "uuid"
    return None


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False
