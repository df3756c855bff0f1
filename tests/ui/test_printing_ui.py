"""Printing straight from the program (certificates, referral packets, statistics): Qt's print
dialog, accepted as an officer would, with a printer that writes PDF files so the pages that
reach the printer can be counted. The document is drawn from memory: no file appears besides
the printer's output."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel

from idtool import consent, referrals
from idtool.certificate import ledger
from idtool.consent import Purpose, State
from tests.support.cases import STRONG, assessed_case, person_case
from tests.ui.drive import click, in_dialog, show
from ui.cases.case_view import CaseView
from ui.documents import printing
from ui.documents.printing import TO_PRINTER
from ui.documents.referral_section import ReferralSection
from ui.stats.dialog import StatsDialog


@pytest.fixture
def printer_output(tmp_path, monkeypatch) -> Path:
    """The print dialog's printer writes a PDF file into an otherwise empty folder."""
    out = tmp_path / "printer"
    out.mkdir()
    target = out / "printed.pdf"

    def pdf_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(100)  # fast enough for a test, big enough to be a page
        return printer

    monkeypatch.setattr(printing, "new_printer", pdf_printer)
    return target


def accept_print_dialog() -> list[str]:
    """Accept Qt's print dialog when it opens; its title is recorded."""
    titles: list[str] = []

    def accept(dialog: QPrintDialog) -> None:
        titles.append(dialog.windowTitle())
        dialog.accept()

    in_dialog(QPrintDialog, accept)
    return titles


def printed_pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def test_a_certificate_is_issued_and_printed_without_a_file(qtbot, session, printer_output):
    case = person_case(session, decide=True)
    view = show(qtbot, CaseView(session, case.uuid, tab="decision"))
    section = view.certificate_section
    assert view.tab_name == "decision" and section.isVisible()
    section.output.setCurrentIndex(section.output.findData(TO_PRINTER))
    titles = accept_print_dialog()
    click(qtbot, section.issue_button)
    qtbot.waitUntil(
        lambda: bool(section.message.text()) or section.error.isVisible(), timeout=20_000
    )
    assert not section.error.isVisible(), section.error.text()
    cert = ledger.get(session, case.uuid)
    assert cert is not None and cert.prints == 1
    assert titles == ["Print the certificate"]
    assert "sent to the printer" in section.message.text()
    # The summary follows: the certificate is named at a glance.
    assert cert.number in [w.text() for w in view.overview.findChildren(QLabel)]
    assert printed_pages(printer_output) >= 1
    assert list(printer_output.parent.iterdir()) == [printer_output]  # nothing else written
    # A copy goes to the printer too, marked as the second print.
    printer_output.unlink()
    accept_print_dialog()
    click(qtbot, section.copy_button)
    qtbot.waitUntil(lambda: "Copy 2" in section.message.text(), timeout=20_000)
    assert printed_pages(printer_output) >= 1
    assert ledger.get(session, case.uuid).prints == 2


def test_a_printer_that_fails_records_no_certificate(qtbot, session, tmp_path, monkeypatch):
    def broken() -> QPrinter:
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "no such folder" / "x.pdf"))
        return printer

    monkeypatch.setattr(printing, "new_printer", broken)
    case = person_case(session, decide=True)
    section = show(qtbot, CaseView(session, case.uuid, tab="decision")).certificate_section
    section.output.setCurrentIndex(section.output.findData(TO_PRINTER))
    accept_print_dialog()
    click(qtbot, section.issue_button)
    qtbot.waitUntil(section.error.isVisible, timeout=20_000)
    assert "printer could not be started" in section.error.text()
    assert ledger.get(session, case.uuid) is None  # nothing recorded: it may be issued again
    assert section.issue_button.isEnabled()


def test_cancelling_the_print_dialog_does_nothing(qtbot, session, printer_output):
    case = person_case(session, decide=True)
    section = show(qtbot, CaseView(session, case.uuid, tab="decision")).certificate_section
    section.output.setCurrentIndex(section.output.findData(TO_PRINTER))
    in_dialog(QPrintDialog, lambda dialog: dialog.reject())
    click(qtbot, section.issue_button)
    assert ledger.get(session, case.uuid) is None and not printer_output.exists()


def test_a_referral_packet_is_printed(qtbot, session, printer_output):
    case = person_case(session, decide=True)
    consent.record(
        session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="crisis-centre-osh"
    )
    referrals.make(session, case.uuid, "crisis-centre-osh", services=("shelter",), urgency="urgent")
    section = show(qtbot, ReferralSection(session, case.uuid))
    section.table.selectRow(0)
    assert section.print_button.isEnabled()
    titles = accept_print_dialog()
    click(qtbot, section.print_button)
    qtbot.waitUntil(
        lambda: bool(section.message.text()) or section.error.isVisible(), timeout=20_000
    )
    assert not section.error.isVisible(), section.error.text()
    assert titles == ["Print the referral packet"]
    assert section.message.text() == "The packet was sent to the printer."
    assert printed_pages(printer_output) >= 2  # the packet has several pages
    assert list(printer_output.parent.iterdir()) == [printer_output]


def test_statistics_are_printed(qtbot, session, printer_output):
    for _i in range(6):
        assessed_case(session, STRONG, region="osh")
    dialog = StatsDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.published is not None and not dialog.busy, timeout=15_000)
    assert dialog.print_button.isEnabled()
    accept_print_dialog()
    click(qtbot, dialog.print_button)
    qtbot.waitUntil(lambda: "printer" in dialog.status.text() and not dialog.busy, timeout=20_000)
    assert printed_pages(printer_output) >= 1
    assert dialog.status.text() == f"Sent to the printer (pages: {printed_pages(printer_output)})."
