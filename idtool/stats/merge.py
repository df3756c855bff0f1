"""Statistics reports between coordinators: a region's published (suppressed) figures as plain
data, and national figures merged from several regions' reports (issue 16, item 4).

A report holds only what the region may publish: every headline figure and every breakdown
cell (the column totals included), each a count or None where the region suppressed it. It
never holds a record, a case, a date of a case or a name. `report_of` builds it from
`Published`; `check_report` refuses one that is not that (an unknown name, a wrong type, a
visible count below the report's threshold).

Merging (`merge`) adds the regions' counts. Suppression is kept, and made safe against
differencing with the regions' own published tables:

- a merged figure or cell is hidden when ANY region hid it (primary or complementary): its sum
  is not known exactly, and were it shown, subtracting the other regions' published counts
  would give that region's hidden count back;
- so every merged count shown is a sum of counts the regions published themselves, which
  reveals nothing a reader of the regional reports did not have;
- the merged tables are then suppressed again (`suppress`, with those cells hidden from the
  start) at the largest of the regions' thresholds and the national one, so small merged
  counts are hidden and every line with a hidden member has at least two.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from idtool import dates
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.stats.compute import COLUMNS, HEADLINE, Published, Statistics
from idtool.stats.facts import Scope
from idtool.stats.labels import DIMENSIONS
from idtool.stats.suppress import TOTAL, Pos, Suppressed, Table, is_small, suppress

REPORT_THRESHOLD = 11  # k = 11, as for the anonymised export (`htcds.K_ANONYMITY`)
MAX_ROWS = 400  # categories of one breakdown
_TOTAL_CODE = "__total__"


def report_of(pub: Published, label: str) -> dict[str, Any]:
    """What a region sends: its published figures and cells (None where suppressed)."""
    scope = pub.stats.scope
    cells = []
    for dim in DIMENSIONS:
        shown = pub.tables[dim]
        for row in [*shown.table.rows, TOTAL]:
            for col in COLUMNS:
                cells.append(
                    {
                        "dimension": dim,
                        "row": _TOTAL_CODE if row == TOTAL else str(row),
                        "column": col,
                        "value": shown.shown(row, col),
                    }
                )
    return {
        "label": label,
        "period_from": scope.period_from.isoformat() if scope.period_from else "",
        "period_to": scope.period_to.isoformat() if scope.period_to else "",
        "threshold": pub.threshold,
        "figures": {name: pub.figure(name) for name in HEADLINE},
        "cells": cells,
    }


def _count(value: object, threshold: int) -> bool:
    """A published count: None (hidden), zero, or at least the threshold."""
    if value is None:
        return True
    return type(value) is int and 0 <= value < 2**31 and not is_small(value, threshold)


def _bad() -> InvalidInput:
    return InvalidInput(_("The statistics report is not valid. Nothing was imported."))


def check_report(report: object) -> dict[str, Any]:
    """A report as `report_of` makes it, with nothing else and nothing small shown."""
    if not isinstance(report, dict) or set(report) != {
        "label",
        "period_from",
        "period_to",
        "threshold",
        "figures",
        "cells",
    }:
        raise _bad()
    threshold = report["threshold"]
    if type(threshold) is not int or not REPORT_THRESHOLD <= threshold <= 1000:
        raise _bad()
    label = report["label"]
    if not isinstance(label, str) or not 0 < len(label) <= 200 or not label.isprintable():
        raise _bad()
    for key in ("period_from", "period_to"):
        value = report[key]
        if not isinstance(value, str) or (value and not _is_date(value)):
            raise _bad()
    figures = report["figures"]
    if not isinstance(figures, dict) or set(figures) != set(HEADLINE):
        raise _bad()
    if not all(_count(v, threshold) for v in figures.values()):
        raise _bad()
    cells = report["cells"]
    if not isinstance(cells, list) or len(cells) > len(DIMENSIONS) * MAX_ROWS * len(COLUMNS):
        raise _bad()
    seen: set[tuple[str, str, str]] = set()
    for cell in cells:
        if not isinstance(cell, dict) or set(cell) != {"dimension", "row", "column", "value"}:
            raise _bad()
        where = (cell["dimension"], cell["row"], cell["column"])
        if (
            cell["dimension"] not in DIMENSIONS
            or cell["column"] not in COLUMNS
            or not isinstance(cell["row"], str)
            or not 0 < len(cell["row"]) <= 100
            or where in seen
            or not _count(cell["value"], threshold)
        ):
            raise _bad()
        seen.add(where)
    return report


def _day(text: str) -> date | None:
    return dates.parse_iso(text) if text else None


def _is_date(text: str) -> bool:
    return dates.parse_iso(text) is not None


@dataclass
class NationalStatistics(Statistics):
    """Merged figures: exact where every region published them, partial sums (never shown)
    where one hid them."""

    regions: tuple[str, ...] = ()
    decided: int = 0

    @property
    def cases_decided(self) -> int:
        return self.decided


@dataclass
class _Merged:
    figures: dict[str, int] = field(default_factory=dict)
    hidden_figures: set[str] = field(default_factory=set)
    cells: dict[str, dict[Pos, int]] = field(default_factory=dict)
    hidden_cells: dict[str, set[Pos]] = field(default_factory=dict)


class NationalPublished(Published):
    """National figures as they may be published (the `report` module prints them)."""

    def __init__(self, stats: NationalStatistics, threshold: int, merged: _Merged) -> None:
        self.stats = stats
        self.threshold = threshold
        self.tables: dict[str, Suppressed] = {}
        for dim in DIMENSIONS:
            cells = merged.cells.get(dim, {})
            rows: list[Hashable] = sorted(
                {r for (r, _c) in cells if r != TOTAL},
                key=lambda c: (c == "unknown", c == "other", str(c)),
            )
            totals: dict[Hashable, int] = {c: cells.get((TOTAL, c), 0) for c in COLUMNS}
            table = Table(
                rows,
                list(COLUMNS),
                {p: v for p, v in cells.items() if p[0] != TOTAL},
                column_total_values=totals,
            )
            self.tables[dim] = suppress(table, threshold, hidden=merged.hidden_cells.get(dim, ()))
        self.hidden: set[Hashable] = set(merged.hidden_figures)
        self.hidden |= {name for name in HEADLINE if is_small(stats.figure(name), threshold)}
        self.hidden |= {c for s in self.tables.values() for (r, c) in s.hidden if r == TOTAL}


def merge(reports: Iterable[Mapping[str, Any]], threshold: int = REPORT_THRESHOLD) -> Published:
    """National figures from regions' checked reports (`check_report`) of one period."""
    reports = list(reports)
    if not reports:
        raise InvalidInput(_("No statistics report from a region covers this period."))
    periods = {(r["period_from"], r["period_to"]) for r in reports}
    if len(periods) != 1:
        raise InvalidInput(_("The statistics reports cover different periods."))
    ((start, end),) = periods
    threshold = max([threshold, *(int(r["threshold"]) for r in reports)])
    merged = _Merged()
    for r in reports:
        for name, value in r["figures"].items():
            merged.figures[name] = merged.figures.get(name, 0) + (value or 0)
            if value is None:
                merged.hidden_figures.add(name)
        for cell in r["cells"]:
            dim = cell["dimension"]
            pos: Pos = (TOTAL if cell["row"] == _TOTAL_CODE else cell["row"], cell["column"])
            cells = merged.cells.setdefault(dim, {})
            cells[pos] = cells.get(pos, 0) + (cell["value"] or 0)
            if cell["value"] is None:
                merged.hidden_cells.setdefault(dim, set()).add(pos)
    stats = NationalStatistics(
        Scope(_day(start), _day(end)),
        regions=tuple(sorted(str(r["label"]) for r in reports)),
        decided=merged.figures.get("cases_decided", 0),
    )
    for name in HEADLINE:
        if name != "cases_decided":
            setattr(stats, name, merged.figures.get(name, 0))
    stats.cases = stats.screened
    return NationalPublished(stats, threshold, merged)
