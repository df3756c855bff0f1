"""Re-filling the case view's read-only tables when a section's data changes."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from ui.cases.widgets import fit_columns, read_only_table


def table(
    headers: list[str], object_name: str, accessible_name: str, max_rows: int = 8
) -> QTableWidget:
    """An empty read-only table; fill it with `refill`."""
    return read_only_table(headers, [], object_name, accessible_name, max_rows)


def refill(table: QTableWidget, rows: list[list[str]], max_rows: int = 8) -> None:
    """Replace the rows; the table stays as high as its rows (up to `max_rows`)."""
    table.clearContents()
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if len(value) > 40:
                item.setToolTip(value)
            table.setItem(r, c, item)
    fit_columns(table)
    shown = min(max(len(rows), 1), max_rows)
    table.setFixedHeight(
        table.horizontalHeader().sizeHint().height()
        + shown * table.verticalHeader().defaultSectionSize()
        + table.horizontalScrollBar().sizeHint().height()
        + 2 * table.frameWidth()
    )
