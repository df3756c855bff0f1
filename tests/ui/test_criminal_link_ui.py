"""The criminal-justice link on the case view, through its widgets, for each role."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from idtool import cj_link, officers, oversight
from tests.support.cj import case_with
from tests.ui.drive import click, in_dialog, show, type_text
from ui.cases.case_view import CaseView
from ui.cases.criminal_link_dialog import LinkDialog, ReviewDialog

MIGRATION = {"opened": "misconduct", "articles": ("cm_illegal_migration",)}


def _as(session, name, role):
    officers.add_officer(session, name, role, f"{role}-pass-123")
    return session.vault.unlock(name, f"{role}-pass-123")


def _texts(widget):
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_a_police_officer_records_the_link(qtbot, session):
    case = case_with(session)
    police = _as(session, "Police One", "police")
    view = show(qtbot, CaseView(police, case.uuid, tab="consent"))
    section = view.criminal_link_section
    assert section.record_button.isVisible() and not section.review_button.isVisible()

    def fill(dialog: LinkDialog) -> None:
        dialog.opened.setCurrentIndex(dialog.opened.findData("misconduct"))
        for i in range(dialog.articles.count()):
            item = dialog.articles.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == "cm_illegal_migration":
                item.setCheckState(Qt.CheckState.Checked)
        dialog.stage.setCurrentIndex(dialog.stage.findData("investigation"))
        type_text(dialog.stage_date, "2026-04-02")
        dialog.role.setCurrentIndex(dialog.role.findData("victim"))
        click(qtbot, dialog.save_button)

    in_dialog(LinkDialog, fill)
    click(qtbot, section.record_button)
    qtbot.waitUntil(lambda: "Organizing illegal migration" in _texts(section))
    assert "2026-04-02" in _texts(section)
    link = cj_link.get(police, case.uuid)
    assert link.articles == ("cm_illegal_migration",) and link.role == "victim"
    police.close()


def test_a_wrong_choice_is_explained_in_the_dialog(qtbot, session):
    case = case_with(session)
    view = show(qtbot, CaseView(session, case.uuid, tab="consent"))
    seen: list[str] = []

    def fill(dialog: LinkDialog) -> None:
        dialog.opened.setCurrentIndex(dialog.opened.findData("criminal"))
        click(qtbot, dialog.save_button)  # no article chosen
        seen.append(dialog.error.text())

    in_dialog(LinkDialog, fill)
    click(qtbot, view.criminal_link_section.record_button)
    qtbot.waitUntil(lambda: bool(seen))
    assert "article" in seen[0] and cj_link.get(session, case.uuid) is None


def test_others_see_only_that_a_criminal_case_exists(qtbot, session):
    case = case_with(session, link=MIGRATION)
    guard = _as(session, "Guard One", "border_guard")
    view = show(qtbot, CaseView(guard, case.uuid, tab="consent"))
    section = view.criminal_link_section
    assert "A criminal case exists." in _texts(section)
    assert "migration" not in _texts(section).lower()
    assert not section.record_button.isVisible()
    guard.close()


def test_a_prosecutor_opens_the_case_and_records_a_review(qtbot, session):
    case = case_with(session, link=MIGRATION)  # no consent to law enforcement
    assert any(i.case_uuid == case.uuid for i in oversight.queue(session))
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    view = show(qtbot, CaseView(prosecutor, case.uuid, tab="consent"))
    section = view.criminal_link_section
    assert section.review_button.isEnabled()

    def fill(dialog: ReviewDialog) -> None:
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("sent_back"))
        click(qtbot, dialog.save_button)

    in_dialog(ReviewDialog, fill)
    click(qtbot, section.review_button)
    qtbot.waitUntil(lambda: "Sent back" in _texts(section))
    assert not any(i.case_uuid == case.uuid for i in oversight.queue(session))
    prosecutor.close()


def test_a_prosecutor_without_consent_is_told_not_shown_the_answers(qtbot, session):
    from PySide6.QtWidgets import QMessageBox

    from idtool import interviews
    from ui.workspace import Workspace

    case = case_with(session, link=MIGRATION)
    (interview,) = interviews.for_case(session, case.uuid)
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    space = show(qtbot, Workspace(prosecutor))
    space.show_case(case.uuid)
    told: list[str] = []
    in_dialog(QMessageBox, lambda box: told.append(box.text()))
    space.show_interview(interview.uuid)
    assert told and "law enforcement" in told[0]
    assert space.page_name == "case"
    prosecutor.close()


def test_criminal_justice_statistics_in_the_window(qtbot, session):
    from idtool.decisions import Decision
    from ui.stats.justice_dialog import JusticeDialog

    trafficking = {"opened": "criminal", "articles": ("cc_trafficking",)}
    for _n in range(5):
        case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=trafficking)
    dialog = show(qtbot, JusticeDialog(session))
    type_text(dialog.period_from, "2026-13-01")
    click(qtbot, dialog.compute_button)
    assert "YYYY-MM-DD" in dialog.error.text()
    dialog.period_from.clear()
    click(qtbot, dialog.compute_button)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert "Identified victims: 5" in dialog.figures.text()
    assert "(100%)" in dialog.figures.text()
    assert dialog.table.item(0, 1).text() == "5"


def test_the_prosecutor_role_is_offered_and_in_the_policy_table(qtbot, session):
    from ui.officers_dialog import AddOfficerDialog
    from ui.policy_dialog import PolicyDialog

    add = show(qtbot, AddOfficerDialog(session))
    roles = [add.role.itemData(i) for i in range(add.role.count())]
    assert "prosecutor" in roles
    policy_dialog = show(qtbot, PolicyDialog(session))
    model = policy_dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Prosecutor" in headers
