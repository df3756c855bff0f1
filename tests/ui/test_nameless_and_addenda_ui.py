"""A case without a name, the person's details when a document needs them, and amending a
completed interview, through the real widgets (issue 14, item 5)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from idtool import addenda, case_assessments, case_list, cases, consent, decisions
from idtool.consent import Purpose, State
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import screen
from tests.ui.drive import click, in_dialog, show, type_text
from ui.cases.case_view import CaseView
from ui.cases.list_model import CaseListModel
from ui.cases.new_case_dialog import NewCaseDialog
from ui.cases.person_dialog import PersonDialog
from ui.documents.referral_dialog import ReferralDialog
from ui.interview.amend_dialog import AmendDialog

BUS = "Woman from the bus station"
# Screenshots for the report when IDTOOL_SHOTS names a folder (never in normal runs).
SHOTS = os.environ.get("IDTOOL_SHOTS")


def shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def nameless_case(session, *, identified=False):
    case = cases.open_case(session, region="osh", working_name=BUS)
    screen(session, case.uuid)
    if identified:
        decisions.record(session, case.uuid, decisions.Decision.IDENTIFIED_VICTIM)
    return case


def test_a_case_opens_under_a_working_name(qtbot, session):
    dialog = show(qtbot, NewCaseDialog(session))
    type_text(dialog.working_name, BUS)
    dialog.region.setCurrentIndex(dialog.region.findData("osh"))
    shot(dialog, "new-case-working-name")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    person = cases.get_case(session, dialog.case_uuid).person
    assert (person.full_name, person.working_name) == ("", BUS)
    model = CaseListModel(session)
    assert model.index(0, 1).data() == f"{BUS} (working name)"


def test_the_certificate_asks_for_the_details_it_needs(qtbot, session):
    case = nameless_case(session, identified=True)
    view = show(qtbot, CaseView(session, case.uuid, tab="decision"))
    section = view.certificate_section
    assert not section.issue_button.isEnabled()
    assert "needs the person's full name, date of birth" in section.why.text()
    assert section.details_button.isVisible()
    person_text = view.person_box.findChildren(type(section.why))
    assert any(f"{BUS} (working name)" == w.text() for w in person_text)

    def fill(dialog: PersonDialog) -> None:
        assert dialog.needed.isVisible() and "full name" in dialog.needed.text()
        assert dialog.focusWidget() is dialog.full_name  # the first missing detail
        shot(dialog, "person-details-for-certificate")
        type_text(dialog.full_name, "Нургүл Асанова")
        qtbot.keyClick(dialog.full_name, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.birth_date
        type_text(dialog.birth_date, "1999-03-08")
        click(qtbot, dialog.ok_button)
        assert dialog.result() == QDialog.DialogCode.Accepted

    in_dialog(PersonDialog, fill)
    click(qtbot, section.details_button)
    assert section.issue_button.isEnabled() and not section.details_button.isVisible()
    labels = [w.text() for w in view.person_box.findChildren(type(section.why))]
    assert "Нургүл Асанова" in labels and "1999-03-08" in labels
    assert f"{BUS} (working name)" in labels  # kept, still marked


def test_a_referral_asks_for_the_name_and_not_for_consent(qtbot, session):
    case = nameless_case(session)
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="crisis-centre-osh"
    )
    dialog = show(qtbot, ReferralDialog(session, case.uuid))
    dialog.choose("crisis-centre-osh")
    assert not dialog.make_button.isEnabled()
    assert "needs the person's full name" in dialog.refusal.text()
    assert dialog.details_button.isVisible() and not dialog.consent_button.isVisible()
    shot(dialog, "referral-needs-the-name")

    def fill(person: PersonDialog) -> None:
        type_text(person.full_name, "Нургүл Асанова")
        click(qtbot, person.ok_button)

    in_dialog(PersonDialog, fill)
    click(qtbot, dialog.details_button)
    assert dialog.details_changed and dialog.make_button.isEnabled()
    assert not dialog.details_button.isVisible()


def test_an_interview_is_amended_from_the_case_view(qtbot, session):
    case = nameless_case(session)
    view = show(qtbot, CaseView(session, case.uuid))
    assert not view.amend_button.isEnabled()  # nothing selected
    view.interviews_table.selectRow(0)
    assert view.amend_button.isEnabled()
    reviews: list[str] = []
    view.review.connect(reviews.append)

    def amend(dialog: AmendDialog) -> None:
        dialog.question.setCurrentIndex(dialog.question.findData("debt"))
        assert dialog.current.text() == "Yes"
        no = dialog.input.buttons["no"]
        no.setFocus()
        qtbot.keyClick(no, Qt.Key.Key_Space)  # by keyboard
        click(qtbot, dialog.add_button)
        assert dialog.changes.rowCount() == 1
        assert [dialog.changes.item(0, c).text() for c in (1, 2)] == ["Yes", "No"]
        click(qtbot, dialog.ok_button)
        assert "reason" in dialog.error.text()
        type_text(dialog.reason, "The person corrected the answer.")
        shot(dialog, "amend-dialog")
        click(qtbot, dialog.ok_button)
        assert dialog.result() == QDialog.DialogCode.Accepted

    before = len(case_assessments.for_case(session, case.uuid))
    in_dialog(AmendDialog, amend)
    click(qtbot, view.amend_button)
    [made] = addenda.for_case(session, case.uuid)
    assert made.changes == (addenda.Change("debt", "yes", "no"),)
    assert len(case_assessments.for_case(session, case.uuid)) == before + 1
    assert reviews == [case.uuid]  # on to the review, with the new recommendation

    again = show(qtbot, CaseView(session, case.uuid, tab="interviews"))
    table = again.findChild(type(again.interviews_table), "case_addenda_table")
    assert table.isVisible() and table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    debt = load_shipped("nrm-screening").question("debt").label.get("en")
    assert row[2:] == [
        "First-contact screening for signs of trafficking (NRM)",
        debt,
        "Yes",
        "No",
        "The person corrected the answer.",
    ]
    audit_actions = [
        again.audit_table.item(r, 2).text() for r in range(again.audit_table.rowCount())
    ]
    assert "Interview amended (addendum)" in audit_actions
    shot(again.findChild(type(again.person_box), "case_addenda"), "case-addenda")
    assert case_list.CaseQuery(text="bus").count(session) == 1
