"""Revoking a certificate: the reason, asked and confirmed before the core records it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from idtool.certificate import issuance
from idtool.i18n import _
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error


class RevokeDialog(QDialog):
    """Revoke with a reason (required) and a confirmation."""

    def __init__(
        self, session: Session, case_uuid: str, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.number = number
        self.setWindowTitle(_("Revoke certificate"))
        intro = QLabel(
            _(
                "Revoking certificate {number} is recorded and cannot be undone: the "
                "certificate then verifies as revoked and is not reprinted."
            ).format(number=number)
        )
        intro.setWordWrap(True)
        caption = QLabel(_("&Reason (required):"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("revoke_reason")
        self.reason.setAccessibleName(_("Reason for revoking"))
        self.reason.setTabChangesFocus(True)
        caption.setBuddy(self.reason)
        self.error = error_label("revoke_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(
            _("Re&voke certificate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("revoke_ok")
        self.buttons.accepted.connect(self._revoke)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, caption, self.reason, self.error, self.buttons):
            layout.addWidget(w)
        self.reason.setFocus()

    def _revoke(self) -> None:
        reason = " ".join(self.reason.toPlainText().split())
        if not reason:
            show_error(self.error, _("Give the reason for revoking the certificate."))
            self.reason.setFocus()
            return
        answer = QMessageBox.question(
            self,
            _("Revoke certificate"),
            _("Revoke certificate {number}? This cannot be undone.").format(number=self.number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            issuance.revoke(self.session, self.case_uuid, reason)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The certificate could not be revoked.")))
            return
        self.accept()
