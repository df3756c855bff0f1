"""Numbered, forward-only schema migrations, each applied in its own transaction.

`PRAGMA user_version` holds the number of the last migration applied. A migration is a module
`mNNNN_name.py` here with a `SQL` string (or an `apply(conn)` function). Never edit a migration
that has shipped: add the next number.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from idtool.database import Connection, transaction
from idtool.errors import CorruptDatabase
from idtool.i18n import _


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[Connection], None]


@cache
def all_migrations() -> tuple[Migration, ...]:
    """Every migration, in order (found on first use, not at import: start-up speed)."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m") or "_" not in info.name:
            continue
        number = int(info.name[1:5])
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "apply"):
            fn = module.apply
        else:
            sql = module.SQL

            def fn(conn: Connection, sql: str = sql) -> None:
                for statement in split_sql(sql):
                    conn.execute(statement)

        found.append(Migration(number, info.name, fn))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {numbers}")
    return tuple(found)


def split_sql(sql: str) -> list[str]:
    """Split a migration script into statements; triggers keep their inner semicolons."""
    statements, buf, depth = [], [], 0
    for line in sql.splitlines():
        stripped = line.strip().upper()
        if not stripped or stripped.startswith("--"):
            continue
        buf.append(line)
        if stripped.startswith("CREATE TRIGGER"):
            depth = 1
        if depth and stripped.startswith("END;"):
            depth = 0
        if not depth and stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if buf:
        statements.append("\n".join(buf))
    return statements


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def latest() -> int:
    return all_migrations()[-1].number


def migrate(conn: Connection, target: int | None = None) -> int:
    """Apply every migration after the database's version up to `target` (default: latest)."""
    newest = latest()
    target = newest if target is None else target
    version = current_version(conn)
    if version > newest:
        raise CorruptDatabase(
            _("This database was made by a newer version of the program; please update it.")
        )
    for migration in all_migrations():
        if version < migration.number <= target:
            with transaction(conn):
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {migration.number}")
            version = migration.number
    return version
