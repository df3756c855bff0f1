"""Pieces the exchange dialogs share: the fingerprint shown large, files read with a cap, the
officer's line for a failure, and a progress dialog with Cancel around `run_task`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QPushButton, QWidget

from idtool.errors import BundleError, IdtoolError
from idtool.i18n import _
from ui.tasks import TaskState, run_task

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


def failure_text(exc: BaseException) -> str:
    """One line for the officer: the core's message, never a traceback."""
    if isinstance(exc, IdtoolError):
        return exc.message
    if isinstance(exc, OSError):
        return _("The file could not be read or written. Check the USB stick and try again.")
    return _("Something went wrong; nothing was changed.")


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


class ProgressRun:
    """Run `work(state)` off the GUI thread behind a modal progress dialog with Cancel.

    Cancel only asks the work to stop (`state.cancelled()`); the dialog stays until the core
    has stopped, so nothing half-done is left behind. `on_done` / `on_error` run on the GUI
    thread.
    """

    def __init__(
        self,
        parent: QWidget,
        label: str,
        work: Callable[[TaskState], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        self.dialog.setObjectName("exchange_progress")
        self.dialog.setWindowTitle(_("Exchange packages"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAccessibleName(label)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("exchange_cancel")
        self.dialog.setCancelButton(self.cancel_button)
        self.dialog.canceled.disconnect()  # Cancel must not hide the dialog before work stops
        self.dialog.canceled.connect(self._cancel)
        self._on_done, self._on_error = on_done, on_error
        self.finished = False
        self.task = run_task(work, self._done, self._error, self._progress)
        self.dialog.show()

    def _cancel(self) -> None:
        self.task.state.cancel()
        self.dialog.setLabelText(_("Stopping…"))
        self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            # Byte counts overflow a Qt int: show per mille.
            self.dialog.setMaximum(1000)
            self.dialog.setValue(min(1000, int(done * 1000 / total)))

    def _close(self) -> None:
        self.finished = True
        self.dialog.hide()
        self.dialog.deleteLater()

    def _done(self, result: Any) -> None:
        self._close()
        self._on_done(result)

    def _error(self, exc: BaseException) -> None:
        self._close()
        self._on_error(exc)
