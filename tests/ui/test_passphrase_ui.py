"""The strength hint and the refusal of weak passphrases in the set-up page and the dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from idtool import officers
from tests.conftest import POLICE, SUPERVISOR, SUPERVISOR_PASS
from tests.ui.drive import type_text
from ui.officers_dialog import AddOfficerDialog, ChangePassphraseDialog
from ui.setup_page import SetupPage

STRONG = "сары-жылкы-тоодо-чабат"


def test_set_up_refuses_12345678_with_advice_and_hints_while_typing(qtbot, vault):
    page = SetupPage(vault)
    qtbot.addWidget(page)
    hint = page.findChild(QLabel, "setup_strength")
    assert "three or four words" in hint.text()
    type_text(page.name, SUPERVISOR)
    type_text(page.passphrase, "12345678")
    assert "most common passwords" in hint.text()
    type_text(page.repeat, "12345678")
    qtbot.mouseClick(page.create, Qt.MouseButton.LeftButton)
    assert not page.error.isHidden()
    assert "too easy to guess" in page.error.text()
    assert not vault.exists()
    page.passphrase.clear()
    type_text(page.passphrase, "Айгүл Өмүрбекова 1")
    assert "your own name" in hint.text()
    page.passphrase.clear()
    type_text(page.passphrase, STRONG)
    assert hint.text().startswith("Strength:")


def test_officer_dialogs_show_the_advice(qtbot, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        add = AddOfficerDialog(session)
        qtbot.addWidget(add)
        type_text(add.name, POLICE)
        type_text(add.passphrase, "Садыров2024")
        type_text(add.repeat, "Садыров2024")
        assert "your own name" in add.findChild(QLabel, "add_strength").text()
        add._add()
        assert "your own name" in add.error.text()
        assert officers.list_officers(session)[0].name == SUPERVISOR  # nobody added

        change = ChangePassphraseDialog(session)
        qtbot.addWidget(change)
        type_text(change.old, SUPERVISOR_PASS)
        type_text(change.new, "password1")
        type_text(change.repeat, "password1")
        change._change()
        assert "most common passwords" in change.error.text()
        assert change.buttons.isEnabled()


def test_unlock_page_with_an_unreadable_counter_says_so_on_the_attempt(qtbot, made_vault):
    from ui.unlock_page import UnlockPage

    vault, _ = made_vault
    vault.throttle.path.unlink()
    vault.throttle.path.mkdir()
    page = UnlockPage(vault)
    qtbot.addWidget(page)
    assert page.button.isEnabled()
    type_text(page.name, SUPERVISOR)
    type_text(page.passphrase, SUPERVISOR_PASS)
    page.attempt()
    qtbot.waitUntil(lambda: "cannot be read" in page.error.text(), timeout=10_000)
