"""The statistics as CSV and as a PDF report, in memory (the caller saves them atomically).

Both show only published values: suppressed counts print as "<threshold".
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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


CHART_LABEL = 34  # characters of a category name beside its bar (the table has it whole)


def empty_text() -> str:
    return _("No case was recorded in this period: every count is 0.")


def no_chart_text() -> str:
    return _("No chart: every count here is hidden or 0.")


WIDTH = 164 * mm  # of a table: A4 less the margins


def _number_width(headers: list[str], style: ParagraphStyle) -> float:
    """A number column as wide as the longest word of its header (so that a header wraps
    between words, never inside one), from 28 to 42 mm."""
    longest = max(
        stringWidth(word, style.fontName, style.fontSize) for h in headers for word in h.split()
    )
    return min(max(longest + 6 * mm, 28 * mm), 42 * mm)


def _axis_step(top: int) -> int:
    """A whole-number step giving about five ticks up to `top`."""
    return max(1, math.ceil(top / 5))


def _chart(labels: list[str], values: list[int]) -> Drawing:
    """Horizontal bars of the shown counts, on a whole-number axis from 0."""
    rows = len(labels)
    drawing = Drawing(160 * mm, 10 * mm + 5 * mm * rows)
    chart = HorizontalBarChart()
    # The stubs say int (from the defaults); ReportLab takes any number here.
    chart.x, chart.y = 55 * mm, 6 * mm  # type: ignore[assignment]
    chart.width, chart.height = 95 * mm, 5 * mm * rows  # type: ignore[assignment]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [
        label if len(label) <= CHART_LABEL else label[: CHART_LABEL - 1] + "…" for label in labels
    ]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    step = _axis_step(max(values))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * math.ceil(max(values) / step)
    chart.valueAxis.labelTextFormat = "%d"
    chart.bars[0].fillColor = colors.HexColor("#3b6ea5")
    drawing.add(chart)
    return drawing


def to_pdf(pub: Published) -> bytes:
    """An A4 report: period and suppression rule, figures, a table and a bar chart per
    breakdown (bars only for counts that are shown). Headers and row names wrap in their cells;
    a period without cases says so instead of a page of zeros."""
    register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=12)
    note = ParagraphStyle("note", body, fontName=SANS_BOLD, spaceBefore=2, spaceAfter=2)
    head = ParagraphStyle("head", fontName=SANS_BOLD, fontSize=15, leading=19)
    sub = ParagraphStyle("sub", fontName=SANS_BOLD, fontSize=11, leading=14)
    cell = ParagraphStyle("cell", fontName=SANS, fontSize=8, leading=10)
    head_cell = ParagraphStyle("head_cell", cell, fontName=SANS_BOLD, fontSize=7.5, leading=9.5)
    head_number = ParagraphStyle("head_number", head_cell, alignment=TA_RIGHT)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )
    story: list[Flowable] = [
        Paragraph(_("NRM statistics"), head),
        Paragraph(period_text(pub), body),
        Paragraph(rule_text(pub), body),
    ]
    empty = pub.stats.cases == 0
    if empty:
        story.append(Paragraph(empty_text(), note))
    story.append(Spacer(1, 4 * mm))
    figures = Table(
        [
            [Paragraph(_("Figure"), head_cell), Paragraph(_("Value"), head_number)],
            *([Paragraph(label, cell), value] for label, value in headline(pub)),
        ],
        colWidths=[WIDTH - 30 * mm, 30 * mm],
        repeatRows=1,
    )
    figures.setStyle(style)
    story += [figures, Spacer(1, 5 * mm)]
    if empty:
        return _build(story)
    for dim in DIMENSIONS:
        rows = [[Paragraph(row[0], cell), *row[1:]] for row in breakdown_rows(pub, dim)]
        header = [
            Paragraph(dimension_label(dim), head_cell),
            *(Paragraph(outcome_label(c), head_number) for c in COLUMNS),
        ]
        number = _number_width([outcome_label(c) for c in COLUMNS], head_number)
        widths = [WIDTH - len(COLUMNS) * number, *(number for _c in COLUMNS)]
        t = Table([header, *rows], colWidths=widths, repeatRows=1)
        t.setStyle(style)
        part: list[Flowable] = [Paragraph(dimension_label(dim), sub), t, Spacer(1, 2 * mm)]
        shown = pub.tables[dim]
        cats = shown.table.rows
        if cats:
            values = [shown.shown(r, "screened") or 0 for r in cats]
            part.append(Paragraph(_("Screened cases (suppressed counts are not drawn)"), body))
            if max(values) > 0:
                part.append(_chart([category_label(dim, str(r)) for r in cats], values))
            else:
                part.append(Paragraph(no_chart_text(), body))
        story += [KeepTogether(part), Spacer(1, 4 * mm)]
    return _build(story)


def _build(story: list[Flowable]) -> bytes:
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
