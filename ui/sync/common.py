"""Pieces the exchange dialogs share: the fingerprint shown large, files read with a cap, and a
message box that does not block."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from idtool.errors import BundleError
from idtool.i18n import _

BUNDLE_FILTER = "*.idtb"
ENROLMENT_FILTER = "*.idte"
REQUEST_FILTER = "*.idtr"
MAX_SMALL_FILE = 64 * 1024  # enrolment files and requests are a few hundred bytes


def default_folder() -> str:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return found or str(Path.home())


def read_small_file(path: Path) -> bytes:
    """An enrolment file or request; anything larger than the cap is refused unread."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SMALL_FILE + 1)
    except OSError:
        raise BundleError(_("The file could not be read."), "unreadable") from None
    if len(data) > MAX_SMALL_FILE:
        raise BundleError(_("This file is too large to be an enrolment file."), "too_large")
    return data


def fingerprint_label(fingerprint: str, object_name: str) -> QLabel:
    """The fingerprint in large digits, two rows of three groups, easy to read aloud."""
    label = QLabel()
    label.setObjectName(object_name)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(26)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByKeyboard
        | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setAccessibleName(_("Fingerprint"))
    label.setStyleSheet("padding: 12px; border: 2px solid #555; border-radius: 6px;")
    show_fingerprint(label, fingerprint)
    return label


def show_fingerprint(label: QLabel, fingerprint: str) -> None:
    """Put `fingerprint` on a label made by `fingerprint_label`."""
    groups = fingerprint.split()
    label.setText("\n".join(" ".join(groups[i : i + 3]) for i in range(0, len(groups), 3)))
    # Screen readers read the groups one digit at a time, separated.
    label.setAccessibleDescription(", ".join(" ".join(g) for g in groups))


def fingerprint_text(label: QLabel) -> str:
    """The fingerprint as the core writes it (groups separated by single spaces)."""
    return " ".join(label.text().split())


def notify(
    parent: QWidget,
    title: str,
    text: str,
    *,
    warning: bool = False,
    object_name: str = "exchange_message",
) -> QMessageBox:
    """A message box opened without blocking (the caller keeps it), closed with Enter/Esc."""
    box = QMessageBox(
        QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
        title,
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName(object_name)
    box.setAccessibleName(title)
    box.open()
    return box
