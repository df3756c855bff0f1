"""The case list as a table model that reads the database a page at a time.

Filtering and ordering happen in SQL (`idtool.case_list.CaseQuery`); the model keeps only the pages
a view has asked for, so a list of 100,000 cases costs a few hundred rows of memory.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from idtool import dates
from idtool.case_list import CaseQuery, CaseRow, next_step, status_text
from idtool.i18n import N_, _
from idtool.regions import region_label
from idtool.session import Session

_Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
UUID_ROLE = Qt.ItemDataRole.UserRole + 1
REVIEW_ROLE = Qt.ItemDataRole.UserRole + 2

HEADERS = (
    N_("Case number"),
    N_("Person"),
    N_("Opened"),
    N_("Status"),
    N_("Officer"),
    N_("Region"),
    N_("Next step"),
)


def local_time(iso: str | None) -> str:
    """A stored UTC time in local time, to the minute ('' for none)."""
    if not iso:
        return ""
    try:
        return dates.local_moment(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class CaseListModel(QAbstractTableModel):
    COL_NUMBER, COL_PERSON, COL_OPENED, COL_STATUS, COL_OFFICER, COL_REGION, COL_NEXT = range(7)
    # Columns the core orders by in SQL. The next step is not one: it follows from the status
    # and whether an interview is open, and ordering 100,000 cases by that would read them all.
    SORT_KEYS: ClassVar[dict[int, str]] = {
        COL_NUMBER: "number",
        COL_PERSON: "person",
        COL_OPENED: "opened",
        COL_STATUS: "status",
        COL_OFFICER: "officer",
        COL_REGION: "region",
    }

    def __init__(
        self, session: Session, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._query = CaseQuery()
        self._rows: list[CaseRow] = []
        self._display: list[tuple[str, ...]] = []
        self._total = 0
        self._exhausted = True
        self._review_font = QFont()
        self._review_font.setBold(True)
        self.refresh()

    # -- what to show ------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many cases match the filter, as the core counts them (some may not be
        fetched yet)."""
        return self._total

    @property
    def sort_column(self) -> int:
        return next(c for c, key in self.SORT_KEYS.items() if key == self._query.order_by)

    @property
    def sort_order(self) -> Qt.SortOrder:
        return (
            Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder
        )

    def set_filter(self, text: str) -> None:
        """Show the cases whose number or person's name (any script) contains `text`."""
        if text.strip() != self._query.text.strip():
            self._requery(text=text)

    def set_status(self, status: str | None) -> None:
        if (status or None) != self._query.status:
            self._requery(status=status or None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key == self._query.order_by and descending == self._query.descending):
            return
        self._requery(order_by=key, descending=descending)

    def _requery(self, **changes: object) -> None:
        q = self._query
        args = {
            "text": q.text,
            "status": q.status,
            "order_by": q.order_by,
            "descending": q.descending,
            **changes,
        }
        self._query = CaseQuery(**args)  # type: ignore[arg-type]
        self.refresh()

    def refresh(self) -> None:
        """Read the first page again (after a change in the database)."""
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()

    def _load_first_page(self) -> None:
        self._total = self._query.count(self._session)
        self._rows = []
        self._display = []
        self._append(self._query.page(self._session, 0, self._page_size))

    def _append(self, rows: list[CaseRow]) -> None:
        # A short page is the end, whatever the count said (cases may come and go meanwhile).
        self._exhausted = len(rows) < self._page_size
        self._rows.extend(rows)
        self._total = max(self._total, len(self._rows))
        self._display.extend(
            (
                r.number,
                r.person(),  # a working name is marked as such
                local_time(r.opened_at),
                status_text(r.status, r.assessed),
                r.officer,
                region_label(r.region),
                next_step(r),
            )
            for r in rows
        )

    def row_at(self, row: int) -> CaseRow:
        return self._rows[row]

    # -- lazy fetching -----------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        # The end is a short page, not the count: a count may be capped or already stale.
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        rows = self._query.page(self._session, len(self._rows), self._page_size)
        if not rows:
            self._exhausted = True
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._append(rows)
        self.endInsertRows()

    # -- the model interface -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self._display[index.row()][col]
            if role == Qt.ItemDataRole.AccessibleTextRole and row.review and col == 0:
                return _("{case} (marked for supervisor review)").format(case=text)
            return text
        if role == UUID_ROLE:
            return row.uuid
        if role == REVIEW_ROLE:
            return row.review
        if role == Qt.ItemDataRole.FontRole and row.review:
            return self._review_font
        if role == Qt.ItemDataRole.DecorationRole and row.review and col == self.COL_STATUS:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    @staticmethod
    def _tooltip(row: CaseRow) -> str | None:
        notes = []
        if row.review:
            notes.append(
                _("Marked for supervisor review: the decision differs from the recommendation.")
            )
        if row.demo:
            notes.append(_("Demo case (fictional)."))
        return "\n".join(notes) or None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section not in self.SORT_KEYS:
            return _("The next step follows from the status: sort by Status instead.")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class CaseListProxy(QSortFilterProxyModel):
    """Hands sorting to the source model (SQL); never reorders or filters rows itself."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def lessThan(self, left: _Index, right: _Index) -> bool:
        return left.row() < right.row()
