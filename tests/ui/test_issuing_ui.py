"""Who may issue, through real widgets: the four-eyes confirmation when a certificate is issued,
and the supervisor's certificate-issuing settings (issue 12, part 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from idtool import audit, officers, policy_options
from idtool.certificate import eligibility, issuing_org, ledger
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import person_case
from tests.ui.drive import click, in_dialog, save_to, show, type_text
from ui.cases.case_view import CaseView
from ui.documents.confirm_dialog import ConfirmIssueDialog
from ui.issuing_dialog import IssuingDialog


def test_a_second_officer_confirms_the_certificate(
    qtbot, session, made_vault, tmp_path, monkeypatch
):
    officers.add_officer(session, POLICE, "police", POLICE_PASS)
    case = person_case(session, decide=True)
    vault, _ = made_vault
    police = vault.unlock(POLICE, POLICE_PASS)
    assert eligibility.confirmation_needed(police)
    section = show(qtbot, CaseView(police, case.uuid, tab="decision")).certificate_section
    assert section.issue_button.isEnabled()
    out = tmp_path / "certificate.pdf"
    save_to(monkeypatch, out)

    # Cancelled: nothing issued.
    in_dialog(ConfirmIssueDialog, lambda dialog: dialog.reject())
    click(qtbot, section.issue_button)
    assert ledger.get(police, case.uuid) is None and not out.exists()

    # A wrong passphrase: refused with the core's message, nothing issued.
    def wrong(dialog: ConfirmIssueDialog) -> None:
        type_text(dialog.name, SUPERVISOR)
        type_text(dialog.passphrase, "not the passphrase")
        click(qtbot, dialog.ok_button)

    in_dialog(ConfirmIssueDialog, wrong)
    click(qtbot, section.issue_button)
    qtbot.waitUntil(section.error.isVisible, timeout=10_000)
    assert "not correct" in section.error.text()
    assert ledger.get(police, case.uuid) is None

    def right(dialog: ConfirmIssueDialog) -> None:
        click(qtbot, dialog.ok_button)  # empty: asked again
        assert dialog.error.isVisible() and dialog.isVisible()
        type_text(dialog.name, SUPERVISOR)
        type_text(dialog.passphrase, SUPERVISOR_PASS)
        click(qtbot, dialog.ok_button)

    in_dialog(ConfirmIssueDialog, right)
    click(qtbot, section.issue_button)
    qtbot.waitUntil(lambda: bool(section.message.text()), timeout=10_000)
    assert out.read_bytes().startswith(b"%PDF")
    issued = [e for e in audit.entries(police.conn) if e.action == "certificate.issue"]
    assert issued[-1].details["confirmed_by"] == session.officer.uuid
    assert issued[-1].officer == police.officer.uuid
    police.close()


def test_supervisor_sets_organisation_and_who_may_issue(qtbot, session):
    dialog = show(qtbot, IssuingDialog(session))
    assert dialog.four_eyes.isEnabled() and dialog.types.isEnabled()
    assert "may issue" in dialog.status.text()
    # A crisis centre: chosen, but its kind may not issue, which the dialog says.
    index = dialog.organisation.findData("crisis-centre-bishkek")
    dialog.organisation.setCurrentIndex(index)
    dialog.organisation.activated.emit(index)
    assert issuing_org.issuing_body(session.conn).id == "crisis-centre-bishkek"
    assert "may not issue" in dialog.status.text()
    # Ticking crisis centres allows them (audited).
    for i in range(dialog.types.count()):
        item = dialog.types.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == "crisis_centre":
            item.setCheckState(Qt.CheckState.Checked)
    assert "crisis_centre" in policy_options.get(session.conn).issuing_types
    assert "may issue" in dialog.status.text() and "not" not in dialog.status.text()
    # The four-eyes rule switched off.
    off = dialog.four_eyes.findData("off")
    dialog.four_eyes.setCurrentIndex(off)
    dialog.four_eyes.activated.emit(off)
    assert policy_options.get(session.conn).four_eyes == "off"
    actions = [e.action for e in audit.entries(session.conn)]
    assert actions.count("policy.option") == 2 and "organisation.set" in actions


def test_the_administration_menu_opens_the_issuing_settings(qtbot, session, made_vault, tmp_path):
    from PySide6.QtGui import QAction

    from idtool import settings as settings_mod
    from ui.main_window import MainWindow

    vault, _ = made_vault
    window = MainWindow(vault, settings_mod.Settings(language="en"), config_dir=tmp_path / "c")
    qtbot.addWidget(window)
    window.start_unlocked(session)
    seen: list[str] = []
    in_dialog(IssuingDialog, lambda dialog: seen.append(dialog.windowTitle()))
    window.findChild(QAction, "action_issuing").trigger()
    assert seen == ["Certificate issuing"]
    window.session = None  # the fixture closes the session
