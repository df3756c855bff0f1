"""Removal that removes, through real widgets (issue 12, part 3): the new recovery code shown
once after an officer is removed, and the coordinator's key change from the dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from idtool import officers
from idtool.errors import AuthenticationFailed
from idtool.sync import devices
from idtool.sync.importer import import_bundle
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.sync import REMOVED, REMOVED_PASS, make_world
from tests.ui.drive import in_dialog
from ui.officers_dialog import OfficersDialog
from ui.recovery_code_dialog import RecoveryCodeDialog
from ui.sync.devices_dialog import DevicesDialog


def _yes(monkeypatch, asked: list[str]) -> None:
    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_removing_an_officer_shows_the_new_recovery_code_once(
    qtbot, made_vault, monkeypatch
) -> None:
    vault, old_code = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as sup:
        officers.add_officer(sup, REMOVED, "police", REMOVED_PASS)
        dialog = OfficersDialog(sup)
        qtbot.addWidget(dialog)
        dialog.show()
        row = next(
            r for r in range(dialog.model.rowCount()) if dialog.model.row_at(r).name == REMOVED
        )
        dialog.view.selectRow(row)
        asked: list[str] = []
        _yes(monkeypatch, asked)
        shown: list[str] = []

        def written_down(code_dialog: RecoveryCodeDialog) -> None:
            shown.append("-".join(code_dialog.code.text().split()))
            assert not code_dialog.ok.isEnabled()
            code_dialog.reject()  # Escape does not close it before the code is written down
            assert code_dialog.isVisible()
            code_dialog.confirm.setChecked(True)
            qtbot.mouseClick(code_dialog.ok, Qt.MouseButton.LeftButton)

        in_dialog(RecoveryCodeDialog, written_down)
        qtbot.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        assert "cannot be undone" in asked[0]
        assert all(r.name != REMOVED for r in officers.list_officers(sup))
    (code,) = shown
    assert code.count("-") == 7 and code != old_code
    try:
        vault.reset_passphrase(old_code, SUPERVISOR, "brand-new-passphrase-77")
    except AuthenticationFailed:
        pass
    else:
        raise AssertionError("the old recovery code still opens the database")
    vault.reset_passphrase(code, SUPERVISOR, "brand-new-passphrase-77")


def test_the_coordinator_changes_its_keys_from_the_devices_dialog(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    dialog = DevicesDialog(w.sup)
    qtbot.addWidget(dialog)
    dialog.show()
    button = dialog.findChild(QPushButton, "devices_change_keys")
    assert button.isVisible() and button.isEnabled()
    before = devices.own_device(w.sup.conn, devices.DeviceRole.SUPERVISOR).fingerprint
    asked: list[str] = []
    _yes(monkeypatch, asked)
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(w.out))
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    flow = dialog.key_change
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    assert flow.result is not None and not flow.error
    assert "copy of the old keys" in asked[0]
    after = devices.own_device(w.sup.conn, devices.DeviceRole.SUPERVISOR).fingerprint
    assert after != before
    assert import_bundle(dev, flow.result).quarantined == 0
    assert devices.get(dev.conn, w.sup.device_id).fingerprint == after
    # Written again for a device that missed it: the same change, no new keys.
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "devices_key_change_again"), Qt.MouseButton.LeftButton
    )
    again = dialog.key_change
    qtbot.waitUntil(lambda: again.result is not None or bool(again.error), timeout=15_000)
    assert again.result is not None and again.result != flow.result
    assert devices.own_device(w.sup.conn, devices.DeviceRole.SUPERVISOR).fingerprint == after
    # A device is not a coordinator: no such buttons.
    theirs = DevicesDialog(dev)
    qtbot.addWidget(theirs)
    assert not theirs.findChild(QPushButton, "devices_change_keys").isVisibleTo(theirs)
