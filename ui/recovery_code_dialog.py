"""A new recovery code, shown once (after an officer is removed, or when a supervisor replaces
it): the old code opens nothing any more."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from idtool.i18n import _


def shown(code: str) -> str:
    """Two lines of four groups: fits the column and is easier to copy by hand."""
    groups = code.split("-")
    return "  ".join(groups[:4]) + "\n" + "  ".join(groups[4:])


def code_label(code: str = "") -> QLabel:
    """The recovery code in large monospace letters, selectable, announced by name."""
    label = QLabel(shown(code) if code else "")
    label.setObjectName("recovery_code")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    mono = QFont("monospace")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    mono.setPointSizeF(mono.pointSizeF() * 1.4)
    label.setFont(mono)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAccessibleName(_("Recovery code"))
    return label


class RecoveryCodeDialog(QDialog):
    """Closes only once the officer ticks that the code is written down."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New recovery code"))
        text = QLabel(
            _(
                "The recovery code was replaced: the old code no longer opens anything. "
                "Write the new one on paper now and keep it locked away. It is shown "
                "only this once."
            )
        )
        text.setWordWrap(True)
        self.code = code_label(code)
        self.confirm = QCheckBox(_("I have written the new recovery code down"))
        self.confirm.setObjectName("confirm_new_code")
        self.ok = QPushButton(_("Close"))
        self.ok.setObjectName("new_code_close")
        self.ok.setEnabled(False)
        self.confirm.toggled.connect(self.ok.setEnabled)
        self.ok.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        for w in (text, self.code, self.confirm, self.ok):
            layout.addWidget(w)
        self.confirm.setFocus()

    def reject(self) -> None:
        if self.confirm.isChecked():  # Escape closes only once the code is written down
            super().reject()
