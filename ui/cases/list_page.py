"""The case list page: search (any script), status filter, the table, and "New case…"."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool.case_list import NEW, NEW_LABEL
from idtool.cases import Status, status_label
from idtool.i18n import _, gettext
from idtool.session import Session
from ui.cases.list_model import UUID_ROLE, CaseListModel, CaseListProxy

SEARCH_DELAY_MS = 150


class CaseListPage(QWidget):
    open_case = Signal(str)  # case uuid
    new_case = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        title = QLabel(_("Cases"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        self.search = QLineEdit()
        self.search.setObjectName("case_search")
        self.search.setPlaceholderText(_("Search by name (Cyrillic or Latin) or case number"))
        self.search.setAccessibleName(_("Search cases"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(_("&Search:"))
        search_label.setBuddy(self.search)

        self.status = QComboBox()
        self.status.setObjectName("case_status_filter")
        self.status.setAccessibleName(_("Status"))
        self.status.addItem(_("All statuses"), "")
        self.status.addItem(gettext(NEW_LABEL), NEW)
        for status in Status:
            self.status.addItem(status_label(status), status.value)
        status_caption = QLabel(_("S&tatus:"))
        status_caption.setBuddy(self.status)

        self.new_button = QPushButton(_("&New case…"))
        self.new_button.setObjectName("new_case")
        self.new_button.clicked.connect(self.new_case)

        self.model = CaseListModel(session, self)
        self.proxy = CaseListProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("case_table")
        self.table.setAccessibleName(_("Cases"))
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.sortIndicatorChanged.connect(self._keep_sort_indicator)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._activated)
        self.proxy.modelReset.connect(self._update_count)

        self.count = QLabel()
        self.count.setObjectName("case_count")
        self.empty = QLabel()  # what to do when the list shows nothing
        self.empty.setObjectName("case_list_empty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("padding: 12px; font-size: 11pt;")

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.status.currentIndexChanged.connect(self._status_changed)

        tools = QHBoxLayout()
        tools.addWidget(search_label)
        tools.addWidget(self.search, 3)
        tools.addWidget(status_caption)
        tools.addWidget(self.status, 1)
        tools.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(tools)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self._update_count()
        self._fit_columns()
        self.setFocusProxy(self.search)

    def _fit_columns(self, sample: int = 40) -> None:
        """Size the columns to the first rows once; the officer may resize them after.

        Measured with font metrics on a sample: asking the view to measure every fetched row
        costs several milliseconds a column."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        header = self.table.horizontalHeader()
        rows = min(self.model.rowCount(), sample)
        for column in range(self.model.columnCount() - 1):
            texts = [str(self.model.index(r, column).data() or "") for r in range(rows)]
            width = max([metrics.horizontalAdvance(t) for t in texts] or [0])
            if column == CaseListModel.COL_STATUS:
                width += self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 8
            width = max(width + 16, header.sectionSizeHint(column))
            self.table.setColumnWidth(column, min(width, 280))

    def apply_filter(self) -> None:
        """Filter by the search text now (typing does so after a short pause)."""
        self._timer.stop()
        self.model.set_filter(self.search.text())

    def refresh(self) -> None:
        """Read the list again, e.g. after a case was opened or decided elsewhere."""
        self.model.refresh()

    def _status_changed(self) -> None:
        self.model.set_status(self.status.currentData() or None)

    def _keep_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        # Columns the database cannot order by keep the arrow on the column in force.
        if column not in CaseListModel.SORT_KEYS:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, self.model.sort_order)
            header.blockSignals(False)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case.emit(str(index.data(UUID_ROLE)))

    def _update_count(self) -> None:
        self.count.setText(_("Cases found: {count}").format(count=self.model.total))
        if self.model.total:
            text = ""
        elif self.search.text().strip() or self.status.currentData():
            text = _("No case matches. Clear the search or choose All statuses.")
        else:
            text = _(
                "No cases yet. To begin, press New case…: give the person's name or "
                "a working name, and the screening interview starts."
            )
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
