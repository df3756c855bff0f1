"""The GUI shell through its real widgets: set-up, unlock, lock, idle lock, language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from idtool import officers
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.ui.drive import type_text, unlock, visible_texts
from ui.setup_page import SetupPage
from ui.unlock_page import UnlockPage
from ui.workspace import Workspace


def test_first_run_setup(qtbot, make_window, vault):
    window = make_window(vault)
    page = window.page
    assert isinstance(page, SetupPage)
    type_text(page.name, SUPERVISOR)
    type_text(page.passphrase, SUPERVISOR_PASS)
    type_text(page.repeat, SUPERVISOR_PASS + "typo")
    qtbot.mouseClick(page.create, Qt.MouseButton.LeftButton)
    assert page.error.isVisible()
    assert "differ" in page.error.text()
    assert not vault.exists()
    page.repeat.clear()
    type_text(page.repeat, SUPERVISOR_PASS)
    # The organisation this computer works for (the issuing body of its certificates).
    page.organisation.setCurrentIndex(page.organisation.findData("mvd-anti-trafficking"))
    qtbot.mouseClick(page.create, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 1, timeout=10_000)
    code = page.code.text()
    assert len("".join(code.split())) == 32
    assert not page.cont.isEnabled()  # must confirm the code is written down
    assert page.confirm.hasFocus() or not window.isActiveWindow()
    qtbot.keyClick(page.confirm, Qt.Key.Key_Space)
    assert page.confirm.isChecked()
    assert page.cont.isEnabled()
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace))
    assert SUPERVISOR in window.status_officer.text()
    assert "Supervisor" in window.status_officer.text()
    assert vault.exists()
    from idtool.certificate import issuing_org

    assert issuing_org.issuing_body(window.session.conn).id == "mvd-anti-trafficking"
    # The code works: it resets the passphrase.
    window.lock()
    vault.reset_passphrase(code, SUPERVISOR, "reset-by-code")
    vault.unlock(SUPERVISOR, "reset-by-code").close()


def test_unlock_wrong_then_right(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault)
    page = window.page
    unlock(qtbot, window, SUPERVISOR, "wrong-passphrase")
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=10_000)
    assert "not correct" in page.error.text()
    assert page.passphrase.echoMode() == QLineEdit.EchoMode.Password
    assert page.passphrase.selectedText() == "wrong-passphrase"
    assert page.passphrase.hasFocus() or not window.isActiveWindow()
    assert page.passphrase.isEnabled()
    page.passphrase.clear()
    type_text(page.passphrase, SUPERVISOR_PASS)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.windowTitle() == "idtool - NRM identification"
    assert SUPERVISOR not in window.windowTitle()


def test_lock_shortcut_leaves_no_personal_data_visible(qtbot, make_window, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
    window = make_window(vault)
    unlock(qtbot, window, POLICE, POLICE_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert any(POLICE in t for t in visible_texts(window))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage))
    assert window.session is None
    texts = visible_texts(window)
    for marker in (POLICE, "Бакыт", "Садыров", POLICE_PASS):
        assert not any(marker in t for t in texts), marker


def test_idle_lock(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault, lock_timeout_ms=300)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage), timeout=5_000)
    texts = visible_texts(window)
    assert not any("Өмүрбекова" in t for t in texts)
    assert window.page.name.text() == ""


def test_input_postpones_idle_lock(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault, lock_timeout_ms=600)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    for _ in range(4):
        qtbot.wait(250)
        qtbot.keyClick(window.page, Qt.Key.Key_Shift)
    assert isinstance(window.page, Workspace)


def test_language_switch_translates_and_persists(qtbot, make_window, made_vault, tmp_path):
    from idtool import settings as settings_mod

    vault, _ = made_vault
    window = make_window(vault)
    from PySide6.QtGui import QAction

    window.findChild(QAction, "lang_ru").trigger()
    assert window.page.button.text() == "Разблокировать"
    assert settings_mod.load(tmp_path / "config").language == "ru"
    window.findChild(QAction, "lang_ky").trigger()
    assert window.page.button.text() == "Кулпудан чыгаруу"
    assert window.windowTitle() != "idtool - NRM identification"


def test_officers_dialog_model(qtmodeltester, made_vault):
    from ui.officers_dialog import OfficersModel

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
        model = OfficersModel(officers.list_officers(s))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_policy_dialog_changes_are_enforced(qtbot, qtmodeltester, made_vault):
    from idtool.policy import Action, Role
    from ui.policy_dialog import PolicyDialog

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.add_officer(session, POLICE, "police", POLICE_PASS)
        dialog = PolicyDialog(session)
        qtbot.addWidget(dialog)
        dialog.show()
        qtmodeltester.check(dialog.model)
        model, view = dialog.model, dialog.view
        row = model.actions.index(Action.STATISTICS)
        col = model.roles.index(Role.POLICE)
        index = model.index(row, col)
        view.setFocus()
        view.setCurrentIndex(index)
        qtbot.keyClick(view, Qt.Key.Key_Space)
        assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        fixed = model.index(model.actions.index(Action.MANAGE_OFFICERS), col)
        assert not model.flags(fixed) & Qt.ItemFlag.ItemIsUserCheckable
    with vault.unlock(POLICE, POLICE_PASS) as session:
        assert session.can(Action.STATISTICS)


def _unlocked_with_a_case(qtbot, make_window, made_vault):
    from idtool import cases

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        cases.open_case(s, full_name="Жылдызкан Маркерова", region="osh")
    window = make_window(vault)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    qtbot.waitUntil(lambda: any("Маркерова" in t for t in _all_model_texts(window)), timeout=5_000)
    return window


def _all_model_texts(window) -> list[str]:
    """Text shown in item views (tables, lists) as well as in plain widgets."""
    from PySide6.QtWidgets import QAbstractItemView

    texts = visible_texts(window)
    for view in window.findChildren(QAbstractItemView):
        if not view.isVisible() or view.model() is None:
            continue
        model = view.model()
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                value = model.index(r, c).data()
                if isinstance(value, str):
                    texts.append(value)
    return texts


def test_quick_hide_f12(qtbot, make_window, made_vault):
    window = _unlocked_with_a_case(qtbot, make_window, made_vault)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage))
    texts = _all_model_texts(window)
    assert not any("Маркерова" in t or "Өмүрбекова" in t for t in texts)


def test_quick_hide_double_escape(qtbot, make_window, made_vault):
    window = _unlocked_with_a_case(qtbot, make_window, made_vault)
    target = window.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_Escape)
    assert isinstance(window.page, Workspace)  # one Escape does not lock
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage))
    assert not any("Маркерова" in t for t in _all_model_texts(window))


def test_oversight_dialog_opens_the_case_and_records_resolutions(
    qtbot, qtmodeltester, make_window, made_vault
):
    from PySide6.QtGui import QAction

    from idtool import decisions
    from tests.support.cases import assessed_case
    from ui.oversight_dialog import OversightDialog

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        case = assessed_case(s)
        decisions.record(s, case.uuid, decisions.Decision.NOT_VICTIM, "Works legally")
    window = make_window(vault)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.findChild(QAction, "action_review_queue") is not None
    opened = []
    dialog = OversightDialog(window.session, opened.append, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 1
    dialog.resolve_selected("nothing selected")
    assert dialog.error.isVisible()
    dialog.view.selectRow(0)
    dialog.resolve_selected("   ")
    assert "Write what was decided" in dialog.error.text()
    dialog.view.selectRow(0)
    dialog.open_selected()
    assert opened == [case.uuid]
    dialog.view.selectRow(0)
    dialog.resolve_selected("Checked with the officer")
    assert dialog.model.rowCount() == 0


def test_qt_standard_buttons_follow_the_language(qtbot, make_window, made_vault):
    from PySide6.QtWidgets import QDialogButtonBox

    from idtool.i18n import set_language

    vault, _ = made_vault
    make_window(vault)  # installs the translator
    for lang, expected in (("ru", "Отмена"), ("ky", "Жокко чыгаруу"), ("en", "Cancel")):
        set_language(lang)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == expected


def test_forgotten_passphrase_reset_with_the_recovery_code(qtbot, make_window, made_vault):
    """Unlock page > Forgotten passphrase…: a wrong code is refused inline, the right one sets
    a new passphrase, the old one stops working and the officer unlocks with the new one."""
    from PySide6.QtWidgets import QPushButton

    from ui.reset_dialog import ResetPassphraseDialog

    vault, code = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
    window = make_window(vault)
    page = window.page
    type_text(page.name, POLICE)
    qtbot.mouseClick(page.findChild(QPushButton, "unlock_forgot"), Qt.MouseButton.LeftButton)
    dialog = page.reset_dialog
    assert isinstance(dialog, ResetPassphraseDialog) and dialog.isVisible()
    assert dialog.name.text() == POLICE
    assert dialog.code.hasFocus() or not dialog.isActiveWindow()

    ok = dialog.findChild(QPushButton, "reset_ok")
    type_text(dialog.code, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    type_text(dialog.passphrase, "a-brand-new-pass")
    type_text(dialog.repeat, "a-brand-new-pasz")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "The two passphrases differ."
    dialog.repeat.clear()
    type_text(dialog.repeat, "a-brand-new-pass")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recovery code is not correct" in dialog.error.text(), timeout=10_000)
    assert dialog.isVisible() and dialog.code.selectedText()

    dialog.code.clear()
    type_text(dialog.code, code)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.hint_label.text() == "A new passphrase is set. Unlock with it.", timeout=10_000
    )  # the dialog closed itself
    assert page.name.text() == POLICE
    assert page.passphrase.hasFocus() or not window.isActiveWindow()

    unlock(qtbot, window, "", POLICE_PASS)  # the old passphrase no longer opens
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=10_000)
    page.passphrase.clear()
    type_text(page.passphrase, "a-brand-new-pass")
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.session.officer.name == POLICE
