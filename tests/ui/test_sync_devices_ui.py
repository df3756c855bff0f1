"""The supervisor's Devices dialog through real widgets: a device mapped to its organisation, and
"Send updates to all devices" writing the update package; read only on a device."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from idtool import kdf
from idtool.bundle import Kind, read_unverified_header
from idtool.sync import devices
from idtool.vault import Vault
from tests.support.sync import CRISIS, make_world, update_all
from tests.ui.drive import answer_files
from ui.sync.devices_dialog import DEVICE_ID_ROLE, DeviceModel, DevicesDialog


def test_supervisor_maps_a_device_and_sends_updates(
    qtbot, qtmodeltester, make_window, tmp_path: Path, monkeypatch
) -> None:
    w = make_world(tmp_path, 2)
    target = w.devs[1]
    dialog = DevicesDialog(w.sup)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(DeviceModel())
    model = dialog.model
    assert model.rowCount() == 2  # the devices (the supervisor's own keys are not listed)
    row = next(
        r
        for r in range(model.rowCount())
        if model.index(r, 0).data(DEVICE_ID_ROLE) == target.device_id
    )
    assert model.index(row, DeviceModel.COL_ORG).data() == "not set"
    assert (
        model.index(row, DeviceModel.COL_FINGERPRINT).data()
        == devices.get(w.sup.conn, target.device_id).fingerprint
    )
    dialog.view.selectRow(row)
    dialog.organisation.setCurrentIndex(dialog.organisation.findData(CRISIS))
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "devices_set_organisation"), Qt.MouseButton.LeftButton
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert devices.get(w.sup.conn, target.device_id).org_id == CRISIS
    assert "Send updates" in dialog.message.text()
    row = next(
        r
        for r in range(model.rowCount())
        if model.index(r, 0).data(DEVICE_ID_ROLE) == target.device_id
    )
    assert model.index(row, DeviceModel.COL_ORG).data() != "not set"
    qtmodeltester.check(dialog.model)

    # "Send updates to all devices…" from the menu writes one update package.
    window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(w.sup)
    out = tmp_path / "stick"
    out.mkdir()
    answer_files(monkeypatch, folder=out)
    action = window.findChild(QAction, "action_send_updates")
    assert action is not None
    action.trigger()
    flow = window.exchange_menu.flow
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    assert flow.result is not None and flow.result.parent == out, flow.error
    assert flow.result.name in flow.message.text()
    assert read_unverified_header(flow.result).kind is Kind.UPDATE
    # The other device learns the mapping from it.
    from idtool.sync.importer import import_bundle

    import_bundle(w.devs[0], flow.result)
    assert [d.device_id for d in devices.for_organisation(w.devs[0].conn, CRISIS)] == [
        target.device_id
    ]


def test_devices_dialog_is_read_only_for_a_device(qtbot, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    update_all(w)
    dialog = DevicesDialog(w.devs[0])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() >= 1
    assert not dialog.set_button.isVisible()
