"""The rules version in the case view and the review, and a supervisor re-assessing a case
under the current rules, through the real widgets (the confirmation box included)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from idtool import case_assessments, officers
from idtool.assessment import VERSION_1, VERSION_2
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import case_assessed_under_v1
from tests.ui.drive import click_scrolled, show
from ui.cases.case_view import CaseView
from ui.cases.decision_page import DecisionPage

POLICE, POLICE_PASS = "Police One", "police-pass-1"


def answer_box(button: QMessageBox.StandardButton, seen: list[str], tries: int = 500) -> None:
    """Once the confirmation box is open, note its text and press `button` on it."""

    def run(left: int) -> None:
        box = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()
            ),
            None,
        )
        if box is None:
            if left:
                QTimer.singleShot(10, lambda: run(left - 1))
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(10, lambda: run(tries))


def tree_rows(view: CaseView) -> list[list[str]]:
    tree = view.assessment_tree
    return [
        [tree.topLevelItem(r).text(c) for c in range(3)] for r in range(tree.topLevelItemCount())
    ]


def test_a_supervisor_reassesses_a_case_made_under_earlier_rules(qtbot, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        case = case_assessed_under_v1(session)
        view = show(qtbot, CaseView(session, case.uuid, tab="decision"))
        section = view.assessments_section
        assert tree_rows(view) == [
            [
                tree_rows(view)[0][0],
                "presumed victim of trafficking in persons",
                f"{VERSION_1} (earlier rules)",
            ]
        ]
        reasons = view.assessment_tree.topLevelItem(0)
        assert reasons.child(0).text(0).startswith(f"Assessment under rules {VERSION_1}")
        assert section.earlier_note.isVisible()
        assert f"earlier rules ({VERSION_1})" in section.earlier_note.text()
        assert section.reassess_button.isVisible()

        # "No" leaves everything as it was
        seen: list[str] = []
        answer_box(QMessageBox.StandardButton.No, seen)
        click_scrolled(qtbot, view, section.reassess_button)
        assert seen and f"current rules ({VERSION_2})" in seen[0] and VERSION_1 in seen[0]
        assert case.number in seen[0]
        assert len(case_assessments.for_case(session, case.uuid)) == 1
        assert not section.message.isVisible()

        answer_box(QMessageBox.StandardButton.Yes, seen)
        click_scrolled(qtbot, view, section.reassess_button)
        assert len(seen) == 2
        stored = case_assessments.for_case(session, case.uuid)
        assert [s.rules_version for s in stored] == [VERSION_1, VERSION_2]
        rows = tree_rows(view)
        assert [r[1:] for r in rows] == [
            ["possible victim of trafficking in persons", f"{VERSION_2} (current rules)"],
            ["presumed victim of trafficking in persons", f"{VERSION_1} (earlier rules)"],
        ]
        newest = view.assessment_tree.topLevelItem(0)
        lines = [newest.child(i).text(0) for i in range(newest.childCount())]
        assert lines[0].startswith(f"Assessment under rules {VERSION_2}")
        assert any(line.startswith("Means (force") and "not established" in line for line in lines)
        # the questions of the interview's form that would establish what is missing
        assert any("would establish it" in line for line in lines)
        message = section.message.text()
        assert section.message.isVisible()
        assert f"New assessment stored under rules {VERSION_2}" in message
        assert "earlier assessment is kept" in message and "review the decision" in message
        assert not section.reassess_button.isVisible() and not section.earlier_note.isVisible()
        actions = [view.audit_table.item(r, 2).text() for r in range(view.audit_table.rowCount())]
        assert actions[0] == "Re-assessed under the current rules"

        page = show(qtbot, DecisionPage(session, case.uuid))
        assert page.rules_version.text() == f"Rules version: {VERSION_2} (current rules)"
        assert page.recommendation.text().endswith("possible victim of trafficking in persons")
        assert "would establish it" in page.reasons.text()


def test_other_roles_see_the_version_but_not_the_button(qtbot, made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        case = case_assessed_under_v1(session)
        officers.add_officer(session, POLICE, "police", POLICE_PASS)
    with vault.unlock(POLICE, POLICE_PASS) as police:
        view = show(qtbot, CaseView(police, case.uuid, tab="decision"))
        section = view.assessments_section
        assert not section.reassess_button.isVisible()
        assert section.earlier_note.isVisible()
        assert "A supervisor may assess the case again" in section.earlier_note.text()
        assert tree_rows(view)[0][2] == f"{VERSION_1} (earlier rules)"
        page = show(qtbot, DecisionPage(police, case.uuid))
        assert VERSION_1 in page.rules_version.text()
        assert "A supervisor may re-assess" in page.rules_version.text()
        assert f"Assessment under rules {VERSION_1}" in page.reasons.text()
