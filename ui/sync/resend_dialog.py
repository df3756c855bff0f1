"""Exchange > Write lost packages again…: when an exchange package was lost or broken before the
supervisor imported it, the officer picks the first lost one (or types the number the
supervisor's import report gave) and one catch-up package carrying everything from there on is
written, through the same folder choice, progress and cancel as an export (`ResendFlow`).

Only numbers, dates and counts are shown: nothing personal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool import dates
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import export
from ui.sync.write_flows import ResendFlow


def written_at(at: str) -> str:
    """The device's clock when the package was written, in local time, to the minute."""
    try:
        return dates.local_moment(at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


class ResendDialog(QDialog):
    """Choose the first lost package; "Write…" asks for the folder and writes the catch-up
    package (the dialog closes once writing has started; `flow` keeps it going)."""

    COLUMNS = 4

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resend_dialog")
        self.setWindowTitle(_("Write lost packages again"))
        self.resize(620, 440)
        self.session = session
        self.flow: ResendFlow | None = None
        self.packages = export.written_packages(session)
        self.last = self.packages[-1]["sequence"] if self.packages else 0

        intro = QLabel(
            _(
                "If an exchange package was lost or broken before the supervisor "
                "imported it, the packages after it cannot be imported either. Write "
                "them again: one new exchange package carries everything from the "
                "first lost package on. The supervisor's import report names the "
                "missing package."
            )
        )
        intro.setObjectName("resend_intro")
        intro.setWordWrap(True)

        self.table = QTableWidget(len(self.packages), self.COLUMNS)
        self.table.setObjectName("resend_packages")
        self.table.setAccessibleName(_("Exchange packages written"))
        self.table.setHorizontalHeaderLabels([_("Package"), _("Written"), _("Records"), _("Note")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, package in enumerate(self.packages):
            covers = package["covers_from"]
            note = (
                _("covers packages {first} to {sequence}").format(
                    first=covers, sequence=package["sequence"]
                )
                if covers is not None
                else ""
            )
            values = (
                str(package["sequence"]),
                written_at(package["at"]),
                str(package["records"]),
                note,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (0, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.itemSelectionChanged.connect(self._row_chosen)

        self.first = QSpinBox()
        self.first.setObjectName("resend_first")
        self.first.setAccessibleName(_("First lost package"))
        self.first.setRange(1, max(1, self.last))
        self.first.setValue(max(1, self.last))
        caption = QLabel(_("&First lost package:"))
        caption.setBuddy(self.first)
        line = QHBoxLayout()
        line.addWidget(caption)
        line.addWidget(self.first)
        line.addStretch(1)
        self.first.valueChanged.connect(self._number_typed)

        self.summary = QLabel()
        self.summary.setObjectName("resend_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )

        self.buttons = QDialogButtonBox()
        self.write_button = QPushButton(_("&Write…"))
        self.write_button.setObjectName("resend_write")
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("resend_cancel")
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(line)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.table, self.first)
        self.setTabOrder(self.first, self.write_button)

        if not self.packages:
            self.first.setEnabled(False)
            self.write_button.setEnabled(False)
            self.summary.setText(
                _("No exchange package has been written yet: there is nothing to write again.")
            )
            self.summary.setAccessibleName(self.summary.text())
            cancel.setFocus()
        else:
            self._number_typed(self.first.value())
            self.first.setFocus()
            self.first.selectAll()

    def _row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.first.setValue(self.packages[rows[0].row()]["sequence"])

    def _number_typed(self, value: int) -> None:
        for row, package in enumerate(self.packages):
            if package["sequence"] == value:
                if self.table.currentRow() != row:
                    self.table.selectRow(row)
                break
        if value < self.last:
            text = _(
                "A new exchange package {next} will be written. It carries again "
                "everything from package {first} on, so the supervisor can import it in "
                "place of packages {first} to {last}."
            )
        else:
            text = _(
                "A new exchange package {next} will be written. It carries again "
                "everything from package {first} on, so the supervisor can import it in "
                "place of package {first}."
            )
        self.summary.setText(text.format(next=self.last + 1, first=value, last=self.last))
        self.summary.setAccessibleName(self.summary.text())

    def write(self) -> None:
        """Ask for the folder and start writing; the dialog closes once writing runs."""
        if not self.packages:
            return
        flow = ResendFlow(self.session, self.parentWidget() or self, self.first.value())
        if flow.start():
            self.flow = flow
            self.accept()
