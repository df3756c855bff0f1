"""Non-punishment flags through real widgets: asked in the wizard, shown on the case, an item of
the review queue, and legal aid ticked when a referral is made for the case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from idtool import consent, interviews, oversight, referrals
from idtool.consent import Purpose, State
from tests.support.flags import IDENTIFICATION, flagged_case, interviewed_case
from tests.ui.drive import block, choose, click, new_interview, save_to, show, stored
from ui.cases.case_view import CaseView
from ui.documents.referral_dialog import ReferralDialog
from ui.oversight_dialog import OversightDialog


def _checked(dialog: ReferralDialog) -> dict[str, bool]:
    return {
        dialog.services.item(i).data(Qt.ItemDataRole.UserRole): (
            dialog.services.item(i).checkState() == Qt.CheckState.Checked
        )
        for i in range(dialog.services.count())
    }


def test_the_wizard_asks_about_punishment_only_after_a_forced_act(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    started = interviews.get(session, uuid)
    interviews.save_answer(session, started, "consent_interview", "given")
    interviews.set_section(session, started, "authorities")
    wizard = make_wizard(session, uuid)
    assert wizard.current == "authorities"
    assert not block(wizard, "authority_measures").isVisible()
    choose(qtbot, wizard, "forced_offences", "irregular_border")
    assert block(wizard, "authority_measures").isVisible()
    choose(qtbot, wizard, "authority_measures", "deported")
    assert stored(session, uuid)["authority_measures"] == ["deported"]
    assert block(wizard, "measures_details").isVisible()
    # the guidance for the officer names the non-punishment provision
    assert "article 166" in wizard.guidance.section_hint.text()


def test_the_case_view_shows_the_flags(qtbot, session):
    flagged = flagged_case(session)
    view = show(qtbot, CaseView(session, flagged.uuid))
    assert view.flags_note.isVisible()
    assert "arrest or detention; deportation or entry ban" in view.flags_note.text()
    plain = interviewed_case(session, IDENTIFICATION, name="Other Person")
    assert not show(qtbot, CaseView(session, plain.uuid)).flags_note.isVisible()


def test_the_review_queue_lists_a_flagged_case_until_resolved(qtbot, qtmodeltester, session):
    flagged = flagged_case(session)
    interviewed_case(session, IDENTIFICATION, name="Other Person")
    opened: list[str] = []
    queue = show(qtbot, OversightDialog(session, opened.append))
    qtmodeltester.check(queue.model)
    rows = [
        r
        for r in range(queue.model.rowCount())
        if queue.model.item(r).kind == oversight.Kind.NON_PUNISHMENT
    ]
    assert len(rows) == 1
    cells = [queue.model.data(queue.model.index(rows[0], c)) for c in range(4)]
    assert cells[0] == "Punished for acts the person was made to commit"
    assert cells[1] == flagged.number
    assert cells[3].startswith("arrest or detention; deportation or entry ban")
    queue.view.selectRow(rows[0])
    queue.resolve_selected("Legal aid referral made.")
    assert queue.error.text() == ""
    assert not any(
        queue.model.item(r).kind == oversight.Kind.NON_PUNISHMENT
        for r in range(queue.model.rowCount())
    )


def test_opening_the_flagged_case_from_the_queue(qtbot, session):
    flagged = flagged_case(session)
    opened: list[str] = []
    queue = show(qtbot, OversightDialog(session, opened.append))
    row = next(
        r
        for r in range(queue.model.rowCount())
        if queue.model.item(r).kind == oversight.Kind.NON_PUNISHMENT
    )
    queue.view.selectRow(row)
    click(qtbot, queue.open_button)
    assert opened == [flagged.uuid]


def test_a_referral_for_a_flagged_case_starts_with_legal_aid(
    qtbot, session, tmp_path: Path, monkeypatch
):
    flagged = flagged_case(session)
    consent.record(
        session, flagged.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="state-legal-aid"
    )
    dialog = show(qtbot, ReferralDialog(session, flagged.uuid))
    assert dialog.flags_notice.isVisible() and "legal aid" in dialog.flags_notice.text()
    dialog.choose("crisis-centre-osh")
    assert _checked(dialog) == {
        "shelter": False,
        "psychological": False,
        "medical": False,
        "legal_aid": True,
    }
    dialog.choose("state-legal-aid")
    assert _checked(dialog) == {"legal_aid": True}
    save_to(monkeypatch, tmp_path / "packet.pdf")
    click(qtbot, dialog.make_button)
    qtbot.waitUntil(
        lambda: dialog.result() == QDialog.DialogCode.Accepted or dialog.error.isVisible(),
        timeout=10_000,
    )
    assert not dialog.error.isVisible(), dialog.error.text()
    [made] = referrals.for_case(session, flagged.uuid)
    assert made.services == ("legal_aid",) and made.recipient_id == "state-legal-aid"


def test_a_referral_for_a_case_without_flags_starts_with_nothing(qtbot, session):
    plain = interviewed_case(session, IDENTIFICATION)
    dialog = show(qtbot, ReferralDialog(session, plain.uuid))
    assert not dialog.flags_notice.isVisible()
    dialog.choose("state-legal-aid")
    assert _checked(dialog) == {"legal_aid": False}
