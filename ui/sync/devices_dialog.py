"""Exchange > Devices: the known devices (label, role, fingerprint, organisation, status). The
supervisor sets which NRM organisation a device serves, so that referral packages can be
addressed to it once the devices have received the next update package, and revokes a
stolen or retired device (for good: its packages are refused from then on)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool import directory
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.devices import Device, DeviceRole, DeviceStatus
from ui.fields import error_label, failure_text, show_error

DEVICE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def role_label(role: DeviceRole) -> str:
    return _("Supervisor") if role is DeviceRole.SUPERVISOR else _("Device")


def status_label(status: DeviceStatus) -> str:
    return _("Trusted") if status is DeviceStatus.TRUSTED else _("Revoked")


class DeviceModel(QAbstractTableModel):
    """Read-only table of devices; `titles` maps organisation ids to names."""

    COL_LABEL, COL_ROLE, COL_FINGERPRINT, COL_ORG, COL_STATUS = range(5)

    def __init__(
        self,
        rows: list[Device] | None = None,
        titles: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows = list(rows or [])
        self.titles = dict(titles or {})

    def set_rows(self, rows: list[Device]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 5
        ):
            return (_("Label"), _("Role"), _("Fingerprint"), _("Organisation"), _("Status"))[
                section
            ]
        return None

    def organisation(self, device: Device) -> str:
        if not device.org_id:
            return _("not set")
        return self.titles.get(device.org_id, device.org_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        device = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                device.label,
                role_label(device.role),
                device.fingerprint,
                self.organisation(device),
                status_label(device.status),
            )[index.column()]
        if role == DEVICE_ID_ROLE:
            return device.device_id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.COL_FINGERPRINT:
            return _("Device {device}").format(device=device.device_id)
        return None


class DevicesDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devices_dialog")
        self.setWindowTitle(_("Devices"))
        self.resize(820, 420)
        self.session = session
        self.can_edit = session.can(Action.TRUST_LIST)
        orgs = directory.organisations(session, include_inactive=True)
        self.model = DeviceModel(titles={o.id: o.title() for o in orgs}, parent=self)
        self.view = QTableView()
        self.view.setObjectName("devices_table")
        self.view.setAccessibleName(_("Known devices"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.organisation = QComboBox()
        self.organisation.setObjectName("devices_organisation")
        self.organisation.setAccessibleName(_("Organisation of the device"))
        self.organisation.addItem(_("(none)"), "")
        for org in orgs:
            if org.active:
                self.organisation.addItem(org.title(), org.id)
        caption = QLabel(_("&Organisation:"))
        caption.setBuddy(self.organisation)
        self.set_button = QPushButton(_("&Set organisation"))
        self.set_button.setObjectName("devices_set_organisation")
        self.set_button.clicked.connect(self.set_organisation)
        self.revoke_button = QPushButton(_("&Revoke device…"))
        self.revoke_button.setObjectName("devices_revoke")
        self.revoke_button.setAccessibleName(_("Revoke the selected device"))
        self.revoke_button.clicked.connect(self.revoke)
        self.keys_button = QPushButton(_("Change coordinator &keys…"))
        self.keys_button.setObjectName("devices_change_keys")
        self.keys_button.clicked.connect(lambda: self.change_keys(rotate=True))
        self.again_button = QPushButton(_("Write key-change package &again…"))
        self.again_button.setObjectName("devices_key_change_again")
        self.again_button.clicked.connect(lambda: self.change_keys(rotate=False))
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.organisation, 1)
        row.addWidget(self.set_button)
        row.addWidget(self.revoke_button)
        keys_row = QHBoxLayout()
        keys_row.addWidget(self.keys_button)
        keys_row.addWidget(self.again_button)
        keys_row.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("devices_message")
        self.message.setWordWrap(True)
        self.error = error_label("devices_error")
        hint = QLabel(
            _(
                "Referral packages can be sent to a device once the supervisor has "
                "set its organisation and the device has imported the next update "
                "package."
            )
            if self.can_edit
            else _("Only the supervisor can set the organisation of a device.")
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(row)
        layout.addLayout(keys_row)
        for w in (hint, self.message, self.error):
            layout.addWidget(w)
        layout.addWidget(buttons)
        if not self.can_edit:
            for w in (caption, self.organisation, self.set_button, self.revoke_button):
                w.hide()
        coordinator = self.can_edit and devices.is_coordinator(session)
        self.keys_button.setVisible(coordinator)
        self.again_button.setVisible(coordinator)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(devices.known(self.session))
        self._selection_changed()

    def selected(self) -> Device | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select(self, device_id: str) -> None:
        for r, device in enumerate(self.model.rows):
            if device.device_id == device_id:
                self.view.selectRow(r)

    def _selection_changed(self) -> None:
        device = self.selected()
        trusted = self.can_edit and device is not None and device.status is DeviceStatus.TRUSTED
        editable = trusted and device is not None and device.role is DeviceRole.DEVICE
        self.organisation.setEnabled(editable)
        self.set_button.setEnabled(editable)
        self.revoke_button.setEnabled(
            trusted and device is not None and device.device_id != self.session.device_id
        )
        if device is not None:
            found = self.organisation.findData(device.org_id)
            self.organisation.setCurrentIndex(max(found, 0))

    def set_organisation(self) -> None:
        device = self.selected()
        if device is None:
            show_error(self.error, _("Select a device first."))
            return
        org_id = str(self.organisation.currentData() or "")
        try:
            devices.set_organisation(self.session, device.device_id, org_id)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc))
            return
        show_error(self.error, "")
        self.refresh()
        self.select(device.device_id)
        self.message.setText(
            _(
                "The organisation of {device} is now: {org}. Send updates to "
                "all devices so that they learn it."
            ).format(device=device.label, org=self.organisation.currentText())
        )

    def revoke(self) -> None:
        device = self.selected()
        if device is None:
            show_error(self.error, _("Select a device first."))
            return
        reason, ok = QInputDialog.getText(
            self,
            _("Revoke device"),
            _(
                "Revoke {device}? Its exchange packages will be refused from now on, here and, "
                "after the next update package, on every device. This cannot be undone. "
                "Reason (for example: stolen or retired; no personal data):"
            ).format(device=device.label),
        )
        if not ok:
            return
        try:
            devices.revoke(self.session, device.device_id, reason)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc))
            return
        show_error(self.error, "")
        self.refresh()
        self.select(device.device_id)
        self.message.setText(
            _(
                "{device} is revoked. Send updates to all devices so that they "
                "refuse its packages too."
            ).format(device=device.label)
        )

    def change_keys(self, rotate: bool) -> None:
        """Coordinator: new keys and the key-change package, or that package again."""
        from idtool.sync import keychange
        from ui.sync.write_flows import KeyChangeFlow

        if not rotate and not keychange.has_changed_keys(self.session):
            show_error(self.error, _("This coordinator has not changed its keys."))
            return
        if rotate:
            answer = QMessageBox.question(
                self,
                _("Change the coordinator's keys"),
                _(
                    "Make new keys for this coordinator? Every device must then import the "
                    "key-change package; until it does, it refuses this coordinator's new "
                    "updates, and a copy of the old keys can still sign updates it accepts."
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        show_error(self.error, "")
        self.key_change = KeyChangeFlow(self.session, self, rotate)
        self.key_change.start()
