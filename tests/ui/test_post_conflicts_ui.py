"""A post's officer resolves, from the Exchange menu, the conflict the coordinator's update
caused: the coordinator and the post changed the same person, the post keeps the chosen
version; the coordinator's review of the post's decision shows on its case view (issue 16,
item 3)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton

from idtool import cases, kdf, oversight
from idtool.decisions import Decision
from idtool.sync import conflicts, export, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.cases import assessed_case, decided_case
from tests.support.sync import make_world
from tests.ui.drive import in_dialog
from ui.cases.case_view import CaseView
from ui.sync.conflicts_dialog import ConflictsDialog


def _rename(session, case_uuid: str, name: str) -> None:
    cases.set_details(
        session, case_uuid, full_name=name, birth_date="", document_number="", working_name=""
    )


def test_the_posts_officer_takes_the_coordinators_version(
    qtbot, make_window, tmp_path: Path
) -> None:
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = assessed_case(post, name="Айдай Мамытова")
    import_bundle(w.sup, export.export_cases(post, w.out))
    _rename(w.sup, case.uuid, "Айдай Мамытова (коорд.)")
    _rename(post, case.uuid, "Айдай Мамытовна")
    assert import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id])).conflicts == 1

    window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(post)
    assert window.findChild(QAction, "action_review") is None  # the coordinator's queues
    seen: dict[str, object] = {}

    def resolve(dialog: ConflictsDialog) -> None:
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        rows = {dialog.diff.index(r, 0).data(): r for r in range(dialog.diff.rowCount())}
        seen["local"] = dialog.diff.index(rows["Full name"], 1).data()
        seen["incoming"] = dialog.diff.index(rows["Full name"], 2).data()
        button = dialog.findChild(QPushButton, "take_incoming")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        seen["after"] = dialog.tabs.tabText(0)
        seen["enabled"] = button.isEnabled()

    in_dialog(ConflictsDialog, resolve)
    window.findChild(QAction, "action_conflicts").trigger()

    assert seen == {
        "tabs": ["&Conflicts (1)"],  # no duplicates or quarantine: those are the coordinator's
        "local": "Айдай Мамытовна",
        "incoming": "Айдай Мамытова (коорд.)",
        "after": "&Conflicts (0)",
        "enabled": False,
    }
    assert conflicts.open_conflicts(post) == []
    here = cases.get_case(post, case.uuid, audit_view=False)
    assert here.person.full_name == "Айдай Мамытова (коорд.)"
    (audited,) = post.conn.execute(
        "SELECT officer, details FROM audit WHERE action = 'sync.conflict_resolve'"
    ).fetchall()
    assert audited[0] == post.officer.uuid and '"incoming"' in audited[1]


def test_the_case_view_shows_the_coordinators_review(qtbot, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = decided_case(post, Decision.NOT_VICTIM, name="Бермет Асанова")
    import_bundle(w.sup, export.export_cases(post, w.out))
    (item,) = [i for i in oversight.queue(w.sup) if i.case_uuid == case.uuid]
    oversight.resolve(w.sup, item, "Decision confirmed by phone.")
    before = CaseView(post, case.uuid)
    qtbot.addWidget(before)
    assert before.review_note.isVisibleTo(before)
    assert not before.findChild(QLabel, "case_reviewed").isVisibleTo(before)

    import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    view = CaseView(post, case.uuid)
    qtbot.addWidget(view)
    assert not view.review_note.isVisibleTo(view)  # the mark is cleared
    note = view.findChild(QLabel, "case_reviewed")
    assert note.isVisibleTo(view)
    assert "Reviewed by the coordinator on" in note.text()
    assert "Decision differs from the recommendation" in note.text()
    assert "confirmed by phone" not in note.text()  # the note stays with the coordinator
