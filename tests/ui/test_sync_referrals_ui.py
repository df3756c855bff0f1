"""Referral packages from the case view to the organisation's device, through real widgets: written
to the stick and imported there, refused without consent with its reason, and no device of the
organisation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from idtool import consent, kdf, referrals
from idtool.bundle import Kind, read_unverified_header
from idtool.vault import Vault
from tests.support.cases import consent_to_referral, person_case
from tests.support.sync import CRISIS, make_world, two_orgs
from tests.ui.drive import answer_files, run_import
from ui.cases.list_model import CaseListModel
from ui.cases.list_page import CaseListPage
from ui.documents.referral_section import ReferralSection


def section_for(qtbot, session, case_uuid: str) -> ReferralSection:
    section = ReferralSection(session, case_uuid)
    qtbot.addWidget(section)
    section.show()
    section.table.selectRow(0)
    return section


def send(qtbot, section: ReferralSection) -> None:
    assert section.send_button.isEnabled()
    qtbot.mouseClick(section.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: bool(section.message.text()) or section.error.isVisible(), timeout=15_000
    )


def test_referral_sent_to_the_organisations_device_and_imported_there(
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    _w, sender, receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Жылдыз Осмонова")
    consent_to_referral(sender, case.uuid, CRISIS)
    referrals.make(sender, case.uuid, CRISIS, services=("shelter",), urgency="urgent")
    section = section_for(qtbot, sender, case.uuid)
    stick = tmp_path / "stick"
    stick.mkdir()
    answer_files(monkeypatch, folder=stick)
    send(qtbot, section)
    assert not section.error.isVisible(), section.error.text()
    [path] = stick.glob("*.idtb")
    assert read_unverified_header(path).kind is Kind.REFERRAL
    assert path.name in section.message.text()
    assert len(referrals.for_case(sender, case.uuid)) == 1  # the open referral was used

    # The receiving organisation imports it from the Exchange menu; its case list shows it.
    window = make_window(Vault(tmp_path / "other", kdf_params=kdf.FAST_PARAMS))
    window.start_unlocked(receiver)
    before = receiver.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    report = run_import(qtbot, receiver, window, [path], monkeypatch, window.refresh_workspace)
    number = receiver.conn.execute(
        "SELECT number FROM cases c JOIN referrals_received r ON r.case_uuid = c.uuid"
    ).fetchone()[0]
    assert receiver.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == before + 1
    assert str(number) in report.referral_text() and case.number in report.referral_text()
    page = window.page.current  # the case list, re-read after the import
    assert isinstance(page, CaseListPage)
    shown = [
        page.proxy.index(r, CaseListModel.COL_NUMBER).data() for r in range(page.proxy.rowCount())
    ]
    assert number in shown


def test_refusal_without_consent_shows_its_reason(qtbot, tmp_path: Path, monkeypatch) -> None:
    w, sender, _receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Нургүл Асанова")
    consent_to_referral(sender, case.uuid, CRISIS)
    referrals.make(sender, case.uuid, CRISIS, services=("shelter",), urgency="urgent")
    consent.record(
        sender, case.uuid, consent.Purpose.REFERRAL, consent.State.WITHDRAWN, recipient_id=CRISIS
    )
    asked: list[int] = []
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda *a, **k: asked.append(1) or str(w.out)),
    )
    section = section_for(qtbot, sender, case.uuid)
    send(qtbot, section)
    text = section.error.text()
    assert "has not consented" in text and "\n" not in text and "Traceback" not in text
    assert asked == [] and list(w.out.glob("referral*")) == []
    assert (
        sender.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'referral.bundle_refused'"
        ).fetchone()[0]
        == 1
    )


def test_no_device_of_the_organisation(qtbot, tmp_path: Path, monkeypatch) -> None:
    w = make_world(tmp_path, 1)
    sender = w.devs[0]
    case = person_case(sender, "Айпери Садырова")
    consent_to_referral(sender, case.uuid, CRISIS)
    referrals.make(sender, case.uuid, CRISIS, services=("shelter",), urgency="urgent")
    section = section_for(qtbot, sender, case.uuid)
    send(qtbot, section)
    assert "No device of" in section.error.text()
