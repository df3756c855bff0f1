"""Printing a document the core made (a certificate, a referral packet, a statistics report)
straight to a printer, beside saving it as a PDF.

The PDF stays in memory: pdfium (pypdfium2) draws each page into an image in memory and Qt
sends the images to the printer. No temporary file is written, so nothing of the person is left
behind on the disk (a print spooler is the operating system's, as for any printed page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QWidget

from idtool.errors import IdtoolError
from idtool.i18n import _
from ui.documents.saving import ask_pdf_path, file_writer

MAX_DPI = 300  # enough for text and the certificate's QR code; more only slows the printer


class PrintFailed(IdtoolError):
    """The printer refused or the document could not be drawn (never personal data)."""


def new_printer() -> QPrinter:
    """The printer the print dialog starts from (tests replace it with a PDF file printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)  # the PDF has its own margins
    return printer


def choose_printer(parent: QWidget, title: str) -> QPrinter | None:
    """Qt's print dialog; the printer chosen, or None when the officer cancels."""
    printer = new_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return printer


def page_images(data: bytes, dpi: int) -> list[QImage]:
    """Each page of the PDF `data` as an image at `dpi`, drawn in memory."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PrintFailed(_("The document could not be prepared for printing.")) from exc
    images = []
    try:
        for index in range(len(pdf)):
            picture = pdf[index].render(scale=dpi / 72).to_pil().convert("RGB")
            raw = picture.tobytes()
            image = QImage(
                raw, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888
            )
            images.append(image.copy())  # its own pixels: `raw` is freed after this
    finally:
        pdf.close()
    return images


def print_pdf(printer: QPrinter, data: bytes) -> int:
    """Print every page of the PDF `data`, each scaled to the paper; the pages printed."""
    dpi = min(max(printer.resolution(), 72), MAX_DPI)
    images = page_images(data, dpi)
    painter = QPainter()
    if not images or not painter.begin(printer):
        raise PrintFailed(_("The printer could not be started. Check that it is ready."))
    try:
        for number, image in enumerate(images):
            if number and not printer.newPage():
                raise PrintFailed(_("The printer stopped before the last page."))
            paper = printer.pageLayout().fullRectPixels(printer.resolution())
            size = QSize(image.width(), image.height())
            size.scale(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(paper.x(), paper.y(), size.width(), size.height())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(images)


def printer_writer(printer: QPrinter) -> Callable[[bytes], None]:
    """A `save` callable for the core that prints instead of writing a file. The core calls it
    inside the transaction that records the document, on the worker thread (Qt paints on a
    QPrinter from any thread), so a printer that refuses leaves nothing recorded."""

    def send(data: bytes) -> None:
        print_pdf(printer, data)

    return send


TO_FILE, TO_PRINTER = "file", "printer"


def output_choice(object_name: str) -> QComboBox:
    """Where a document goes: a PDF file or the printer."""
    box = QComboBox()
    box.setObjectName(object_name)
    box.setAccessibleName(_("Where the document goes"))
    box.addItem(_("PDF file"), TO_FILE)
    box.addItem(_("Printer"), TO_PRINTER)
    return box


@dataclass(frozen=True)
class Target:
    """Where the officer chose to send a document, and the core's `save` for it."""

    save: Callable[[bytes], None]
    path: Path | None  # None: the printer


def ask_target(
    parent: QWidget, output: str, file_title: str, stem: str, print_title: str
) -> Target | None:
    """Ask where the document goes (a file name or a printer); None when the officer cancels."""
    if output == TO_PRINTER:
        printer = choose_printer(parent, print_title)
        return None if printer is None else Target(printer_writer(printer), None)
    path = ask_pdf_path(parent, file_title, stem)
    return None if path is None else Target(file_writer(path), path)
