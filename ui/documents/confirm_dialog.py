"""The four-eyes rule: a second officer who may issue confirms a certificate with their own
passphrase. The passphrase is checked by the core when the certificate is issued."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from idtool.i18n import _
from ui.fields import error_label, line_edit, show_error


class ConfirmIssueDialog(QDialog):
    """Asks for the confirming officer's name and passphrase; `confirmer` after accept."""

    def __init__(self, parent: QWidget | None = None, error: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Second officer's confirmation"))
        intro = QLabel(
            _(
                "The policy asks a second officer who may issue certificates to "
                "confirm this one. That officer types their own name and passphrase "
                "here; the confirmation is recorded in the audit log."
            )
        )
        intro.setWordWrap(True)
        self.name = line_edit(_("Confirming officer's name"), object_name="confirm_name")
        self.passphrase = line_edit(
            _("Confirming officer's passphrase"), secret=True, object_name="confirm_passphrase"
        )
        form = QFormLayout()
        name_label = QLabel(_("Officer &name:"))
        name_label.setBuddy(self.name)
        pass_label = QLabel(_("&Passphrase:"))
        pass_label.setBuddy(self.passphrase)
        form.addRow(name_label, self.name)
        form.addRow(pass_label, self.passphrase)
        self.error = error_label("confirm_error")
        show_error(self.error, error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(
            _("&Confirm and issue"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("confirm_ok")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.name.setFocus()

    def _accept(self) -> None:
        if not self.name.text().strip() or not self.passphrase.text():
            show_error(self.error, _("Enter the confirming officer's name and passphrase."))
            return
        self.accept()

    @property
    def confirmer(self) -> tuple[str, str]:
        return self.name.text().strip(), self.passphrase.text()

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self.passphrase.clear()
        super().done(result)
