"""NRM statistics: figures and breakdowns, small-cell suppression, reports, HTCDS export.

compute(session, period_from, period_to, region, responder) -> Statistics
Statistics.published(threshold) -> Published (suppressed tables and figures)
suppress(table, threshold=5) -> Suppressed
report.to_csv(published) / report.to_pdf(published) -> bytes
export_htcds(session) -> HtcdsExport (CSV bytes with .rows, .dropped, .k)
"""

from __future__ import annotations

from idtool.stats.compute import Published, Statistics, compute
from idtool.stats.htcds import HtcdsExport, export_htcds
from idtool.stats.suppress import DEFAULT_THRESHOLD, Suppressed, Table, suppress

__all__ = [
    "DEFAULT_THRESHOLD",
    "HtcdsExport",
    "Published",
    "Statistics",
    "Suppressed",
    "Table",
    "compute",
    "export_htcds",
    "suppress",
]
