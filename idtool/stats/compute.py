"""NRM statistics: the figures, the breakdowns and the effectiveness indicators of a period.

Supervisors only (`Action.STATISTICS`). Counts are exact here; what may be published comes from
`Statistics.published()`, which applies small-cell suppression.
"""

from __future__ import annotations

import contextlib
import statistics as pystats
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date

from idtool import dates
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import facts
from idtool.stats.facts import Scope
from idtool.stats.labels import DIMENSIONS
from idtool.stats.suppress import DEFAULT_THRESHOLD, TOTAL, Pos, Suppressed, Table, suppress

COLUMNS = ("screened", "possible", "identified")
# Which outcomes count in each column (identified victims are also possible victims).
IN_COLUMN = {
    "screened": {"identified", "possible", "not_victim", "screened_only"},
    "possible": {"identified", "possible"},
    "identified": {"identified"},
}
CACHE_KIB = 256 * 1024  # page cache while computing (SQLite's default is 8 MiB)
HEADLINE = (
    "screened",
    "possible",
    "identified",
    "referrals_made",
    "referrals_accepted",
    "services_delivered",
    "adults_consenting_law_enforcement",
    "decisions_against_recommendation",
    "cases_decided",
)


@dataclass
class Statistics:
    scope: Scope
    cases: int = 0
    screened: int = 0
    possible: int = 0
    identified: int = 0
    breakdowns: dict[str, Table] = field(default_factory=dict)
    decision_days: list[float] = field(default_factory=list)
    referrals_made: int = 0
    referrals_accepted: int = 0
    services_delivered: int = 0
    adults_consenting_law_enforcement: int = 0
    decisions_against_recommendation: int = 0

    @property
    def share_identified(self) -> float | None:
        """Identified victims as a share of the cases screened (0..1), None if none screened."""
        return self.identified / self.screened if self.screened else None

    @property
    def cases_decided(self) -> int:
        return len(self.decision_days)

    @property
    def median_days_to_decision(self) -> float | None:
        return pystats.median(self.decision_days) if self.decision_days else None

    def figure(self, name: str) -> int:
        return int(getattr(self, name))

    def published(self, threshold: int = DEFAULT_THRESHOLD) -> Published:
        return Published(self, threshold)


class Published:
    """The statistics as they may be shown: suppressed tables and headline figures."""

    def __init__(self, stats: Statistics, threshold: int) -> None:
        self.stats = stats
        self.threshold = threshold
        self.tables: dict[str, Suppressed] = {
            name: suppress(table, threshold) for name, table in stats.breakdowns.items()
        }
        # A total hidden in any table stays hidden as a headline figure too.
        hidden_totals = {
            col for s in self.tables.values() for (row, col) in s.hidden if row == TOTAL
        }
        self.hidden: set[Hashable] = {
            name for name in HEADLINE if 0 < stats.figure(name) < threshold
        }
        self.hidden |= hidden_totals

    def figure(self, name: str) -> int | None:
        return None if name in self.hidden else self.stats.figure(name)

    def text(self, name: str) -> str:
        value = self.figure(name)
        return f"<{self.threshold}" if value is None else str(value)

    @property
    def share_identified(self) -> float | None:
        if {"screened", "identified"} & self.hidden:
            return None
        return self.stats.share_identified

    @property
    def median_days_to_decision(self) -> float | None:
        """Shown only when at least `threshold` cases were decided."""
        if self.stats.cases_decided < self.threshold:
            return None
        return self.stats.median_days_to_decision


def _parse(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return dates.parse(value)


def compute(
    session: Session,
    period_from: date | str | None = None,
    period_to: date | str | None = None,
    region: str | None = None,
    responder: str | None = None,
    *,
    demo: bool = False,
) -> Statistics:
    """The statistics of the cases opened in the period (both ends included), optionally in one
    region and by one first-responder type (officer role)."""
    session.require(Action.STATISTICS)
    scope = Scope(_parse(period_from), _parse(period_to), region or None, responder or None, demo)
    stats = Statistics(scope)
    with _working_memory(session):
        _fill(session, scope, stats)
    return stats


@contextlib.contextmanager
def _working_memory(session: Session) -> Iterator[None]:
    """A larger page cache and in-memory sorting while the statistics run (nothing of it
    reaches the disk), restored afterwards."""
    conn = session.conn
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    temp = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA temp_store = {int(temp)}")


def _fill(session: Session, scope: Scope, stats: Statistics) -> None:
    facts.refresh(session.conn)
    found = facts.aggregates(session, scope)
    stats.cases = sum(found.by_outcome.values())
    stats.decisions_against_recommendation = found.against
    stats.adults_consenting_law_enforcement = found.adults_le
    for col in COLUMNS:
        setattr(stats, col, sum(n for o, n in found.by_outcome.items() if o in IN_COLUMN[col]))
    totals: dict[Hashable, int] = {c: getattr(stats, c) for c in COLUMNS}
    columns: list[Hashable] = list(COLUMNS)
    for dim in DIMENSIONS:
        cells: Counter[Pos] = Counter()
        codes: set[str] = set()
        for (code, outcome), count in found.by_dimension[dim].items():
            for col in COLUMNS:
                if outcome in IN_COLUMN[col]:
                    cells[(code, col)] += count
                    codes.add(code)
        rows: list[Hashable] = [*_ordered(dim, codes)]
        stats.breakdowns[dim] = Table(
            rows, list(columns), dict(cells), column_total_values=dict(totals)
        )
    stats.decision_days = facts.decision_days(session, scope)
    (stats.referrals_made, stats.referrals_accepted, stats.services_delivered) = (
        facts.referral_counts(session, scope)
    )


def _ordered(dimension: str, codes: set[str]) -> list[str]:
    if dimension == "age_group":
        return [g for g in facts.AGE_GROUPS if g in codes]
    return sorted(codes, key=lambda c: (c == "unknown", c == "other", c))
