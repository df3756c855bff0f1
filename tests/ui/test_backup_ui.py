"""File > Back up… writes the backup with progress; File > Restore… on the first-run page
brings it back into an empty data folder; the status bar reminds when a backup is due."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction

from idtool import database, kdf
from idtool.vault import Vault
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.ui.drive import answer_files, click, type_text
from ui.unlock_page import UnlockPage


def backed_up(qtbot, make_window, made_vault, tmp_path: Path, monkeypatch) -> Path:
    vault, _code = made_vault
    window = make_window(vault)
    from tests.ui.drive import unlock

    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: window.session is not None)
    out = tmp_path / "stick"
    out.mkdir()
    answer_files(monkeypatch, folder=out)
    window.findChild(QAction, "action_backup").trigger()
    flow = window.backup.flow
    qtbot.waitUntil(lambda: flow.result is not None or flow.error != "", timeout=20_000)
    assert flow.error == ""
    assert flow.result is not None and flow.result.parent == out
    window.close()
    return flow.result


def test_back_up_then_restore_on_a_new_computer(
    qtbot, make_window, made_vault, tmp_path: Path, monkeypatch
) -> None:
    path = backed_up(qtbot, make_window, made_vault, tmp_path, monkeypatch)
    fresh = Vault(tmp_path / "new-computer", kdf_params=kdf.FAST_PARAMS)
    window = make_window(fresh)
    assert window.findChild(QAction, "action_restore") is not None
    answer_files(monkeypatch, open_=path)
    click(qtbot, window.page.restore)  # the first-run page's button
    dialog = window.backup.dialog
    click(qtbot, dialog.findChild(type(dialog.restore), "restore_choose"))
    assert dialog.restore.isEnabled() and dialog.made.text()
    type_text(dialog.name, SUPERVISOR)
    type_text(dialog.passphrase, "not the passphrase")
    click(qtbot, dialog.restore)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20_000)
    assert not fresh.exists()
    assert dialog.isVisible()
    dialog.passphrase.clear()
    type_text(dialog.passphrase, SUPERVISOR_PASS)
    click(qtbot, dialog.restore)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage), timeout=20_000)
    assert fresh.exists()


def test_restore_with_the_recovery_code(
    qtbot, make_window, made_vault, tmp_path: Path, monkeypatch
) -> None:
    path = backed_up(qtbot, make_window, made_vault, tmp_path, monkeypatch)
    _vault, code = made_vault
    fresh = Vault(tmp_path / "new-computer", kdf_params=kdf.FAST_PARAMS)
    window = make_window(fresh)
    window.findChild(QAction, "action_restore").trigger()
    dialog = window.backup.dialog
    dialog.set_file(path)
    dialog.by_code.setChecked(True)
    assert not dialog.passphrase.isEnabled()
    type_text(dialog.code, code)
    click(qtbot, dialog.restore)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage), timeout=20_000)


def test_a_file_that_is_no_backup_is_named_so(make_window, tmp_path: Path) -> None:
    fresh = Vault(tmp_path / "new-computer", kdf_params=kdf.FAST_PARAMS)
    window = make_window(fresh)
    window.findChild(QAction, "action_restore").trigger()
    dialog = window.backup.dialog
    junk = tmp_path / "junk.idbk"
    junk.write_bytes(b"hello")
    dialog.set_file(junk)
    assert not dialog.restore.isEnabled()
    assert "not an idtool backup" in dialog.error.text()


def test_the_reminder_shows_when_a_backup_is_due(
    qtbot, make_window, made_vault, tmp_path: Path, monkeypatch
) -> None:
    vault, _code = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    with database.transaction(s.conn):
        s.conn.execute("UPDATE meta SET value = '2020-01-01T00:00:00Z' WHERE key = 'created_at'")
    s.close()
    window = make_window(vault)
    from tests.ui.drive import unlock

    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: window.session is not None)
    label = window.backup.reminder
    assert label.isVisible() and "No backup" in label.text()
    window.findChild(QAction, "backup_reminder_0").trigger()  # switched off
    assert not label.isVisible()
    assert window.settings.backup_reminder_days == 0
    window.findChild(QAction, "backup_reminder_7").trigger()
    assert label.isVisible()
    out = tmp_path / "stick"
    out.mkdir()
    answer_files(monkeypatch, folder=out)
    window.findChild(QAction, "action_backup").trigger()
    flow = window.backup.flow
    qtbot.waitUntil(lambda: flow.result is not None or flow.error != "", timeout=20_000)
    assert not label.isVisible()  # the backup was just made


def test_an_enrolled_post_may_let_the_coordinator_open_its_backup(
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from idtool import backup
    from tests.support.sync import make_world

    w = make_world(tmp_path, 1)
    asked: list[str] = []
    replies = [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No]

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return replies[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    written = []
    for name in ("with-coordinator", "post-only"):
        out = tmp_path / name
        out.mkdir()
        answer_files(monkeypatch, folder=out)
        window = make_window(Vault(tmp_path / f"window-{name}", kdf_params=kdf.FAST_PARAMS))
        window.start_unlocked(w.devs[0])
        window.findChild(QAction, "action_backup").trigger()
        flow = window.backup.flow
        qtbot.waitUntil(lambda f=flow: f.result is not None or f.error != "", timeout=20_000)
        assert flow.result is not None, flow.error
        written.append(backup.read_info(flow.result).coordinator)
        flow.message.close()
    assert len(asked) == 2 and "coordinator" in asked[0]
    assert written[0] is not None and written[1] is None
    # A coordinator itself (enrolled with nobody) is not asked.
    window = make_window(Vault(tmp_path / "window-sup", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(w.sup)
    answer_files(monkeypatch, folder=tmp_path / "post-only")
    window.findChild(QAction, "action_backup").trigger()
    flow = window.backup.flow
    qtbot.waitUntil(lambda: flow.result is not None or flow.error != "", timeout=20_000)
    assert flow.result is not None and len(asked) == 2
    flow.message.close()
