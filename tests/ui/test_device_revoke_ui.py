"""Exchange > Devices: revoking a device through real widgets (only the reason prompt, a
QInputDialog, is answered by the test)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QPushButton

from idtool.sync import devices, updates
from idtool.sync.devices import DeviceStatus
from idtool.sync.importer import import_bundle
from tests.support.sync import make_world
from ui.sync.devices_dialog import DEVICE_ID_ROLE, DeviceModel, DevicesDialog


def _row(model: DeviceModel, device_id: str) -> int:
    return next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(DEVICE_ID_ROLE) == device_id
    )


def _answer(monkeypatch, text: str, ok: bool, asked: list[str]) -> None:
    def get_text(parent, title, label, *args, **kwargs):
        asked.append(label)
        return text, ok

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))


def test_supervisor_revokes_a_device(qtbot, qtmodeltester, tmp_path: Path, monkeypatch) -> None:
    w = make_world(tmp_path, 2)
    lost = w.devs[0]
    dialog = DevicesDialog(w.sup)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    qtmodeltester.check(model)
    button = dialog.findChild(QPushButton, "devices_revoke")
    assert button is dialog.revoke_button and button.accessibleName()
    assert button.isVisible() and not button.isEnabled()  # nothing selected
    row = _row(model, lost.device_id)
    assert model.headerData(DeviceModel.COL_STATUS, Qt.Orientation.Horizontal) == "Status"
    assert model.index(row, DeviceModel.COL_STATUS).data() == "Trusted"
    dialog.view.selectRow(row)
    assert button.isEnabled()

    # Cancelled, then no reason: nothing changes.
    asked: list[str] = []
    _answer(monkeypatch, "stolen", False, asked)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "cannot be undone" in asked[0]
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.TRUSTED
    _answer(monkeypatch, "   ", True, asked)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "reason" in dialog.error.text()
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.TRUSTED

    # By keyboard: the button has focus, Space presses it.
    _answer(monkeypatch, "laptop stolen", True, asked)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert not dialog.error.isVisible(), dialog.error.text()
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.REVOKED
    assert "Send updates" in dialog.message.text()
    row = _row(model, lost.device_id)  # still listed, now as revoked
    assert model.index(row, DeviceModel.COL_STATUS).data() == "Revoked"
    assert (
        model.index(row, DeviceModel.COL_STATUS).data(Qt.ItemDataRole.AccessibleTextRole)
        == "Revoked"
    )
    assert not button.isEnabled() and not dialog.set_button.isEnabled()
    dialog.view.selectRow(_row(model, w.devs[1].device_id))
    assert button.isEnabled()
    qtmodeltester.check(model)


def test_a_device_sees_the_status_but_cannot_revoke(qtbot, tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    devices.revoke(w.sup, w.devs[1].device_id, "retired")
    import_bundle(w.devs[0], updates.export_update_all(w.sup, w.out))
    dialog = DevicesDialog(w.devs[0])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.revoke_button.isVisible()
    row = _row(dialog.model, w.devs[1].device_id)
    assert dialog.model.index(row, DeviceModel.COL_STATUS).data() == "Revoked"
