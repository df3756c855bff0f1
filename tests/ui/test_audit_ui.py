"""Audit-log damage on screen: the warning after an unlock through the real unlock page, and a
device's fork in the supervisor's review queue and import report."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from idtool import cases, oversight
from idtool.i18n import set_language
from idtool.sync import export
from idtool.sync.importer import import_bundle
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.audit_attacks import (
    close_for_attack,
    exported,
    grow_chain,
    reopen,
    rewrite_from,
    tamper,
)
from tests.ui.drive import unlock, visible_texts
from ui.oversight_dialog import OversightDialog
from ui.sync.import_flow import ImportReportDialog, Outcome
from ui.workspace import Workspace


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "audit log of this computer is damaged"),
        ("ru", "журнал аудита"),
        ("ky", "аудит журналы"),
    ],
)
def test_unlock_warns_when_the_audit_log_was_cut(qtbot, make_window, made_vault, language, words):
    vault, _ = made_vault
    key, top = grow_chain(vault)
    tamper(vault, key, ("DELETE FROM audit WHERE seq > ?", (top - 2,)))
    set_language(language)
    window = make_window(vault, language=language)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    box = window.findChild(QMessageBox, "audit_warning")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert words in box.text().lower()
    assert str(top - 1) in box.text()
    assert any(words in t.lower() for t in visible_texts(window))
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    # Reported once: the next unlock shows no warning.
    window.lock()
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.audit_warning is None


def test_no_warning_after_an_ordinary_unlock(qtbot, make_window, made_vault):
    vault, _ = made_vault
    window = make_window(vault)
    unlock(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: isinstance(window.page, Workspace), timeout=10_000)
    assert window.findChild(QMessageBox, "audit_warning") is None


def test_a_device_fork_in_the_review_queue_and_the_import_report(qtbot, qtmodeltester, tmp_path):
    w, dev, top = exported(tmp_path)
    vault, key = close_for_attack(w)
    rewrite_from(vault, key, top - 3)
    dev = reopen(w)
    path = export.export_cases(dev, w.out)
    report = import_bundle(w.sup, path)
    assert report.audit_findings

    dialog = ImportReportDialog([Outcome(path, report)], True)
    qtbot.addWidget(dialog)
    dialog.show()
    label = dialog.findChild(QLabel, "audit_findings")
    assert label is not None and label.isVisible() and "review queue" in label.text()
    details = dialog.findChild(QLabel, "report_details").text()
    assert f"from entry {top - 3} on" in details

    opened: list[str] = []
    queue = OversightDialog(w.sup, opened.append)
    qtbot.addWidget(queue)
    queue.show()
    qtmodeltester.check(queue.model)
    rows = [
        r
        for r in range(queue.model.rowCount())
        if queue.model.item(r).kind == oversight.Kind.AUDIT_LOG
    ]
    assert rows
    texts = [queue.model.data(queue.model.index(r, queue.model.COL_DETAIL)) for r in rows]
    assert any(f"from entry {top - 3} on" in t and "post 0" in t for t in texts)
    queue.view.selectRow(rows[0])
    queue.open_selected()
    assert opened == [] and "concerns a device" in queue.error.text()
    for _ in rows:
        queue.view.selectRow(
            next(
                r
                for r in range(queue.model.rowCount())
                if queue.model.item(r).kind == oversight.Kind.AUDIT_LOG
            )
        )
        queue.resolve_selected("Asked the post")
    assert not any(
        queue.model.item(r).kind == oversight.Kind.AUDIT_LOG for r in range(queue.model.rowCount())
    )
    cases.open_case(dev, full_name="Жаңы Иш", region=next(iter(cases.REGIONS)))
    assert import_bundle(w.sup, export.export_cases(dev, w.out)).audit_findings == []
