"""Where a PDF goes: only where the officer chooses, with a warning that it is not encrypted.

The PDF is produced in memory by the core; `file_writer` writes it to the chosen path (complete
or not at all, no copy anywhere else). `ask_pdf_path` proposes a file name without personal
data (a certificate or case number).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from idtool.i18n import _


def not_encrypted_warning() -> str:
    return _(
        "The saved PDF is NOT encrypted: anyone who gets the file can read it. Save it "
        "only where it is safe and delete it when it is no longer needed."
    )


def _default_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def safe_file_name(stem: str) -> str:
    """`stem` (a certificate or case number) as a portable file name ending in .pdf."""
    kept = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return f"{kept or 'document'}.pdf"


def ask_pdf_path(parent: QWidget, title: str, stem: str) -> Path | None:
    """Ask where to save a PDF; None when the officer cancels."""
    caption = _("{title} - the file is NOT encrypted").format(title=title)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, caption, str(_default_folder() / safe_file_name(stem)), _("PDF documents (*.pdf)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def file_writer(path: Path) -> Callable[[bytes], None]:
    """A `save` callable for the core: writes the bytes to `path` and nowhere else."""
    from idtool.atomic import document_saver

    return document_saver(path)
