"""Exchange > Write lost packages again… through real widgets: the supervisor's report names the
missing package, the post picks it in the dialog (keyboard or mouse), the catch-up package is
written with the same folder choice and progress as an export, and it imports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QSpinBox, QWidget

from idtool import cases, kdf
from idtool.bundle import read_unverified_header
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.sync import make_world
from tests.ui.drive import answer_files, run_import
from ui.sync.resend_dialog import ResendDialog


def three_packages(w) -> list[Path]:
    dev = w.devs[0]
    region = next(iter(cases.REGIONS))
    paths = []
    for name in ("Бермет Мисалова", "Нурлан Мисалов", "Айбек Тестов"):
        cases.open_case(dev, full_name=name, region=region)
        paths.append(export.export_cases(dev, w.out))
    return paths


def test_write_lost_packages_again_through_the_dialog(qtbot, tmp_path: Path, monkeypatch) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    p1, p2, p3 = three_packages(w)
    host = QWidget()
    qtbot.addWidget(host)
    import_bundle(w.sup, p1)
    # Package 2 was lost: the supervisor's report says so and what to do.
    report = run_import(qtbot, w.sup, host, [p3], monkeypatch)
    text = report.refused_text()
    assert "Exchange package 2 from device" in text
    assert "write the packages again from 2 (Exchange > Write lost packages again…)" in text

    dialog = ResendDialog(dev, host)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.rowCount() == 3
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "Package",
        "Written",
        "Records",
        "Note",
    ]
    assert [table.item(r, 0).text() for r in range(3)] == ["1", "2", "3"]
    assert all(int(table.item(r, 2).text()) > 0 for r in range(3))
    assert table.accessibleName() == "Exchange packages written"
    spin = dialog.findChild(QSpinBox, "resend_first")
    assert spin.accessibleName() == "First lost package"
    assert (spin.minimum(), spin.maximum()) == (1, 3)

    # Keyboard: in the table, Ctrl+Home then Down chooses package 2; the number follows.
    assert dialog.focusWidget() is spin and table.currentRow() == 2  # the last, to start
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert spin.value() == 1
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert spin.value() == 2
    assert "from package 2 on" in dialog.summary.text()
    assert "A new exchange package 4 will be written" in dialog.summary.text()
    # Typing the number the supervisor gave selects its row.
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    assert table.currentRow() == 2 and "from package 3 on" in dialog.summary.text()
    spin.selectAll()
    qtbot.keyClicks(spin, "2")
    assert table.currentRow() == 1

    # Write…: the folder is chosen, the package written off the GUI thread.
    answer_files(monkeypatch, folder=w.out)
    qtbot.mouseClick(dialog.findChild(QPushButton, "resend_write"), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    flow = dialog.flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    assert flow.error == "" and flow.result.parent == w.out
    assert flow.result.name in flow.message.text()
    assert "from package 2 on" in flow.message.text()
    header = read_unverified_header(flow.result)
    assert (header.sequence, header.covers_from) == (4, 2)

    # The supervisor imports it; the lost package turning up later is refused in words.
    report = run_import(qtbot, w.sup, host, [flow.result], monkeypatch)
    assert report.counts()["imported"] > 0 and report.counts()["conflicts"] == 0
    report = run_import(qtbot, w.sup, host, [p2], monkeypatch)
    assert "is not needed: its changes came in package 4" in report.refused_text()
    assert w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3

    # The dialog now lists the catch-up package with what it covers.
    again = ResendDialog(dev, host)
    qtbot.addWidget(again)
    assert again.table.rowCount() == 4
    assert again.table.item(3, 3).text() == "covers packages 2 to 4"


def test_nothing_written_yet(qtbot, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dialog = ResendDialog(w.devs[0])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 0
    assert not dialog.write_button.isEnabled()
    assert "nothing to write again" in dialog.summary.text()
    dialog.write()  # does nothing
    assert dialog.flow is None


def test_menu_action_for_posts_only_and_it_writes(
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    three_packages(w)

    def window_for(session):
        window = make_window(Vault(tmp_path / f"other-{id(session)}", kdf_params=kdf.FAST_PARAMS))
        window.start_unlocked(session)
        return window

    sup_window = window_for(w.sup)
    assert sup_window.findChild(QAction, "action_resend") is None
    window = window_for(dev)
    action = window.findChild(QAction, "action_resend")
    assert action is not None and action.text() == "Write &lost packages again…"
    names = list(window.exchange_menu.actions)
    assert names.index("action_resend") == names.index("action_export") + 1

    answer_files(monkeypatch, folder=w.out)
    seen: list[str] = []

    def drive() -> None:  # the modal dialog is open: choose 1 with the keyboard, press Enter
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ResendDialog):
            QTimer.singleShot(20, drive)
            return
        seen.append(dialog.windowTitle())
        spin = dialog.findChild(QSpinBox, "resend_first")
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, "1")
        qtbot.keyClick(spin, Qt.Key.Key_Return)

    QTimer.singleShot(0, drive)
    action.trigger()
    assert seen == ["Write lost packages again"]
    flow = window.exchange_menu.flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    header = read_unverified_header(flow.result)
    assert (header.sequence, header.covers_from, header.previous) == (4, 1, None)
    assert import_bundle(w.sup, flow.result).imported > 0
