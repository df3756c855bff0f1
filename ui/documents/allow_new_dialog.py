"""The coordinator allows a new certificate for a person who had one: a reason (required), what
it does, and a confirmation. The rule and the record are the core's (`certificate.reissue`)."""

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

from idtool.certificate import reissue
from idtool.i18n import _
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error


class AllowNewDialog(QDialog):
    """Allow a new certificate after `numbers` (the certificates standing in its way)."""

    def __init__(
        self,
        session: Session,
        case_uuid: str,
        numbers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.numbers = ", ".join(numbers)
        self.allowed: list[reissue.Allowance] = []
        self.setWindowTitle(_("Allow a new certificate"))
        intro = QLabel(
            _(
                "A person gets one certificate. After a revocation, or when the person was "
                "trafficked again, you may allow a new one with a new number after "
                "{numbers}. It is recorded and cannot be undone; the next update package "
                "brings it to the devices, so the post that issued {numbers} can issue the "
                "new one. A certificate still valid is revoked when the new one is issued: "
                "one valid certificate per person at a time."
            ).format(numbers=self.numbers)
        )
        intro.setWordWrap(True)
        caption = QLabel(_("&Reason (required, no names):"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("allow_new_reason")
        self.reason.setAccessibleName(_("Reason for allowing a new certificate"))
        self.reason.setTabChangesFocus(True)
        caption.setBuddy(self.reason)
        self.error = error_label("allow_new_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(
            _("Allo&w a new certificate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("allow_new_ok")
        self.buttons.accepted.connect(self._allow)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, caption, self.reason, self.error, self.buttons):
            layout.addWidget(w)
        self.reason.setFocus()

    def _allow(self) -> None:
        reason = " ".join(self.reason.toPlainText().split())
        if not reason:
            show_error(self.error, _("Give the reason for allowing a new certificate."))
            self.reason.setFocus()
            return
        answer = QMessageBox.question(
            self,
            _("Allow a new certificate"),
            _("Allow a new certificate after {numbers}? This cannot be undone.").format(
                numbers=self.numbers
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.allowed = reissue.allow(self.session, self.case_uuid, reason)
        except Exception as exc:  # the core's message, never a traceback
            show_error(
                self.error, failure_text(exc, _("The new certificate could not be allowed."))
            )
            return
        self.accept()
