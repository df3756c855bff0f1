"""Erasure through real widgets: the case view's button (supervisor only, a reason and a
confirmation), and the retention review listing the cases before anything is erased."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from idtool import erasure, officers, policy_options, retention
from idtool.vault import Vault
from tests.support.cases import HOLDER, person_case
from tests.ui.drive import click, in_dialog, show, type_text
from ui.cases.case_view import CaseView
from ui.cases.erase_action import EraseDialog
from ui.retention_dialog import RetentionDialog
from ui.retention_schedule import ScheduleDialog

GUARD, GUARD_PASS = "Guard One", "guard-pass-1"


def _yes(monkeypatch, answers: list[str] | None = None) -> None:
    def question(*args):
        if answers is not None:
            answers.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_the_supervisor_erases_from_the_case_view(qtbot, session, monkeypatch):
    case = person_case(session)
    view = show(qtbot, CaseView(session, case.uuid))
    left: list[bool] = []
    view.back.connect(lambda: left.append(True))

    def erase(dialog):
        click(qtbot, dialog.ok_button)  # no reason: refused
        assert dialog.error.isVisible() and "reason" in dialog.error.text()
        type_text(dialog.reason, HOLDER.split()[0] + " asked")  # the name: refused by the core
        _yes(monkeypatch)
        click(qtbot, dialog.ok_button)
        assert dialog.error.isVisible() and "name" in dialog.error.text()
        dialog.reason.clear()
        type_text(dialog.reason, "written request of 1 December")
        click(qtbot, dialog.ok_button)

    in_dialog(EraseDialog, erase)
    click(qtbot, view.erase_button)
    assert left == [True]
    assert erasure.tombstone(session.conn, case.uuid) is not None
    assert session.conn.execute("SELECT count(*) FROM persons").fetchone() == (0,)


def test_no_erase_button_for_a_role_the_policy_does_not_allow(qtbot, session, made_vault):
    vault, _ = made_vault
    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    case = person_case(session)
    guard = Vault(vault.folder, kdf_params=vault.kdf_params()).unlock(GUARD, GUARD_PASS)
    try:
        view = show(qtbot, CaseView(guard, case.uuid))
        assert view.erase_button is None
    finally:
        guard.close()


def test_retention_review_lists_then_erases_after_confirmation(qtbot, session, monkeypatch):
    case = person_case(session, decide=True)
    retention.set_period(session, "identified", 2)
    dialog = show(qtbot, RetentionDialog(session))
    assert dialog.table.rowCount() == 0 and not dialog.apply_button.isEnabled()
    assert "Identified victim: 2 (years)" in dialog.intro.text()
    dialog.as_of.setDate(QDate(2099, 1, 1))
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == case.number
    assert dialog.apply_button.isEnabled()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.No)
    )
    click(qtbot, dialog.apply_button)
    assert erasure.tombstone(session.conn, case.uuid) is None  # not confirmed: nothing erased
    asked: list[str] = []
    _yes(monkeypatch, asked)
    click(qtbot, dialog.apply_button)
    qtbot.waitUntil(lambda: "erased by the retention" in dialog.count.text(), timeout=20_000)
    assert "(1)" in asked[0] and "schedule: 1." in dialog.count.text()
    assert erasure.tombstone(session.conn, case.uuid).kind == "retention"  # type: ignore[union-attr]
    assert dialog.table.rowCount() == 0
    assert retention.due(session, date(2099, 1, 1)) == []
    assert dict(policy_options.get(session.conn).retention) == {"identified": 2}


def test_the_supervisor_changes_the_schedule_in_the_review(qtbot, session):
    case = person_case(session, decide=True)
    dialog = show(qtbot, RetentionDialog(session))
    dialog.as_of.setDate(QDate(2099, 1, 1))
    assert dialog.table.rowCount() == 0 and "No retention periods" in dialog.intro.text()
    assert dialog.schedule_button.isVisible()

    def edit(schedule):
        box = schedule.boxes["identified"]
        assert box.specialValueText() and box.value() == 0  # kept until erased on request
        box.setValue(3)
        schedule.boxes["closed"].setValue(10)
        click(
            qtbot, schedule.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        )

    in_dialog(ScheduleDialog, edit)
    click(qtbot, dialog.schedule_button)
    assert dict(policy_options.get(session.conn).retention) == {"identified": 3, "closed": 10}
    assert "Identified victim: 3 (years)" in dialog.intro.text()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == case.number
    assert erasure.tombstone(session.conn, case.uuid) is None  # changing it erased nothing


def test_a_device_enrolled_with_a_coordinator_cannot_change_the_schedule(qtbot, tmp_path):
    from tests.support.sync import make_world

    w = make_world(tmp_path, 1)
    dialog = show(qtbot, RetentionDialog(w.devs[0]))
    assert not dialog.schedule_button.isVisible()
    assert show(qtbot, RetentionDialog(w.sup)).schedule_button.isVisible()
