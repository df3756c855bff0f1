"""The case's non-scoring flags in words, shown near the top of the case view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from idtool import case_flags
from idtool.i18n import _
from idtool.session import Session


def flags_text(flags: tuple[str, ...]) -> str:
    if not case_flags.has_non_punishment(flags):
        return ""
    return _(
        "Non-punishment: {what} for acts the person was made to commit. Check the "
        "non-punishment provision with a lawyer; legal aid is pre-selected when you make a "
        "referral. This never counts in the assessment."
    ).format(what=case_flags.describe(flags))


def flags_note(session: Session, case_uuid: str, parent: QWidget | None = None) -> QLabel:
    """A highlighted note naming the case's flags; hidden when it has none."""
    label = QLabel(flags_text(case_flags.for_case(session, case_uuid)), parent)
    label.setObjectName("case_flags")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("background: #ffe0b2; color: #000; padding: 6px; font-weight: bold;")
    label.setVisible(bool(label.text()))
    return label
