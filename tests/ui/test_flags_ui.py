"""Non-punishment flags through real widgets: asked in the wizard, shown on the case, an item of
the review queue, and legal aid ticked when a referral is made for the case."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from idtool import cases, consent, interviews, oversight, referrals
from idtool.consent import Purpose, State
from idtool.questionnaire.registry import load_shipped
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.ui.test_documents_ui import click, save_to, show
from tests.ui.test_interview_wizard import block, choose, make_wizard, preset, start, stored
from tests.unit.test_case_flags import IDENTIFICATION, PUNISHED
from ui.cases.case_view import CaseView
from ui.documents.referral_dialog import ReferralDialog
from ui.oversight_dialog import OversightDialog

__all__ = ["make_wizard"]  # the fixture, used by name


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()


def _case(session, answers, name="Test Person"):
    case = cases.open_case(session, full_name=name, region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    for question, value in answers.items():
        interviews.save_answer(session, interview, question, value)
    interviews.complete(session, interview)
    return case


def _checked(dialog: ReferralDialog) -> dict[str, bool]:
    return {
        dialog.services.item(i).data(Qt.ItemDataRole.UserRole): (
            dialog.services.item(i).checkState() == Qt.CheckState.Checked
        )
        for i in range(dialog.services.count())
    }


def test_the_wizard_asks_about_punishment_only_after_a_forced_act(qtbot, session, make_wizard):
    uuid = start(session, "nrm-identification")
    preset(session, uuid, {"consent_interview": "given"}, "authorities")
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
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
    view = show(qtbot, CaseView(session, flagged.uuid))
    assert view.flags_note.isVisible()
    assert "arrest or detention; deportation or entry ban" in view.flags_note.text()
    plain = _case(session, IDENTIFICATION, name="Other Person")
    assert not show(qtbot, CaseView(session, plain.uuid)).flags_note.isVisible()


def test_the_review_queue_lists_a_flagged_case_until_resolved(qtbot, qtmodeltester, session):
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
    _case(session, IDENTIFICATION, name="Other Person")
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
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
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
    flagged = _case(session, {**IDENTIFICATION, **PUNISHED})
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
    plain = _case(session, IDENTIFICATION)
    dialog = show(qtbot, ReferralDialog(session, plain.uuid))
    assert not dialog.flags_notice.isVisible()
    dialog.choose("state-legal-aid")
    assert _checked(dialog) == {"legal_aid": False}
