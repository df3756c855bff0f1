"""Exchange through real widgets: enrolment, export and import with the report, a refused
package, the review queues, the models, and the Exchange menu per role."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from idtool import cases, database, kdf
from idtool.sync import conflicts, devices, enrol, export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.sync import PASS, SUP, craft, device_records, make_world
from tests.ui.drive import answer_files, run_import
from ui.sync.common import fingerprint_text
from ui.sync.conflicts_dialog import ConflictsDialog
from ui.sync.enrol_dialogs import ApproveDialog, CreateEnrolmentDialog, JoinDialog
from ui.sync.queue_models import (
    DIFFERS_ROLE,
    ConflictListModel,
    DuplicateModel,
    FieldDiffModel,
    QuarantineModel,
)
from ui.sync.write_flows import ExportFlow


def click(qtbot, dialog: QDialog, name: str) -> None:
    from PySide6.QtWidgets import QPushButton

    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_enrolment_through_the_dialogs(qtbot, tmp_path: Path, monkeypatch) -> None:
    sup, _ = Vault(tmp_path / "sup", kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", PASS)
    dev, _ = Vault(tmp_path / "dev", kdf_params=kdf.FAST_PARAMS).create("Officer", "police", PASS)
    usb = tmp_path / "usb"
    usb.mkdir()
    # Supervisor: create the enrolment file; its fingerprint is shown.
    create = CreateEnrolmentDialog(sup)
    qtbot.addWidget(create)
    create.show()
    create.label_edit.setText("Bishkek office")
    answer_files(monkeypatch, save=usb / "enrolment")  # the suffix is added
    click(qtbot, create, "enrol_save")
    offer_file = usb / "enrolment.idte"
    expected = enrol.read_enrolment(offer_file.read_bytes()).fingerprint
    assert fingerprint_text(create.findChild(QLabel, "enrol_fingerprint")) == expected

    # Device: "They differ" cancels and trusts nothing.
    join = JoinDialog(dev)
    qtbot.addWidget(join)
    join.show()
    answer_files(monkeypatch, open_=offer_file)
    click(qtbot, join, "join_open")
    assert fingerprint_text(join.findChild(QLabel, "join_fingerprint")) == expected
    assert "Bishkek office" in join.supervisor_label.text()
    click(qtbot, join, "join_differ")
    assert join.result() == QDialog.DialogCode.Rejected
    assert devices.all_devices(dev.conn) == []

    # A file that is not an enrolment file: the reason, no fingerprint to compare.
    junk = usb / "junk.idte"
    junk.write_bytes(b"{}")
    join = JoinDialog(dev)
    qtbot.addWidget(join)
    join.show()
    answer_files(monkeypatch, open_=junk)
    click(qtbot, join, "join_open")
    assert join.error.text() == "This file is not a valid enrolment file."
    assert not join.compare.isVisible()

    # "They match": the supervisor is trusted and the request saved.
    answer_files(monkeypatch, open_=offer_file, save=usb / "request.idtr")
    click(qtbot, join, "join_open")
    join.label_edit.setText("Osh post")
    click(qtbot, join, "join_match")
    assert join.trusted and not join.error.isVisible()
    assert sup.device_id in devices.trusted(dev.conn, devices.DeviceRole.SUPERVISOR)
    request = (usb / "request.idtr").read_bytes()
    device_fp = enrol.read_request(request).fingerprint
    assert fingerprint_text(join.findChild(QLabel, "join_own_fingerprint")) == device_fp

    # Supervisor approves; the device imports its update package through the GUI.
    approve = ApproveDialog(sup)
    qtbot.addWidget(approve)
    approve.show()
    answer_files(monkeypatch, open_=usb / "request.idtr", folder=usb)
    click(qtbot, approve, "approve_open")
    assert fingerprint_text(approve.findChild(QLabel, "approve_fingerprint")) == device_fp
    click(qtbot, approve, "approve_match")
    assert approve.approved is not None and approve.approved.exists()
    assert dev.device_id in devices.trusted(sup.conn, devices.DeviceRole.DEVICE)
    report = run_import(qtbot, dev, join, [approve.approved], monkeypatch)
    assert report.counts()["imported"] > 0 and report.counts()["quarantined"] == 0
    sup.close()
    dev.close()


def test_export_and_import_with_report_and_refusal(qtbot, tmp_path: Path, monkeypatch) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    region = next(iter(cases.REGIONS))
    cases.open_case(dev, full_name="Бермет Мисалова", region=region)
    cases.open_case(dev, full_name="Нурлан Мисалов", region=region)
    expected = len(
        export.changed_records(
            dev.conn, export.last_out(dev.conn, dev.device_id, export.Kind.CASE)[2]
        )[0]
    )
    from PySide6.QtWidgets import QWidget

    host = QWidget()
    qtbot.addWidget(host)
    answer_files(monkeypatch, folder=w.out)
    flow = ExportFlow(dev, host)
    assert flow.start()
    qtbot.waitUntil(lambda: flow.result is not None or bool(flow.error), timeout=15_000)
    assert flow.result is not None and flow.result.parent == w.out
    assert flow.result.name in flow.message.text()
    # Nothing changed since: the officer is warned and may decline.
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(
            lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.No
        ),
    )
    assert not ExportFlow(dev, host).start()
    assert asked and "Nothing has changed" in asked[0]

    refreshed: list[int] = []
    report = run_import(qtbot, w.sup, host, [flow.result], monkeypatch, lambda: refreshed.append(1))
    assert report.counts() == {
        "imported": expected,
        "unchanged": 0,
        "conflicts": 0,
        "duplicates": 0,
        "quarantined": 0,
    }
    assert refreshed == [1]
    # The same package again: nothing changes, said in words.
    report = run_import(qtbot, w.sup, host, [flow.result], monkeypatch)
    assert report.findChild(QLabel, "already_imported") is not None

    # A tampered package: the one-line reason, nothing imported, no traceback.
    cases.open_case(dev, full_name="Айбек Тестов", region=region)
    second = export.export_cases(dev, w.out)
    data = bytearray(second.read_bytes())
    data[-50] ^= 0x01
    tampered = w.out / "tampered.idtb"
    tampered.write_bytes(bytes(data))
    before = w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    report = run_import(qtbot, w.sup, host, [tampered], monkeypatch)
    text = report.refused_text()
    assert text.startswith("Refused: ") and "\n" not in text and "Traceback" not in text
    with pytest.raises(Exception) as e:
        import_bundle(w.sup, tampered)
    assert e.value.message in text
    assert w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == before


def test_several_files_in_any_order(qtbot, tmp_path: Path, monkeypatch) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    region = next(iter(cases.REGIONS))
    cases.open_case(dev, full_name="Первый", region=region)
    first = export.export_cases(dev, w.out)
    cases.open_case(dev, full_name="Второй", region=region)
    second = export.export_cases(dev, w.out)
    report = run_import(qtbot, w.sup, None, [second, first], monkeypatch)
    assert report.counts(0)["imported"] > 0 and report.counts(1)["imported"] > 0
    assert w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 2


def test_conflict_and_duplicate_resolved_from_the_queues(qtbot, tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, other = w.devs
    region = next(iter(cases.REGIONS))
    case = cases.open_case(dev, full_name="Бермет Мисалова", region=region, birth_date="1999-04-01")
    cases.open_case(other, full_name="Bermet Misalova", region=region, birth_date="1999-04-01")
    import_bundle(w.sup, export.export_cases(dev, w.out))
    assert import_bundle(w.sup, export.export_cases(other, w.out)).duplicates == 1
    with database.transaction(w.sup.conn):
        cases.set_status(w.sup, case.uuid, cases.Status.NEEDS_INFORMATION)
    with database.transaction(dev.conn):
        cases.set_status(dev, case.uuid, cases.Status.CLOSED)
    assert import_bundle(w.sup, export.export_cases(dev, w.out)).conflicts == 1

    dialog = ConflictsDialog(w.sup)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs.tabText(0) == "&Conflicts (1)"
    rows = {dialog.diff.index(r, 0).data(): r for r in range(dialog.diff.rowCount())}
    status = rows["Status"]
    assert dialog.diff.index(status, 1).data() == "Needs more information"
    assert dialog.diff.index(status, 2).data() == "Closed"
    assert dialog.diff.index(status, 0).data(DIFFERS_ROLE) is True
    assert dialog.diff.index(rows["Record id"], 0).data(DIFFERS_ROLE) is False
    click(qtbot, dialog, "take_incoming")
    assert conflicts.open_conflicts(w.sup) == []
    assert (
        w.sup.conn.execute("SELECT status FROM cases WHERE uuid = ?", (case.uuid,)).fetchone()[0]
        == "closed"
    )
    assert dialog.tabs.tabText(0) == "&Conflicts (0)"
    assert not dialog.keep_local.isEnabled()

    dialog.tabs.setCurrentIndex(1)
    first = dialog.duplicates.index(0, 0).data()
    assert "Бермет Мисалова" in first or "Bermet Misalova" in first
    assert "same name and date of birth" in dialog.duplicates.index(0, 2).data()
    click(qtbot, dialog, "different_people")
    assert conflicts.open_duplicates(w.sup) == []
    assert w.sup.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 2  # not merged


def test_models_pass_the_model_tester(qtmodeltester, tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, other = w.devs
    region = next(iter(cases.REGIONS))
    case = cases.open_case(dev, full_name="Бермет Мисалова", region=region, birth_date="1999-04-01")
    cases.open_case(other, full_name="Bermet Misalova", region=region, birth_date="1999-04-01")
    import_bundle(w.sup, export.export_cases(dev, w.out))
    # The other post's package carries one bad record, set aside in quarantine.
    import_bundle(
        w.sup, craft(other, w.out, [{"table": "secrets", "row": {"x": 1}}, *device_records(other)])
    )
    with database.transaction(w.sup.conn):
        cases.set_status(w.sup, case.uuid, cases.Status.NEEDS_INFORMATION)
    with database.transaction(dev.conn):
        cases.set_status(dev, case.uuid, cases.Status.CLOSED)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    found = conflicts.open_conflicts(w.sup)
    dups = conflicts.open_duplicates(w.sup)
    assert found and dups
    summaries = conflicts.person_summaries(w.sup, {dups[0].person_a, dups[0].person_b})
    quarantine = conflicts.quarantined(w.sup)
    assert quarantine
    for model in (
        ConflictListModel(found),
        FieldDiffModel(found[0]),
        DuplicateModel(dups, summaries),
        QuarantineModel(quarantine),
        ConflictListModel([]),
        FieldDiffModel(None),
    ):
        qtmodeltester.check(model)


def test_quarantined_records_are_listed_with_reasons(qtbot, qtmodeltester, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    cases.open_case(dev, full_name="Тест", region=next(iter(cases.REGIONS)))
    records = device_records(dev)
    import_bundle(w.sup, craft(dev, w.out, [{"table": "secrets", "row": {"x": 1}}, *records]))
    dialog = ConflictsDialog(w.sup)
    qtbot.addWidget(dialog)
    assert dialog.quarantine.rowCount() == 1
    assert dialog.quarantine.index(0, QuarantineModel.COL_REASON).data() == "Unknown kind of record"
    qtmodeltester.check(dialog.quarantine)


def test_exchange_menu_follows_the_role(qtbot, make_window, tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    names = {
        "action_enrol_create",
        "action_enrol_approve",
        "action_enrol_join",
        "action_export",
        "action_import",
        "action_review",
    }
    from PySide6.QtGui import QAction

    def shown(session) -> set[str]:
        window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
        window.start_unlocked(session)
        return {a.objectName() for a in window.findChildren(QAction)} & names

    assert shown(w.sup) == {
        "action_enrol_create",
        "action_enrol_approve",
        "action_import",
        "action_review",
    }
    assert shown(w.devs[0]) == {"action_enrol_join", "action_export", "action_import"}


def test_cancel_in_the_progress_dialog_stops_the_export_and_leaves_no_file(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """Cancel is pressed while the package is being written: the real core stops, the dialog
    closes only then, the officer reads why, the USB folder holds nothing, and the next export
    still carries every change."""
    import time

    from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

    from ui.sync import write_flows

    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    cases.open_case(dev, full_name="Бермет Мисалова", region=next(iter(cases.REGIONS)))
    pending = len(
        export.changed_records(
            dev.conn, export.last_out(dev.conn, dev.device_id, export.Kind.CASE)[2]
        )[0]
    )
    real_export = write_flows.export.export_cases
    pressed: list[bool] = []

    def export_after_cancel(session, folder, progress, cancelled):
        deadline = time.monotonic() + 15
        while not cancelled() and time.monotonic() < deadline:  # hold until Cancel is pressed
            time.sleep(0.01)
        pressed.append(cancelled())
        return real_export(session, folder, progress, cancelled)

    monkeypatch.setattr(write_flows.export, "export_cases", export_after_cancel)
    host = QWidget()
    qtbot.addWidget(host)
    answer_files(monkeypatch, folder=w.out)
    flow = ExportFlow(dev, host)
    assert flow.start()
    dialog = flow.run.dialog
    assert isinstance(dialog, QProgressDialog) and dialog.isVisible()
    cancel = dialog.findChild(QPushButton, "exchange_cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not cancel.isEnabled() and dialog.labelText() == "Stopping…"
    qtbot.waitUntil(lambda: bool(flow.error), timeout=15_000)
    assert pressed == [True]
    assert flow.result is None and "cancelled" in flow.error
    assert flow.message is not None and flow.error in flow.message.text()
    assert list(w.out.iterdir()) == []  # no package, no hidden temporary file

    monkeypatch.setattr(write_flows.export, "export_cases", real_export)
    bundle = export.export_cases(dev, w.out)
    assert import_bundle(w.sup, bundle).imported == pending
