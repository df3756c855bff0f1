"""CSV files shipped with a form, read by pulldata('name', 'column', 'key_column', key).

As in ODK, `pulldata('fees', ...)` reads `fees.csv` next to the form file (its first row names
the columns). The loader reads every table a pulldata() call names in a written text, with
limits, so a missing, damaged or oversized file is reported when the form loads (a warning:
the call then reads as ''), never in the middle of an interview.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from idtool.i18n import _
from idtool.questionnaire.expr import Call, Expr, Literal
from idtool.questionnaire.problems import Problems

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000
MAX_COLUMNS = 200
TABLE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


@dataclass(frozen=True)
class DataTable:
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lookup(self, column: str, key_column: str, key: str) -> str:
        """`column` of the first row whose `key_column` is `key`; '' when there is none."""
        if column not in self.header or key_column not in self.header:
            return ""
        wanted, keyed = self.header.index(column), self.header.index(key_column)
        for row in self.rows:
            if keyed < len(row) and row[keyed] == key:
                return row[wanted] if wanted < len(row) else ""
        return ""


def table_names(expressions: Iterable[Expr]) -> set[str]:
    """The tables that pulldata() calls name with written text."""
    names: set[str] = set()
    for expression in expressions:
        for node in expression.walk():
            if isinstance(node, Call) and node.function == "pulldata":
                first = node.args[0]
                if isinstance(first, Literal) and isinstance(first.value, str):
                    names.add(first.value)
    return names


def read_tables(folder: Path, names: Iterable[str], problems: Problems) -> tuple[DataTable, ...]:
    tables = []
    for name in sorted(names):
        table = _read(folder, name, problems)
        if table is not None:
            tables.append(table)
    return tuple(tables)


def _read(folder: Path, name: str, problems: Problems) -> DataTable | None:
    file_name = f"{name}.csv"
    if not TABLE_NAME.fullmatch(name) or ".." in name:
        problems.warn(
            "", _("pulldata() names the table '{name}': not a file name").format(name=name)
        )
        return None
    path = folder / file_name
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except OSError:
        problems.warn(
            file_name,
            _("pulldata() reads {file}, which is not next to the form: it reads as empty").format(
                file=file_name
            ),
        )
        return None
    if data is None:
        problems.warn(
            file_name,
            _("{file} is larger than {count} bytes: pulldata() reads it as empty").format(
                file=file_name, count=MAX_BYTES
            ),
        )
        return None
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        problems.warn(
            file_name,
            _("{file} is not a UTF-8 CSV file: pulldata() reads it as empty").format(
                file=file_name
            ),
        )
        return None
    if not rows or len(rows) > MAX_ROWS + 1 or any(len(r) > MAX_COLUMNS for r in rows):
        problems.warn(
            file_name,
            _(
                "{file} is empty or has more than {rows} rows or {columns} columns: "
                "pulldata() reads it as empty"
            ).format(file=file_name, rows=MAX_ROWS, columns=MAX_COLUMNS),
        )
        return None
    header = tuple(cell.strip() for cell in rows[0])
    return DataTable(name, header, tuple(tuple(r) for r in rows[1:]))
