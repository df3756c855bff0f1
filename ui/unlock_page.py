"""The unlock screen, in the KeePassXC manner: key derivation off the GUI thread, inputs
disabled meanwhile, errors inline, passphrase selected and refocused after a failure."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool.errors import IdtoolError, LockedOut
from idtool.i18n import _
from idtool.vault import Vault
from ui.fields import centred_column, error_label, failure_text, line_edit, show_error
from ui.tasks import run_task

if TYPE_CHECKING:
    from idtool.session import Session


def _unlock(vault: Vault, name: str, passphrase: str) -> Session:
    """Worker side: unlock (the key derivation is the slow part), then close the connection
    this thread opened; the GUI thread opens its own (`Session.attach`)."""
    session = vault.unlock(name, passphrase)
    session.detach()
    return session


class UnlockPage(QWidget):
    unlocked = Signal(object)

    def __init__(self, vault: Vault, parent: QWidget | None = None, hint: str = "") -> None:
        super().__init__(parent)
        self.vault = vault
        title = QLabel(_("Unlock"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.name = line_edit(_("Officer name"), object_name="unlock_name")
        self.passphrase = line_edit(_("Passphrase"), secret=True, object_name="unlock_pass")
        form = QFormLayout()
        form.addRow(_("Officer name:"), self.name)
        form.addRow(_("Passphrase:"), self.passphrase)
        self.error = error_label("unlock_error")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Unlocking"))
        self.busy.hide()
        self.button = QPushButton(_("Unlock"))
        self.button.setObjectName("unlock_button")
        self.button.setDefault(True)
        self.button.clicked.connect(self.attempt)
        self.forgot = QPushButton(_("&Forgotten passphrase…"))
        self.forgot.setObjectName("unlock_forgot")
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self.forgotten)
        self.name.returnPressed.connect(self.passphrase.setFocus)
        self.passphrase.returnPressed.connect(self.attempt)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        layout = QVBoxLayout(centred_column(self, 440))
        layout.addWidget(title)
        self._hint = hint
        self.hint_label = QLabel(hint)
        self.hint_label.setObjectName("unlock_hint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        layout.addWidget(self.hint_label)
        layout.addLayout(form)
        for w in (self.error, self.busy, self.button, self.forgot):
            layout.addWidget(w)
        layout.addStretch(1)
        self._tick()

    def typed(self) -> dict[str, str]:
        """The officer name typed (a language change keeps it; never the passphrase)."""
        return {"name": self.name.text()} if self.name.text() else {}

    def restore_typed(self, typed: dict[str, str]) -> None:
        self.name.setText(typed.get("name", ""))
        if self.name.text():
            self.passphrase.setFocus()

    def reset(self) -> None:
        """Empty every field (after a lock nothing typed before stays on screen)."""
        self.name.clear()
        self.passphrase.clear()
        show_error(self.error, "")
        self.hint_label.setText(self._hint)
        self.hint_label.setVisible(bool(self._hint))
        self._set_busy(False)
        self._tick()
        self.name.setFocus()

    def forgotten(self) -> None:
        """The recovery-code dialog; afterwards the officer unlocks with the new passphrase."""
        from ui.reset_dialog import ResetPassphraseDialog

        self.reset_dialog = ResetPassphraseDialog(self.vault, self.name.text().strip(), self)
        self.reset_dialog.finished.connect(self._after_reset)
        self.reset_dialog.open()

    def _after_reset(self) -> None:
        name = self.reset_dialog.reset_name
        self.reset_dialog.deleteLater()
        self._tick()
        if name:
            self.name.setText(name)
            self.passphrase.clear()
            show_error(self.error, "")
            self.hint_label.setText(_("A new passphrase is set. Unlock with it."))
            self.hint_label.show()
            self.passphrase.setFocus()

    def attempt(self) -> None:
        if not self.button.isEnabled():
            return
        name, pw = self.name.text(), self.passphrase.text()
        if not name.strip() or not pw:
            show_error(self.error, _("Enter your officer name and passphrase."))
            (self.name if not name.strip() else self.passphrase).setFocus()
            return
        show_error(self.error, "")
        self._set_busy(True)
        run_task(lambda _state: _unlock(self.vault, name, pw), self._done, self._failed, owner=self)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.name, self.passphrase, self.button, self.forgot):
            w.setEnabled(not busy)
        self.busy.setVisible(busy)

    def _done(self, session: Session) -> None:
        try:
            session.attach()  # the GUI thread's own connection
        except IdtoolError as exc:
            session.close()  # forgets the keys
            self._failed(exc)
            return
        self._set_busy(False)
        self.passphrase.clear()
        self.name.clear()
        self.unlocked.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error, failure_text(exc, _("The database could not be opened.")))
        if isinstance(exc, LockedOut):
            self._tick()
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _tick(self) -> None:
        """While throttled, keep the button disabled and say how long to wait."""
        try:
            wait = self.vault.throttle.seconds_to_wait() if self.vault.exists() else 0.0
        except IdtoolError:
            wait = 0.0  # an unreadable counter: the attempt itself then says what is wrong
        if wait > 0:
            self.button.setEnabled(False)
            self.button.setText(_("Unlock (wait {seconds} s)").format(seconds=math.ceil(wait)))
            if not self._countdown.isActive():
                self._countdown.start()
        else:
            self._countdown.stop()
            self.button.setText(_("Unlock"))
            self.button.setEnabled(not self.busy.isVisible())
