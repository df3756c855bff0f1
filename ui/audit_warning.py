"""The warning after an unlock that found the audit log damaged (idtool/audit_anchor.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from idtool.audit_anchor import warning_text
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session


def show_audit_warning(parent: QWidget, session: Session) -> QMessageBox | None:
    """A window-modal warning over the workspace, or None when the log was found intact.
    The caller keeps the box: it closes itself when the officer presses OK."""
    if not session.audit_findings:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Audit log damaged"),
        warning_text(session.audit_findings),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("audit_warning")
    box.open()
    return box
