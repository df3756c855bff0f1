"""NRM statistics: figures and breakdowns, small-cell suppression, reports (the HTCDS export is
`idtool.htcds`).

compute(session, period_from, period_to, region, responder) -> Statistics
Statistics.published(threshold) -> Published (suppressed tables and figures)
suppress(table, threshold=5) -> Suppressed
report.to_csv(published) / report.to_pdf(published) -> bytes
"""

from __future__ import annotations

from idtool.stats.compute import Published, Statistics, compute
from idtool.stats.suppress import DEFAULT_THRESHOLD, Suppressed, Table, suppress

__all__ = [
    "DEFAULT_THRESHOLD",
    "Published",
    "Statistics",
    "Suppressed",
    "Table",
    "compute",
    "suppress",
]
