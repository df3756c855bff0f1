"""Supervisor: the officers of this post - add, remove (re-keys the database)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool import officers, policy
from idtool.credentials import validate_passphrase
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.session import Session
from idtool.sync import devices
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.passphrase_hint import StrengthHint
from ui.recovery_code_dialog import RecoveryCodeDialog
from ui.sync.write_flows import KeyChangeFlow
from ui.tasks import run_task

_Index = QModelIndex | QPersistentModelIndex


class OfficersModel(QAbstractTableModel):
    COL_NAME, COL_ROLE, COL_ADDED = range(3)

    def __init__(self, rows: list[officers.OfficerRow] | None = None) -> None:
        super().__init__()
        self._rows = rows or []

    def set_rows(self, rows: list[officers.OfficerRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> officers.OfficerRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        col = index.column()
        if col == self.COL_NAME:
            return row.name
        if col == self.COL_ROLE:
            return policy.role_label(row.role)
        return row.created_at[:10]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (_("Name"), _("Role"), _("Added"))[section]


class AddOfficerDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Add officer"))
        self.name = line_edit(_("Officer name"), object_name="add_name")
        self.role = QComboBox()
        self.role.setAccessibleName(_("Role"))
        for role in policy.Role:
            self.role.addItem(policy.role_label(role), role.value)
        self.passphrase = line_edit(_("Passphrase"), secret=True, object_name="add_pass")
        self.repeat = line_edit(_("Repeat the passphrase"), secret=True, object_name="add_repeat")
        form = QFormLayout()
        form.addRow(_("Officer name:"), self.name)
        form.addRow(_("Role:"), self.role)
        form.addRow(_("Passphrase:"), self.passphrase)
        form.addRow(
            "", StrengthHint(self.passphrase, name_edit=self.name, object_name="add_strength")
        )
        form.addRow(_("Repeat the passphrase:"), self.repeat)
        self.error = error_label("add_error")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for w in (self.error, self.busy, self.buttons):
            layout.addWidget(w)

    def _add(self) -> None:
        if self.passphrase.text() != self.repeat.text():
            show_error(self.error, _("The two passphrases differ."))
            return
        name, role, pw = self.name.text(), self.role.currentData(), self.passphrase.text()
        if not _strong_enough(self.error, self.passphrase, name):
            return
        self.buttons.setEnabled(False)
        self.busy.show()
        run_task(
            lambda worker, _state: officers.add_officer(worker, name, role, pw),
            lambda _r: self.accept(),
            self._failed,
            session=self.session,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.busy.hide()
        show_error(self.error, failure_text(exc, _("The officer could not be added.")))


class OfficersDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Officers"))
        self.resize(560, 360)
        self.model = OfficersModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Officers"))
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.error = error_label("officers_error")
        add = QPushButton(_("Add officer…"))
        add.clicked.connect(self._add)
        self.remove = QPushButton(_("Remove officer…"))
        self.remove.clicked.connect(self._remove)
        self.renew = QPushButton(_("New recovery code…"))
        self.renew.setObjectName("officers_renew_code")
        self.renew.clicked.connect(self._renew)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for w in (add, self.remove, self.renew):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(officers.list_officers(self.session))

    def _add(self) -> None:
        if AddOfficerDialog(self.session, self).exec():
            self.refresh()

    def _remove(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            show_error(self.error, _("Select an officer first."))
            return
        officer = self.model.row_at(rows[0].row())
        answer = QMessageBox.question(
            self,
            _("Remove officer"),
            _(
                "Remove {name}? Their passphrase will stop working and the database will be "
                "re-encrypted with a new key. This cannot be undone."
            ).format(name=officer.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.remove.setEnabled(False)
        # A re-key: the worker's connection changes the key; this dialog's session reopens its
        # connection with the new key when it next reads.
        run_task(
            lambda worker, _state: officers.remove_officer(worker, officer.name),
            self._removed,
            self._failed,
            session=self.session,
            owner=self,
        )

    def _removed(self, code: object) -> None:
        self.remove.setEnabled(True)
        show_error(self.error, "")
        self.refresh()
        RecoveryCodeDialog(str(code), self).exec()
        if devices.is_coordinator(self.session):
            answer = QMessageBox.question(
                self,
                _("Change the coordinator's keys"),
                _(
                    "The removed officer may have kept a copy of this computer's folder, with "
                    "the keys devices trust. Make new keys now and write the key-change package "
                    "for every device?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.key_change = KeyChangeFlow(self.session, self, rotate=True)
                self.key_change.start()

    def _renew(self) -> None:
        answer = QMessageBox.question(
            self,
            _("New recovery code"),
            _(
                "Replace the recovery code? The old code will stop working and the database "
                "will be re-encrypted with a new key."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.renew.setEnabled(False)
        run_task(
            lambda worker, _state: officers.renew_recovery_code(worker),
            self._renewed,
            self._failed,
            session=self.session,
            owner=self,
        )

    def _renewed(self, code: object) -> None:
        self.renew.setEnabled(True)
        show_error(self.error, "")
        RecoveryCodeDialog(str(code), self).exec()

    def _failed(self, exc: BaseException) -> None:
        self.remove.setEnabled(True)
        self.renew.setEnabled(True)
        show_error(self.error, failure_text(exc, _("The officer could not be removed.")))


class ChangePassphraseDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Change passphrase"))
        self.old = line_edit(_("Current passphrase"), secret=True, object_name="old_pass")
        self.new = line_edit(_("New passphrase"), secret=True, object_name="new_pass")
        self.repeat = line_edit(
            _("Repeat the new passphrase"), secret=True, object_name="new_repeat"
        )
        form = QFormLayout()
        form.addRow(_("Current passphrase:"), self.old)
        form.addRow(_("New passphrase:"), self.new)
        form.addRow(
            "", StrengthHint(self.new, names=[session.officer.name], object_name="passwd_strength")
        )
        form.addRow(_("Repeat the new passphrase:"), self.repeat)
        self.error = error_label("passwd_error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._change)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _change(self) -> None:
        if self.new.text() != self.repeat.text():
            show_error(self.error, _("The two passphrases differ."))
            return
        old, new = self.old.text(), self.new.text()
        if not _strong_enough(self.error, self.new, self.session.officer.name):
            return
        self.buttons.setEnabled(False)
        run_task(
            lambda worker, _state: officers.change_passphrase(worker, old, new),
            lambda _r: self.accept(),
            self._failed,
            session=self.session,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, failure_text(exc, _("The passphrase could not be changed.")))
        self.old.selectAll()
        self.old.setFocus()


def _strong_enough(error: QLabel, edit: QLineEdit, name: str) -> bool:
    """Refuse a weak new passphrase here, with the advice, before any slow work starts."""
    try:
        validate_passphrase(edit.text(), name)
    except IdtoolError as exc:
        show_error(error, exc.message)
        edit.selectAll()
        edit.setFocus()
        return False
    return True
