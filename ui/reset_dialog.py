"""A lost passphrase: with the recovery code written down at set-up, give an officer a new one
(the same as `idtool officer reset NAME`). The key derivation runs off the GUI thread; wrong
codes count towards the unlock throttle."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from idtool.credentials import validate_passphrase
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.vault import Vault
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.passphrase_hint import StrengthHint
from ui.tasks import run_task


class ResetPassphraseDialog(QDialog):
    """Officer name, recovery code, new passphrase twice; `reset_name` holds the officer's
    name once the new passphrase is set."""

    def __init__(self, vault: Vault, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.reset_name = ""
        self.setWindowTitle(_("Forgotten passphrase"))
        self.setMinimumWidth(520)
        intro = QLabel(
            _(
                "With the recovery code written down when this computer was set up, "
                "any officer can be given a new passphrase. Ask the person who keeps "
                "the code. The change is recorded in the audit log."
            )
        )
        intro.setWordWrap(True)
        self.name = line_edit(_("Officer name"), object_name="reset_name")
        self.name.setText(name)
        # Shown as typed: 32 characters typed blind, each mistake adding to the unlock wait,
        # help nobody; the code is read from paper in the same room anyway.
        self.code = line_edit(_("Recovery code"), object_name="reset_code")
        self.passphrase = line_edit(_("New passphrase"), secret=True, object_name="reset_pass")
        self.repeat = line_edit(
            _("Repeat the new passphrase"), secret=True, object_name="reset_repeat"
        )
        form = QFormLayout()
        form.addRow(_("Officer name:"), self.name)
        form.addRow(_("Recovery code:"), self.code)
        form.addRow(_("New passphrase:"), self.passphrase)
        form.addRow(
            "", StrengthHint(self.passphrase, name_edit=self.name, object_name="reset_strength")
        )
        form.addRow(_("Repeat the new passphrase:"), self.repeat)
        self.error = error_label("reset_error")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Setting the new passphrase"))
        self.busy.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(
            _("Set the &new passphrase"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok.setObjectName("reset_ok")
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        for w in (self.error, self.busy, self.buttons):
            layout.addWidget(w)
        (self.code if name else self.name).setFocus()

    def attempt(self) -> None:
        if not self.ok.isEnabled():
            return
        name, code = self.name.text().strip(), self.code.text().strip()
        new, repeat = self.passphrase.text(), self.repeat.text()
        for edit, missing in (
            (self.name, not name),
            (self.code, not code),
            (self.passphrase, not new),
        ):
            if missing:
                show_error(self.error, _("Fill in every field."))
                edit.setFocus()
                return
        if new != repeat:
            show_error(self.error, _("The two passphrases differ."))
            self.repeat.selectAll()
            self.repeat.setFocus()
            return
        try:
            validate_passphrase(new, name)
        except IdtoolError as exc:
            show_error(self.error, exc.message)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        show_error(self.error, "")
        self._set_busy(True)
        run_task(
            lambda _state: self.vault.reset_passphrase(code, name, new),
            lambda _none: self._done(name),
            self._failed,
            owner=self,
        )

    def _set_busy(self, busy: bool) -> None:
        for w in (self.name, self.code, self.passphrase, self.repeat, self.ok):
            w.setEnabled(not busy)
        self.busy.setVisible(busy)

    def _done(self, name: str) -> None:
        self._set_busy(False)
        for edit in (self.code, self.passphrase, self.repeat):
            edit.clear()
        self.reset_name = name
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error, failure_text(exc, _("The new passphrase could not be set.")))
        self.code.selectAll()
        self.code.setFocus()
