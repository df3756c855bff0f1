"""Supervisor: the review queue - decisions against the recommendation, cases waiting for a
decision, referrals waiting for an answer, import conflicts and possible duplicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool import oversight
from idtool.errors import IdtoolError
from idtool.i18n import _
from ui.fields import error_label, show_error

if TYPE_CHECKING:
    from idtool.session import Session

_Index = QModelIndex | QPersistentModelIndex


class ReviewModel(QAbstractTableModel):
    COL_KIND, COL_CASE, COL_SINCE, COL_DETAIL = range(4)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[oversight.ReviewItem] = []
        self._details: list[str] = []

    def set_items(self, items: list[oversight.ReviewItem], details: list[str]) -> None:
        """The items with their details already in words (`oversight.describe`)."""
        self.beginResetModel()
        self._items, self._details = items, details
        self.endResetModel()

    def item(self, row: int) -> oversight.ReviewItem:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        item = self._items[index.row()]
        return (
            oversight.kind_label(item.kind),
            item.case_number or "—",
            item.since[:16].replace("T", " "),
            self._details[index.row()],
        )[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (_("Why"), _("Case number"), _("Since"), _("Detail"))[section]


class ResolutionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record the resolution"))
        label = QLabel(_("What was decided or done:"))
        self.note = QPlainTextEdit()
        self.note.setAccessibleName(_("Resolution"))
        self.note.setTabChangesFocus(True)
        label.setBuddy(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (label, self.note, buttons):
            layout.addWidget(w)


class OversightDialog(QDialog):
    def __init__(
        self, session: Session, open_case: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._open_case = open_case
        self.setWindowTitle(_("Review queue"))
        self.resize(1100, 520)
        intro = QLabel(
            _(
                "Items waiting for the supervisor, oldest first. Conflicts and "
                "duplicates are resolved in Exchange > Review conflicts and "
                "duplicates."
            )
        )
        intro.setWordWrap(True)
        self.model = ReviewModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Review queue"))
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)  # one line per item; the columns fit their content
        self.view.verticalHeader().hide()
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.error = error_label("review_error")
        self.open_button = QPushButton(_("&Open case"))
        self.open_button.clicked.connect(self.open_selected)
        self.resolve_button = QPushButton(_("&Record resolution…"))
        self.resolve_button.clicked.connect(self.resolve_selected)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for w in (self.open_button, self.resolve_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        for w in (intro, self.view, self.error):
            layout.addWidget(w)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        items = oversight.queue(self.session)
        self.model.set_items(items, [oversight.describe(self.session, i) for i in items])
        self.view.resizeColumnsToContents()

    def _selected(self) -> oversight.ReviewItem | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            show_error(self.error, _("Select an item first."))
            return None
        return self.model.item(rows[0].row())

    def open_selected(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.kind == oversight.Kind.AUDIT_LOG:
            show_error(
                self.error,
                _(
                    "This item concerns a device, not a case: ask the post "
                    "what happened, then record the resolution."
                ),
            )
            return
        if not item.case_uuid:
            show_error(
                self.error, _("Open Exchange > Review conflicts and duplicates for this item.")
            )
            return
        self.accept()
        self._open_case(item.case_uuid)

    def resolve_selected(self, note: str | None = None) -> None:
        item = self._selected()
        if item is None:
            return
        if note is None:
            dialog = ResolutionDialog(self)
            if not dialog.exec():
                return
            note = dialog.note.toPlainText()
        try:
            oversight.resolve(self.session, item, note)
        except IdtoolError as exc:
            show_error(self.error, exc.message)
            return
        show_error(self.error, "")
        self.refresh()
