"""Certificate, verification, consent, referrals and the NRM directory through real widgets."""

from __future__ import annotations

from pathlib import Path

import pypdf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from idtool import consent, directory, officers, referrals
from idtool.certificate import issuance, ledger, payload
from idtool.consent import Purpose, State
from tests.support.cases import BIRTH, HOLDER, person_case
from tests.ui.drive import click, in_dialog, save_to, show, type_text, verify_now
from ui.cases.case_view import CaseView
from ui.documents.consent_dialog import ConsentDialog
from ui.documents.directory_dialog import DirectoryDialog, OrganisationDialog
from ui.documents.directory_model import ID_ROLE, DirectoryModel
from ui.documents.preview_model import PreviewModel
from ui.documents.referral_dialog import ReferralDialog
from ui.documents.referral_section import ReferralSection
from ui.documents.revoke_dialog import RevokeDialog
from ui.documents.verify_dialog import VerifyDialog

GUARD, GUARD_PASS = "Guard One", "guard-pass-1"


def press(qtbot, widget, key=Qt.Key.Key_Space):
    """Operate a check box or radio button from the keyboard."""
    widget.setFocus()
    qtbot.keyClick(widget, key)


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


# -- certificate -------------------------------------------------------------------------------
def test_issue_copy_and_revoke_from_the_case_view(qtbot, session, tmp_path, monkeypatch):
    case = person_case(session, decide=True)
    view = show(qtbot, CaseView(session, case.uuid, tab="decision"))
    section = view.certificate_section
    assert section.issue_button.isEnabled() and not section.copy_button.isEnabled()
    assert "NOT encrypted" in section.warning.text()
    out = tmp_path / "out"
    out.mkdir()
    original = out / "certificate.pdf"
    asked = save_to(monkeypatch, original)
    click(qtbot, section.issue_button)
    qtbot.waitUntil(lambda: bool(section.message.text()), timeout=10_000)
    assert not section.error.isVisible()
    # The proposed name carries no personal data; the caption warns about encryption.
    assert "NOT encrypted" in asked[0]
    assert Path(asked[1]).name == f"certificate-{case.number}.pdf"
    assert HOLDER not in asked[1]
    assert original.read_bytes().startswith(b"%PDF")
    cert = ledger.get(session, case.uuid)
    assert cert.number in section.state.text() and "not encrypted" in section.message.text()
    assert list(out.iterdir()) == [original]  # no temporary or second file
    # A second issue is not offered, and refused if asked for anyway.
    assert not section.issue_button.isEnabled()
    assert "only once" in section.why.text() and section.why.isVisible()
    section.issue_button.setEnabled(True)
    save_to(monkeypatch, out / "second.pdf")
    click(qtbot, section.issue_button)
    qtbot.waitUntil(section.error.isVisible, timeout=10_000)
    assert "only once" in section.error.text()
    assert list(out.iterdir()) == [original]

    copy = out / "copy.pdf"
    asked = save_to(monkeypatch, copy)
    click(qtbot, section.copy_button)
    qtbot.waitUntil(lambda: copy.exists() and "Copy 2" in section.message.text(), timeout=10_000)
    assert Path(asked[1]).name == f"{cert.number}-copy-2.pdf"
    assert "COPY 2" in pdf_text(copy)
    assert "Copies printed: 1 (the last one is marked COPY 2)" in section.details.text()
    actions = {view.audit_table.item(r, 2).text() for r in range(view.audit_table.rowCount())}
    assert {"Certificate issued", "Certificate copy printed"} <= actions

    # Revoking: a reason is required, then a confirmation.
    def revoke(dialog):
        click(qtbot, dialog.ok_button)
        assert dialog.error.isVisible() and "reason" in dialog.error.text()
        type_text(dialog.reason, "Выдано по ошибке")
        monkeypatch.setattr(
            QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes)
        )
        click(qtbot, dialog.ok_button)

    in_dialog(RevokeDialog, revoke)
    click(qtbot, section.revoke_button)
    assert ledger.get(session, case.uuid).revocation.reason == "Выдано по ошибке"
    assert "REVOKED" in section.state.text() and "Выдано по ошибке" in section.details.text()
    assert not section.copy_button.isEnabled() and not section.revoke_button.isEnabled()


def test_issue_is_explained_when_not_possible(qtbot, session, made_vault):
    undecided = person_case(session)
    section = show(qtbot, CaseView(session, undecided.uuid, tab="decision")).certificate_section
    assert not section.issue_button.isEnabled()
    assert "identified victim" in section.why.text()
    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    decided = person_case(session, decide=True)
    vault, _ = made_vault
    with vault.unlock(GUARD, GUARD_PASS) as guard:
        section = show(qtbot, CaseView(guard, decided.uuid, tab="decision")).certificate_section
        assert not section.issue_button.isEnabled()
        assert "role may not issue" in section.why.text()


# -- verification ------------------------------------------------------------------------------
def test_verify_dialog_answers_clearly(qtbot, session, tmp_path, monkeypatch):
    case = person_case(session, decide=True)
    saved = tmp_path / "c.pdf"
    printed = issuance.issue(session, case.uuid, "ru", save=saved.write_bytes)
    code = printed.certificate.code
    dialog = show(qtbot, VerifyDialog(session))
    click(qtbot, dialog.verify_button)
    assert dialog.error.isVisible()  # nothing to verify yet
    dialog.code.setPlainText(code)
    assert verify_now(qtbot, dialog).status == "valid"
    assert dialog.headline.text() == "VALID" and dialog.result_box.isVisible()
    assert "#1b5e20" in dialog.result_box.styleSheet()
    assert "not compared" in dialog.holder.text()

    type_text(dialog.name, HOLDER)
    type_text(dialog.birth_date, BIRTH)
    assert verify_now(qtbot, dialog).holder_match is True
    assert dialog.holder.text() == "The name and date of birth match."
    dialog.birth_date.clear()
    type_text(dialog.birth_date, "1998-04-13")
    assert verify_now(qtbot, dialog).holder_match is False
    assert "DO NOT match" in dialog.holder.text()
    dialog.name.clear()
    dialog.birth_date.clear()

    i = len(code) // 2
    dialog.code.setPlainText(code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1 :])
    assert verify_now(qtbot, dialog).status == "invalid"
    assert dialog.headline.text() == "NOT VALID" and "#b00020" in dialog.result_box.styleSheet()

    other = Ed25519PrivateKey.generate()
    kid = payload.key_id(other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    claims = payload.decode(code).claims
    forged = payload.encode(
        payload.Claims(
            claims.number,
            claims.issue_date,
            kid,
            claims.case_number,
            claims.salt,
            claims.holder_hash,
        ),
        kid,
        other.sign,
    )
    dialog.code.setPlainText(forged)
    assert verify_now(qtbot, dialog).status == "unknown_issuer"
    assert dialog.headline.text() == "UNKNOWN ISSUER"

    # A PDF opened from disk; the typed code is cleared.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(saved), "")))
    click(qtbot, dialog.open_button)
    assert dialog.code.toPlainText() == "" and "c.pdf" in dialog.file_label.text()
    assert verify_now(qtbot, dialog).status == "valid"

    issuance.revoke(session, case.uuid, "error")
    dialog.code.setPlainText(code)
    assert verify_now(qtbot, dialog).status == "revoked"
    assert dialog.headline.text() == "REVOKED" and "REVOKED" in dialog.detail.text()


# -- consent -----------------------------------------------------------------------------------
def test_consent_needs_all_four_points_and_shows_in_the_case(qtbot, session):
    case = person_case(session)
    view = show(qtbot, CaseView(session, case.uuid, tab="consent"))
    section = view.consent_section
    assert section.empty.isVisible()

    def record(dialog):
        assert not dialog.child and dialog.assent is None
        dialog.purpose.setCurrentIndex(dialog.purpose.findData("referral"))
        assert dialog.recipient.isEnabled()
        dialog.recipient.setCurrentIndex(dialog.recipient.findData("crisis-centre-osh"))
        for item in ("purpose", "use", "retention"):
            press(qtbot, dialog.told[item])
        press(qtbot, dialog.state_buttons[State.GIVEN])
        click(qtbot, dialog.ok_button)
        assert dialog.error.isVisible() and "informed" in dialog.error.text()
        assert consent.history(session, case.uuid) == []
        press(qtbot, dialog.told["withdrawal"])
        click(qtbot, dialog.ok_button)
        assert dialog.result() == QDialog.DialogCode.Accepted

    in_dialog(ConsentDialog, record)
    click(qtbot, section.record_button)
    assert consent.is_given(session, case.uuid, Purpose.REFERRAL, "crisis-centre-osh")
    table = section.current_table
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[0] == "Referral to" and "Osh" in row[1]
    assert row[2:4] == ["Given", "All four points"]
    actions = {view.audit_table.item(r, 2).text() for r in range(view.audit_table.rowCount())}
    assert "Consent recorded" in actions

    # A refusal needs no explanation points; the history keeps both records.
    dialog = show(
        qtbot,
        ConsentDialog(
            session, case.uuid, purpose=Purpose.REFERRAL, recipient_id="crisis-centre-osh"
        ),
    )
    press(qtbot, dialog.state_buttons[State.WITHDRAWN])
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    section.refresh()
    assert section.history_table.rowCount() == 2
    assert section.history_table.item(1, 4).text() == "Superseded"
    assert section.current_table.item(0, 2).text() == "Withdrawn"


def test_child_consent_and_referral_to_child_protection(qtbot, session):
    case = person_case(session, birth="2011-05-01", child=True)
    dialog = show(qtbot, ConsentDialog(session, case.uuid, purpose=Purpose.INTERVIEW))
    assert dialog.child and dialog.assent is not None
    for box in dialog.told.values():
        press(qtbot, box)
    press(qtbot, dialog.state_buttons[State.GIVEN])
    click(qtbot, dialog.ok_button)
    assert "child's assent" in dialog.error.text()
    dialog.assent.setCurrentIndex(1)
    type_text(dialog.guardian, "Мама, Гүлнара")
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    rec = consent.history(session, case.uuid)[0]
    assert (rec.child_assent, rec.guardian) == ("The child agrees", "Мама, Гүлнара")
    # The law's referral to child protection needs no consent: allowed, and said so.
    referral = show(qtbot, ReferralDialog(session, case.uuid))
    referral.choose("child-protection")
    assert referral.make_button.isEnabled() and "child protection" in referral.basis.text()
    assert referral.child_notice.isVisible()
    assert "WITHOUT consent" in referral.child_notice.text()


# -- referrals ---------------------------------------------------------------------------------
def preview_rows(dialog):
    model = dialog.model
    return {
        model.field_at(r).question: (
            model.index(r, PreviewModel.COL_SENSITIVITY).data(),
            model.index(r, PreviewModel.COL_SHARED).data(),
        )
        for r in range(model.rowCount())
    }


def test_referral_preview_minimises_and_needs_consent(
    qtbot, qtmodeltester, session, tmp_path, monkeypatch
):
    case = person_case(session, decide=True)
    for org in ("crisis-centre-osh", "ombudsman"):
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org)
    dialog = show(qtbot, ReferralDialog(session, case.uuid))
    dialog.choose("ombudsman")
    rows = preview_rows(dialog)
    assert rows["full_name"] == ("Identifying", "Withheld")
    assert rows["document_number"][1] == "Withheld"
    assert all(shared == "Sent" for sens, shared in rows.values() if sens == "Ordinary")
    assert "consent" in dialog.basis.text() and dialog.make_button.isEnabled()
    qtmodeltester.check(dialog.model)
    dialog.choose("crisis-centre-osh")
    assert preview_rows(dialog)["full_name"] == ("Identifying", "Sent")
    assert "sent" in dialog.summary.text()

    dialog.choose("iom")  # no consent: refused, with the reason, and nothing to make
    assert not dialog.make_button.isEnabled()
    assert dialog.refusal.isVisible() and "not consented" in dialog.refusal.text()
    assert all(shared == "Withheld" for _s, shared in preview_rows(dialog).values())
    assert dialog.consent_button.isVisible()

    dialog.type.setCurrentIndex(dialog.type.findData("crisis_centre"))
    shown = {dialog.recipient.itemData(i) for i in range(dialog.recipient.count())}
    assert shown == {"crisis-centre-bishkek", "crisis-centre-osh"}
    dialog.choose("crisis-centre-osh")
    click(qtbot, dialog.make_button)
    assert "service" in dialog.error.text()
    dialog.set_services(("shelter",))
    packet = tmp_path / "packet.pdf"
    asked = save_to(monkeypatch, packet)
    type_text(dialog.reason, "Нужен безопасный приют")
    click(qtbot, dialog.make_button)
    qtbot.waitUntil(
        lambda: dialog.result() == QDialog.DialogCode.Accepted or dialog.error.isVisible(),
        timeout=10_000,
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    assert Path(asked[1]).name == f"referral-{case.number}-crisis-centre-osh.pdf"
    assert packet.read_bytes().startswith(b"%PDF")
    [made] = referrals.for_case(session, case.uuid)
    assert made.services == ("shelter",) and "full_name" in made.fields


def test_referral_status_is_tracked_in_the_case(qtbot, session):
    case = person_case(session, decide=True)
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="crisis-centre-osh"
    )
    ref = referrals.make(
        session, case.uuid, "crisis-centre-osh", services=("shelter",), urgency="urgent"
    )
    section = show(qtbot, ReferralSection(session, case.uuid))
    row = [section.table.item(0, c).text() for c in range(section.table.columnCount())]
    assert row[1:5] == ["Shelter", "Urgent", "The person's consent", "Sent"]
    assert not section.status_buttons[referrals.RefStatus.ACCEPTED].isEnabled()
    section.table.selectRow(0)
    type_text(section.note, "Место есть")
    click(qtbot, section.status_buttons[referrals.RefStatus.ACCEPTED])
    click(qtbot, section.status_buttons[referrals.RefStatus.CLOSED])
    assert [e[0] for e in referrals.events(session, ref.uuid)] == ["sent", "accepted", "closed"]
    assert referrals.events(session, ref.uuid)[1][2] == "Место есть"
    assert section.table.item(0, 4).text() == "Closed"
    assert not any(b.isEnabled() for b in section.status_buttons.values())


# -- NRM directory -----------------------------------------------------------------------------
def test_directory_model_passes_the_model_tester(qtmodeltester, session):
    model = DirectoryModel(directory.organisations(session, include_inactive=True))
    qtmodeltester.check(model)
    assert model.rowCount() >= 15
    row = model.row_of("crisis-centre-osh")
    assert model.index(row, 0).data(ID_ROLE) == "crisis-centre-osh"
    assert model.index(row, DirectoryModel.COL_TYPE).data() == "Crisis centre"
    qtmodeltester.check(DirectoryModel())


def test_supervisor_edits_the_directory_guard_reads_it(qtbot, session, made_vault):
    dialog = show(qtbot, DirectoryDialog(session))
    assert dialog.edit_button.isVisible() and dialog.add_button.isVisible()
    dialog.refresh(select="crisis-centre-osh")
    org = dialog.selected()
    assert org.id == "crisis-centre-osh"
    edit = show(qtbot, OrganisationDialog(session, org))
    assert edit.org_id.isReadOnly()
    edit.contact.clear()
    type_text(edit.contact, "+996 312 000 000")
    edit.names["ky"].clear()
    type_text(edit.names["ky"], "Ош кризистик борбору (жаңы)")
    click(qtbot, edit.save_button)
    assert edit.result() == QDialog.DialogCode.Accepted
    saved = directory.get(session, "crisis-centre-osh")
    assert saved.contact == "+996 312 000 000" and saved.name["ky"].endswith("(жаңы)")

    new = show(qtbot, OrganisationDialog(session, None))
    type_text(new.org_id, "Bad Id")
    type_text(new.names["en"], "Naryn crisis centre")
    click(qtbot, new.save_button)
    assert "identifier" in new.error.text()
    new.org_id.clear()
    type_text(new.org_id, "crisis-centre-naryn")
    new.type.setCurrentIndex(new.type.findData("crisis_centre"))
    new.region.setCurrentIndex(new.region.findData("naryn"))
    click(qtbot, new.save_button)
    assert directory.get(session, "crisis-centre-naryn").region == "naryn"

    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    vault, _ = made_vault
    with vault.unlock(GUARD, GUARD_PASS) as guard:
        read_only = show(qtbot, DirectoryDialog(guard))
        assert not read_only.edit_button.isVisible() and not read_only.add_button.isVisible()
        assert "Read only" in read_only.findChild(type(read_only.error), "directory_intro").text()
        assert read_only.proxy.rowCount() == dialog.model.rowCount() + 1
        attempt = show(qtbot, OrganisationDialog(guard, directory.get(guard, "ombudsman")))
        click(qtbot, attempt.save_button)
        assert attempt.error.isVisible() and attempt.result() != QDialog.DialogCode.Accepted


def test_tools_menu_opens_verification_and_directory(qtbot, session, made_vault, tmp_path):
    from idtool import settings as settings_mod
    from ui.main_window import MainWindow

    vault, _ = made_vault
    window = MainWindow(vault, settings_mod.Settings(language="en"), config_dir=tmp_path / "c")
    qtbot.addWidget(window)
    window.start_unlocked(session)
    seen = []
    for name, cls in (
        ("action_verify_certificate", VerifyDialog),
        ("action_directory", DirectoryDialog),
    ):
        in_dialog(cls, lambda dialog: seen.append(dialog.windowTitle()))
        window.findChild(QAction, name).trigger()
    assert seen == ["Verify a certificate", "NRM directory"]
    window.session = None  # the fixture closes the session
