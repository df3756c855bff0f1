"""The officer keeps their place, through the real window: a language change keeps the page
(the interview and its section, the case, what was typed on the set-up page, the recovery code
just shown); unlocking after Ctrl+L, F12 or the idle lock returns to the interrupted page (for
the same officer only). And the window around it: the first size on a small laptop, Escape
twice only when no popup is open, the file dialog labelled, and "Export cases…" before joining
a supervisor."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QToolButton

from idtool import cases, interviews, officers
from idtool.i18n import set_language
from idtool.questionnaire.registry import load_shipped
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.ui.drive import block, choose, type_text, unlock
from ui.file_dialogs import label
from ui.interview import InterviewWizard
from ui.setup_page import SetupPage
from ui.unlock_page import UnlockPage
from ui.window_size import SMALLEST, first_geometry
from ui.workspace import Workspace


def unlocked(qtbot, make_window, made_vault, name=SUPERVISOR, passphrase=SUPERVISOR_PASS):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        case = cases.open_case(s, full_name="Жылдызкан Маркерова", region="osh")
        interview = interviews.start(s, case.uuid, load_shipped("nrm-identification"), "ru")
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
    window = make_window(vault)
    unlock(qtbot, window, name, passphrase)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    return window, case.uuid, interview.uuid


def choose_language(window, code: str) -> None:
    window.findChild(QAction, f"lang_{code}").trigger()


def test_language_change_keeps_the_interview_page_and_the_case(qtbot, make_window, made_vault):
    window, case_uuid, interview_uuid = unlocked(qtbot, make_window, made_vault)
    try:
        window.page.show_interview(interview_uuid)
        wizard = window.page.current
        assert isinstance(wizard, InterviewWizard)
        assert wizard.current == "consent"
        wizard.go_to("consent")
        for button in block(wizard, "information_given").input.buttons.values():
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
        choose(qtbot, wizard, "consent_interview", "given")
        choose(qtbot, wizard, "consent_form", "oral")
        qtbot.keyClick(wizard.next, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
        section = wizard.current
        assert section == "setting"
        choose_language(window, "ky")
        assert window.page.place() == ("interview", interview_uuid)
        again = window.page.current
        assert isinstance(again, InterviewWizard) and again is not wizard
        assert again.current == section
        assert again.next.text() == "Кийинки"  # the officer's words now in Kyrgyz
        window.page.show_case(case_uuid)
        choose_language(window, "ru")
        assert window.page.place() == ("case", case_uuid)
    finally:
        set_language("en")


def test_language_change_keeps_what_was_typed_at_set_up(qtbot, make_window, vault):
    window = make_window(vault)
    try:
        page = window.page
        assert isinstance(page, SetupPage)
        type_text(page.name, SUPERVISOR)
        type_text(page.passphrase, SUPERVISOR_PASS)
        page.organisation.setCurrentIndex(page.organisation.findData("mvd-anti-trafficking"))
        choose_language(window, "ky")
        page = window.page
        assert isinstance(page, SetupPage)
        assert page.name.text() == SUPERVISOR and page.passphrase.text() == SUPERVISOR_PASS
        assert page.organisation.currentData() == "mvd-anti-trafficking"
        type_text(page.repeat, SUPERVISOR_PASS)
        qtbot.mouseClick(page.create, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.stack.currentIndex() == 1, timeout=10_000)
        code = page.code.text()
        # The recovery code is shown only once: a language change must not lose it.
        choose_language(window, "ru")
        page = window.page
        assert isinstance(page, SetupPage) and page.stack.currentIndex() == 1
        assert page.code.text() == code
        qtbot.keyClick(page.confirm, Qt.Key.Key_Space)
        qtbot.mouseClick(page.cont, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: isinstance(window.page, Workspace))
    finally:
        set_language("en")


def test_unlock_returns_to_the_interrupted_page_for_the_same_officer(
    qtbot, make_window, made_vault
):
    window, case_uuid, interview_uuid = unlocked(qtbot, make_window, made_vault)
    window.page.show_case(case_uuid)
    window.page.current.tabs.setCurrentIndex(3)  # the officer was on "Consent and referrals"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.page, UnlockPage)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.page.place() == ("case", case_uuid)
    assert window.page.current.tab_name == "consent"  # the same tab, not the summary

    window.page.show_interview(interview_uuid)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F12)
    assert isinstance(window.page, UnlockPage)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.page.place() == ("interview", interview_uuid)

    window.page.show_review(case_uuid)
    window.idle.set_timeout(1)  # the idle lock
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage), timeout=5_000)
    window.idle.set_timeout(60_000)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.page.place() == ("review", case_uuid)

    # Another officer unlocking starts at the case list, not at the other's page.
    window.page.show_case(case_uuid)
    window.lock()
    unlock(qtbot, window, POLICE, POLICE_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.page.place() == ("cases", "")


def test_escape_twice_locks_only_without_a_popup(qtbot, make_window, made_vault):
    window, _case, _interview = unlocked(qtbot, make_window, made_vault)
    menu = QMenu(window)
    menu.addAction("x")
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)  # closes the menu
    assert not menu.isVisible()
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert isinstance(window.page, Workspace)  # the menu's Escape did not count
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage))
    # F12 locks even with a popup open.
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: isinstance(window.page, UnlockPage))


def test_first_size_fits_a_small_laptop(qtbot, make_window, made_vault):
    laptop = QRect(0, 0, 1366, 728)  # 1366x768 less the taskbar
    assert first_geometry(laptop) == (laptop, True)
    big = QRect(0, 0, 1920, 1040)
    rect, maximised = first_geometry(big)
    assert not maximised and big.contains(rect) and rect.width() >= 1100
    # The interview, the longest page, fits the laptop's free area.
    window, _case, interview_uuid = unlocked(qtbot, make_window, made_vault)
    window.page.show_interview(interview_uuid)
    needed = window.minimumSizeHint()
    assert needed.width() <= SMALLEST.width() and needed.height() <= SMALLEST.height()


def test_file_dialog_has_labelled_buttons_and_wide_names(qtbot):
    dialog = QFileDialog(None, "caption")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    label(dialog)
    texts = {b.objectName(): b.text() for b in dialog.findChildren(QToolButton)}
    assert texts["toParentButton"] == "Up" and texts["newFolderButton"] == "New folder"
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "Save"
    assert dialog.viewMode() is QFileDialog.ViewMode.Detail
    assert dialog.width() >= 880


def test_export_before_joining_says_to_join_first(qtbot, make_window, made_vault, monkeypatch):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
    window = make_window(vault)
    unlock(qtbot, window, POLICE, POLICE_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda *a, **k: asked.append("folder") or ""),
    )
    window.findChild(QAction, "action_export").trigger()
    assert asked == []  # no folder is asked for
    assert window.exchange_menu.flow is None
    box = window.findChild(QMessageBox, "exchange_message")
    assert box is not None and box.isVisible()
    assert "Join a supervisor" in box.text()
    box.close()
