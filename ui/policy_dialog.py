"""Supervisor: the role policy table - which role may do what. Changes are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from idtool import permissions, policy
from idtool.errors import IdtoolError
from idtool.i18n import _
from ui.fields import error_label, show_error

if TYPE_CHECKING:
    from idtool.session import Session

_Index = QModelIndex | QPersistentModelIndex


class PolicyModel(QAbstractTableModel):
    """Rows: actions; columns: roles; each cell a check box."""

    def __init__(self, session: Session, on_error: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.session = session
        self.actions = list(policy.Action)
        self.roles = list(policy.Role)
        self._on_error = on_error
        self._table = permissions.table(session)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.actions)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.roles)

    def _fixed(self, action: policy.Action) -> bool:
        return action in policy.SUPERVISOR_ONLY_FIXED

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsSelectable
        if self._fixed(self.actions[index.row()]):
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        action, who = self.actions[index.row()], self.roles[index.column()]
        allowed = who in self._table[action]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if allowed else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = _("allowed") if allowed else _("not allowed")
            return f"{policy.action_label(action)}, {policy.role_label(who)}: {state}"
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        action, who = self.actions[index.row()], self.roles[index.column()]
        allowed = Qt.CheckState(value) == Qt.CheckState.Checked
        try:
            permissions.change(self.session, action, who, allowed)
        except IdtoolError as exc:
            if self._on_error:
                self._on_error(exc.message)
            return False
        self._table = permissions.table(self.session)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return policy.role_label(self.roles[section])
        return policy.action_label(self.actions[section])


class PolicyDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Role permissions"))
        self.resize(760, 480)
        intro = QLabel(
            _(
                "Tick what each role may do. Changes take effect at once and are "
                "recorded in the audit log. Managing officers always stays with "
                "supervisors."
            )
        )
        intro.setWordWrap(True)
        self.error = error_label("policy_error")
        self.model = PolicyModel(session, lambda text: show_error(self.error, text))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Role permissions"))
        self.view.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, self.view, self.error, buttons):
            layout.addWidget(w)
