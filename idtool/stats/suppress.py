"""Small-cell suppression for published tables.

Primary suppression: a count from 1 to threshold-1 is never shown (zeros may be shown).
Complementary suppression: a table is a set of *lines*, each a group of cells that adds up to a
published total (a row with its row total, a column with its column total, the row totals with
the grand total, ...). A line with exactly one hidden member would give that member away
(total minus the visible cells), so the smallest other member is hidden too, preferring a
non-zero count; this is repeated until every line with a hidden member has at least two. A
total counts as a member of its line, so a small total is hidden like any other count.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 5
TOTAL = "__total__"

Pos = tuple[Hashable, Hashable]


@dataclass
class Table:
    """Counts by (row, column); a one-way breakdown has the single column "count".

    `row_totals` / `column_totals` say which margins are published. Columns that overlap (for
    instance screened / possible / identified) have no meaningful row total: leave it off.
    """

    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[Pos, int]
    row_totals: bool = False
    column_totals: bool = True
    column_total_values: dict[Hashable, int] | None = None  # when not the sum (multi-select)

    @classmethod
    def one_way(cls, counts: Mapping[Hashable, int], total: int | None = None) -> Table:
        rows = list(counts)
        column_total: dict[Hashable, int] | None = None if total is None else {"count": total}
        return cls(
            rows,
            ["count"],
            {(r, "count"): int(counts[r]) for r in rows},
            column_total_values=column_total,
        )

    def value(self, pos: Pos) -> int:
        row, col = pos
        if row == TOTAL and col == TOTAL:
            return sum(self.value((TOTAL, c)) for c in self.columns)
        if row == TOTAL:
            if self.column_total_values is not None and col in self.column_total_values:
                return self.column_total_values[col]
            return sum(self.cells.get((r, col), 0) for r in self.rows)
        if col == TOTAL:
            return sum(self.cells.get((row, c), 0) for c in self.columns)
        return self.cells.get(pos, 0)

    def lines(self) -> list[list[Pos]]:
        """The groups of members tied by a published total (the total is the last member)."""
        out: list[list[Pos]] = []
        total: Hashable = TOTAL
        if self.column_totals:
            out += [[(r, c) for r in self.rows] + [(total, c)] for c in self.columns]
        if self.row_totals:
            out += [[(r, c) for c in self.columns] + [(r, total)] for r in self.rows]
        if self.row_totals and self.column_totals:
            out.append([(r, total) for r in self.rows] + [(total, total)])
            out.append([(total, c) for c in self.columns] + [(total, total)])
        return out

    def members(self) -> list[Pos]:
        seen: dict[Pos, None] = {pos: None for pos in self.cells}
        for line in self.lines():
            seen.update((pos, None) for pos in line)
        return list(seen)


@dataclass
class Suppressed:
    """A table as it may be published: `hidden` cells print as "<threshold"."""

    table: Table
    threshold: int
    hidden: set[Pos] = field(default_factory=set)
    primary: set[Pos] = field(default_factory=set)

    def shown(self, row: Hashable, col: Hashable) -> int | None:
        """The count to publish, or None when it is suppressed."""
        return None if (row, col) in self.hidden else self.table.value((row, col))

    def text(self, row: Hashable, col: Hashable) -> str:
        value = self.shown(row, col)
        return f"<{self.threshold}" if value is None else str(value)


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(
    table: Table | Mapping[Hashable, int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    hidden: Iterable[Pos] = (),
) -> Suppressed:
    """Hide small counts and enough others that no hidden count follows from the totals.
    `hidden` members are hidden from the start whatever their count (merged national cells
    that a region suppressed: `merge`)."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if not isinstance(table, Table):
        table = Table.one_way(table)
    primary = {pos for pos in table.members() if is_small(table.value(pos), threshold)}
    primary |= set(hidden)
    hidden = set(primary)
    lines = table.lines()
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [pos for pos in line if pos in hidden]
            if len(inside) != 1:
                continue
            others = [pos for pos in line if pos not in hidden]
            if not others:
                continue
            # Smallest non-zero inner cell first; a zero or a total only when nothing else
            # is left (totals are also printed as headline figures elsewhere).
            pick = min(others, key=lambda p: (TOTAL in p, table.value(p) == 0, table.value(p)))
            hidden.add(pick)
            changed = True
    return Suppressed(table, threshold, hidden, primary)


def recoverable(result: Suppressed) -> list[Pos]:
    """Hidden members that some line gives away (should always be empty)."""
    out = []
    for line in result.table.lines():
        inside = [pos for pos in line if pos in result.hidden]
        if len(inside) == 1:
            out.extend(inside)
    return out


def visible_small(result: Suppressed) -> list[Pos]:
    members: Iterable[Pos] = result.table.members()
    return [
        p
        for p in members
        if p not in result.hidden and is_small(result.table.value(p), result.threshold)
    ]
