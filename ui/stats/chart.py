"""The bar chart of the statistics dialog: bars of published values only (a suppressed count is
drawn as a hatched stub, never at its true size)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from idtool.i18n import _
from idtool.stats import DEFAULT_THRESHOLD, Published
from idtool.stats.labels import category_label

CHART_COLUMN = "screened"


# -- chart -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartBar:
    """One bar as it may be shown: `value` is None when the count is suppressed."""

    label: str
    value: int | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


class BarChart(QWidget):
    """A horizontal bar chart of published counts. Suppressed bars are a short grey hatched
    stub labelled "<threshold"; their length never depends on the true count."""

    ROW = 22
    LABEL_WIDTH = 180
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[ChartBar] = []
        self.axis_title = ""
        self.threshold = DEFAULT_THRESHOLD
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, bars: list[ChartBar], axis_title: str, threshold: int) -> None:
        self.bars = list(bars)
        self.axis_title = axis_title
        self.threshold = threshold
        self.setAccessibleName(axis_title)
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in self.bars))
        self.setFixedHeight(self._height())
        self.update()

    def _height(self) -> int:
        return 2 * self.MARGIN + self.ROW * max(1, len(self.bars)) + 2 * self.ROW

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_pen = QPen(pal.windowText().color())
        fm = p.fontMetrics()
        left = self.MARGIN + min(self.LABEL_WIDTH, max(60, self.width() // 3))
        right = self.width() - self.MARGIN - fm.horizontalAdvance("00000") - 6
        span = max(20, right - left)
        top = self.MARGIN
        if not self.bars:
            p.setPen(text_pen)
            p.drawText(
                QRectF(0, 0, self.width(), self.height()),
                Qt.AlignmentFlag.AlignCenter,
                _("Nothing to show for this period."),
            )
            return
        shown = [b.value for b in self.bars if b.value is not None]
        top_value = max([*shown, self.threshold, 1])
        stub = max(6.0, span * 0.04)  # suppressed: a fixed stub, never the true size
        bar_h = self.ROW - 6
        for i, bar in enumerate(self.bars):
            y = top + i * self.ROW
            p.setPen(text_pen)
            label_rect = QRectF(self.MARGIN, y, left - self.MARGIN - 6, self.ROW)
            p.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_rect.width())),
            )
            if bar.value is None:
                width = stub
                rect = QRectF(left, y + 3, width, bar_h)
                p.setPen(QPen(QColor("#808080")))
                p.setBrush(QBrush(QColor("#c8c8c8")))
                p.drawRect(rect)
                p.setBrush(QBrush(QColor("#707070"), Qt.BrushStyle.BDiagPattern))
                p.drawRect(rect)
            else:
                width = span * bar.value / top_value
                rect = QRectF(left, y + 3, width, bar_h)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QBrush(QColor("#3b6ea5")))
                p.drawRect(rect)
            p.setPen(text_pen)
            p.drawText(
                QRectF(left + width + 4, y, fm.horizontalAdvance(bar.text) + 4, self.ROW),
                Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
        axis_y = top + len(self.bars) * self.ROW + 2
        p.setPen(text_pen)
        p.drawLine(int(left), int(axis_y), int(left + span), int(axis_y))
        p.drawText(QRectF(left, axis_y + 2, 20, self.ROW), Qt.AlignmentFlag.AlignLeft, "0")
        p.drawText(
            QRectF(left, axis_y + 2, span, self.ROW), Qt.AlignmentFlag.AlignRight, str(top_value)
        )
        p.drawText(
            QRectF(left, axis_y + self.ROW - 4, span, self.ROW),
            Qt.AlignmentFlag.AlignHCenter,
            self.axis_title,
        )


def chart_bars(pub: Published, dim: str, column: str = CHART_COLUMN) -> list[ChartBar]:
    """The bars of one breakdown, from published values only."""
    shown = pub.tables[dim]
    return [
        ChartBar(category_label(dim, str(r)), shown.shown(r, column), shown.text(r, column))
        for r in shown.table.rows
    ]


# -- dialog ----------------------------------------------------------------------------------
