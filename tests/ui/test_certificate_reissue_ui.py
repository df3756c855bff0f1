"""The certificate section (issue 14, item 6): the discreet wording at issue and copy, and the
coordinator allowing a new certificate, through real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from idtool import audit, officers
from idtool.certificate import issuance, ledger, reissue
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import person_case
from tests.ui.drive import click, in_dialog, pdf_text, save_to, show, type_text
from ui.cases.case_view import CaseView
from ui.documents.allow_new_dialog import AllowNewDialog

GUARD, GUARD_PASS = "Guard One", "guard-pass-1"


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()


def test_discreet_wording_for_the_original_and_a_copy(qtbot, session, tmp_path, monkeypatch):
    case = person_case(session, decide=True)
    section = show(qtbot, CaseView(session, case.uuid, tab="decision")).certificate_section
    section.language.setCurrentIndex(section.language.findData("en"))
    section.discreet.setChecked(True)
    original = tmp_path / "original.pdf"
    save_to(monkeypatch, original)
    click(qtbot, section.issue_button)
    qtbot.waitUntil(lambda: bool(section.message.text()), timeout=10_000)
    text = " ".join(pdf_text(original).split())
    assert "of status under the National Referral Mechanism" in text
    assert "victim of trafficking in persons (identified" not in text
    copy = tmp_path / "copy.pdf"
    save_to(monkeypatch, copy)
    section.discreet.setChecked(False)
    click(qtbot, section.copy_button)
    qtbot.waitUntil(copy.exists, timeout=10_000)
    qtbot.waitUntil(lambda: "Copy 2" in section.message.text(), timeout=10_000)
    assert "victim of trafficking in persons (identified" in " ".join(pdf_text(copy).split())
    flags = [
        e.details["discreet"]
        for e in audit.entries(session.conn, case.uuid)
        if "discreet" in e.details
    ]
    assert flags == [True, False]


def test_the_coordinator_allows_a_new_certificate(
    qtbot, session, tmp_path, monkeypatch, made_vault
):
    case = person_case(session, decide=True)
    first = issuance.issue(session, case.uuid, "ru").certificate
    view = show(qtbot, CaseView(session, case.uuid, tab="decision"))
    section = view.certificate_section
    # While the certificate is valid the button offers the permission (trafficked again).
    assert section.allow_button.isVisible() and section.allow_button.isEnabled()
    issuance.revoke(session, case.uuid, "Reviewed by the commission")
    section.refresh()
    assert not section.issue_button.isEnabled() and "coordinator" in section.why.text()

    def allow(dialog):
        assert dialog.numbers == first.number
        click(qtbot, dialog.ok_button)
        assert dialog.error.isVisible() and "reason" in dialog.error.text()
        type_text(dialog.reason, "Revoked for a typing error")
        monkeypatch.setattr(
            QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes)
        )
        click(qtbot, dialog.ok_button)

    in_dialog(AllowNewDialog, allow)
    click(qtbot, section.allow_button)
    qtbot.waitUntil(lambda: bool(reissue.allowances(session.conn)), timeout=10_000)
    assert section.permission.isVisible()
    assert first.number in section.permission.text()
    assert "Revoked for a typing error" in section.permission.text()
    assert section.issue_button.isEnabled() and not section.allow_button.isEnabled()
    actions = {view.audit_table.item(r, 2).text() for r in range(view.audit_table.rowCount())}
    assert "New certificate allowed by the coordinator" in actions
    out = tmp_path / "new.pdf"
    save_to(monkeypatch, out)
    click(qtbot, section.issue_button)
    qtbot.waitUntil(out.exists, timeout=10_000)
    qtbot.waitUntil(lambda: ledger.get(session, case.uuid).number != first.number, timeout=10_000)
    assert not section.issue_button.isEnabled()

    # Another role does not see the button.
    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    vault, _ = made_vault
    with vault.unlock(GUARD, GUARD_PASS) as guard:
        other = show(qtbot, CaseView(guard, case.uuid, tab="decision")).certificate_section
        assert not other.allow_button.isVisibleTo(other)


def test_supervisor_fills_in_the_legal_basis(qtbot, session):
    from idtool import legal_acts, policy_options
    from ui.issuing_dialog import IssuingDialog

    dialog = show(qtbot, IssuingDialog(session))
    date, number = dialog.acts.rows["nrm-2019"]
    assert date.isEnabled() and date.placeholderText() == "2019-09-19" and not number.text()
    type_text(number, "___")
    click(qtbot, dialog.acts.save_button)
    assert dialog.error.isVisible() and "not allowed" in dialog.error.text()
    assert policy_options.get(session.conn).legal_acts == ()
    number.clear()
    type_text(number, "493")
    click(qtbot, dialog.acts.save_button)
    assert not dialog.error.isVisible() and "legal basis was saved" in dialog.status.text()
    assert policy_options.get(session.conn).legal_acts == (
        legal_acts.Details("nrm-2019", "", "493"),
    )
    assert [e.target for e in audit.entries(session.conn) if e.action == "policy.option"] == [
        "legal_acts"
    ]
