"""Small pieces the case pages share: read-only tables sized to their rows, headings, labels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool.questionnaire.model import Form


def heading(text: str, scale: float = 1.4) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def group(title: str, object_name: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName(object_name)
    return box, QVBoxLayout(box)


def read_only_table(
    headers: list[str],
    rows: list[list[str]],
    object_name: str,
    accessible_name: str,
    max_rows: int = 10,
) -> QTableWidget:
    """A table of text that is read, not edited, as high as its rows (up to `max_rows`).

    Long cells are cut on screen and shown whole in their tooltip."""
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if len(value) > 40:
                item.setToolTip(value)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    fit_columns(table)
    shown = min(max(len(rows), 1), max_rows)
    table.setFixedHeight(
        header.sizeHint().height()
        + shown * table.verticalHeader().defaultSectionSize()
        + table.horizontalScrollBar().sizeHint().height()
        + 2 * table.frameWidth()
    )
    return table


LONG = 150  # pixels: a column wider than this holds long text, and gives way when space is short


class _FitWidth(QObject):
    """Keeps a table's columns at their contents' widths while they fit its width; when they do
    not, the long-text columns give up the excess in proportion to their length."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.setObjectName("fit_width")
        self.table = table
        self.widths: list[int] = []
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False

    def apply(self) -> None:
        widths = list(self.widths)
        excess = sum(widths) - self.table.viewport().width()
        spare = sum(w - LONG for w in widths if w > LONG)
        if excess > 0 and spare > 0:
            share = min(1.0, excess / spare)
            widths = [w - int((w - LONG) * share + 0.999) if w > LONG else w for w in widths]
        for c, width in enumerate(widths):
            self.table.setColumnWidth(c, width)


def fit_columns(table: QTableWidget, widest: int = 420) -> None:
    """Columns as wide as their contents (fonts included), none wider than `widest`; when they
    do not fit the table's width, the columns of long text (wider than `LONG`) are narrowed and
    cut (whole in their tooltips), never the short ones pushed out of sight."""
    table.resizeColumnsToContents()
    fit = table.findChild(_FitWidth, "fit_width") or _FitWidth(table)
    fit.widths = [min(table.columnWidth(c), widest) for c in range(table.columnCount())]
    fit.apply()


def mark_row(
    table: QTableWidget, row: int, *, italic: bool = False, bold: bool = False, dim: bool = False
) -> None:
    for c in range(table.columnCount()):
        item = table.item(row, c)
        if item is None:
            continue
        font = QFont(item.font())
        font.setItalic(italic)
        font.setBold(bold)
        item.setFont(font)
        if dim:
            item.setForeground(table.palette().placeholderText())


def form_title(form: Form | None, form_id: str, lang: str) -> str:
    if form is None:
        return form_id
    return form.title.get(lang, form.default_language) or form_id


def choice_text(form: Form | None, list_name: str, value: str, lang: str) -> str:
    """The label of `value` in one of the form's choice lists, else the value itself."""
    if form is None or not value:
        return value
    try:
        choice = form.choice_list(list_name).choice(value)
    except KeyError:
        return value
    return choice.label.get(lang, form.default_language) if choice is not None else value


def page_container(content: QWidget) -> QScrollArea:
    """Wrap `content` in a vertical scroll area that gives it the full width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area
