"""The statistics as CSV and as a PDF report, in memory (the caller saves them atomically).

Both show only published values: suppressed counts print as "<threshold".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from idtool.documents.style import SANS, SANS_BOLD, register_fonts
from idtool.i18n import _
from idtool.stats.compute import COLUMNS, Published
from idtool.stats.labels import DIMENSIONS, category_label, dimension_label, outcome_label
from idtool.stats.suppress import TOTAL

FIGURES: tuple[tuple[str, str, Callable[[], str]], ...] = (
    ("cases", "screened", lambda: _("Screened (cases with an interview)")),
    ("cases", "possible", lambda: _("Possible victims")),
    ("cases", "identified", lambda: _("Identified victims")),
    ("nrm", "referrals_made", lambda: _("Referrals made")),
    ("nrm", "referrals_accepted", lambda: _("Referrals accepted")),
    ("nrm", "services_delivered", lambda: _("Referrals with services delivered")),
    (
        "nrm",
        "adults_consenting_law_enforcement",
        lambda: _("Adults consenting to share with law enforcement"),
    ),
    ("nrm", "decisions_against_recommendation", lambda: _("Decisions against the recommendation")),
)


def period_text(pub: Published) -> str:
    scope = pub.stats.scope
    start = scope.period_from.isoformat() if scope.period_from else "…"
    end = scope.period_to.isoformat() if scope.period_to else "…"
    return _("Period: {start} – {end}").format(start=start, end=end)


def rule_text(pub: Published) -> str:
    return _(
        "Counts from 1 to {top} are not shown (printed as <{threshold}); other counts "
        "are hidden where they would let a hidden count be worked out from the "
        "totals."
    ).format(top=pub.threshold - 1, threshold=pub.threshold)


def share_text(pub: Published) -> str:
    share = pub.share_identified
    return "—" if share is None else f"{share * 100:.1f} %"


def median_text(pub: Published) -> str:
    days = pub.median_days_to_decision
    return "—" if days is None else f"{days:.1f}"


def headline(pub: Published) -> list[tuple[str, str]]:
    rows = [(label(), pub.text(name)) for _group, name, label in FIGURES]
    rows.insert(3, (_("Share identified of screened"), share_text(pub)))
    rows.append((_("Median days from first contact to status decision"), median_text(pub)))
    return rows


def breakdown_rows(pub: Published, dim: str) -> list[list[str]]:
    shown = pub.tables[dim]
    rows = [
        [category_label(dim, str(r))] + [shown.text(r, c) for c in COLUMNS]
        for r in shown.table.rows
    ]
    rows.append([_("Total")] + [shown.text(TOTAL, c) for c in COLUMNS])
    return rows


def to_csv(pub: Published) -> bytes:
    """section, dimension, code, label, screened, possible, identified (UTF-8 with BOM so that
    spreadsheet programs read Cyrillic)."""
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\r\n")
    w.writerow(["section", "dimension", "code", "label", *COLUMNS])
    w.writerow(["info", "period", "", period_text(pub), "", "", ""])
    w.writerow(["info", "suppression", str(pub.threshold), rule_text(pub), "", "", ""])
    for group, name, figure_label in FIGURES:
        w.writerow([group, name, "", figure_label(), pub.text(name), "", ""])
    w.writerow(
        [
            "cases",
            "share_identified",
            "",
            _("Share identified of screened"),
            share_text(pub),
            "",
            "",
        ]
    )
    w.writerow(
        [
            "nrm",
            "median_days_to_decision",
            "",
            _("Median days from first contact to status decision"),
            median_text(pub),
            "",
            "",
        ]
    )
    for dim in DIMENSIONS:
        shown = pub.tables[dim]
        for r in [*shown.table.rows, TOTAL]:
            code = "total" if r == TOTAL else str(r)
            label = _("Total") if r == TOTAL else category_label(dim, str(r))
            w.writerow(["breakdown", dim, code, label, *(shown.text(r, c) for c in COLUMNS)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_pdf(pub: Published) -> bytes:
    """An A4 report: period and suppression rule, figures, a table and a bar chart per
    breakdown (bars only for counts that are shown)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=12)
    head = ParagraphStyle("head", fontName=SANS_BOLD, fontSize=15, leading=19)
    sub = ParagraphStyle("sub", fontName=SANS_BOLD, fontSize=11, leading=14)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )
    story = [
        Paragraph(_("NRM statistics"), head),
        Paragraph(period_text(pub), body),
        Paragraph(rule_text(pub), body),
        Spacer(1, 4 * mm),
    ]
    figures = Table([[_("Figure"), _("Value")], *headline(pub)], colWidths=[120 * mm, 30 * mm])
    figures.setStyle(style)
    story += [figures, Spacer(1, 5 * mm)]
    for dim in DIMENSIONS:
        cell = ParagraphStyle("cell", fontName=SANS, fontSize=8, leading=10)
        rows = [[Paragraph(row[0], cell), *row[1:]] for row in breakdown_rows(pub, dim)]
        story.append(Paragraph(dimension_label(dim), sub))
        t = Table(
            [[dimension_label(dim), *(outcome_label(c) for c in COLUMNS)], *rows],
            colWidths=[70 * mm, 30 * mm, 30 * mm, 30 * mm],
            repeatRows=1,
        )
        t.setStyle(style)
        story += [t, Spacer(1, 2 * mm)]
        shown = pub.tables[dim]
        cats = shown.table.rows
        if cats:
            values = [shown.shown(r, "screened") or 0 for r in cats]
            drawing = Drawing(160 * mm, 8 * mm + 5 * mm * len(cats))
            chart = HorizontalBarChart()
            # The stubs say int (from the defaults); ReportLab takes any number here.
            chart.x, chart.y = 55 * mm, 4 * mm  # type: ignore[assignment]
            chart.width, chart.height = 95 * mm, 5 * mm * len(cats)  # type: ignore[assignment]
            chart.data = [values]
            chart.categoryAxis.categoryNames = [category_label(dim, str(r))[:40] for r in cats]
            chart.categoryAxis.labels.fontName = SANS
            chart.categoryAxis.labels.fontSize = 7
            chart.valueAxis.labels.fontName = SANS
            chart.valueAxis.labels.fontSize = 7
            chart.valueAxis.valueMin = 0
            chart.bars[0].fillColor = colors.HexColor("#3b6ea5")
            drawing.add(chart)
            story += [
                Paragraph(_("Screened cases (suppressed counts are not drawn)"), body),
                drawing,
                Spacer(1, 4 * mm),
            ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=_("NRM statistics"),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story)
    return out.getvalue()
