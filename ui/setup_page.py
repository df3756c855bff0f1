"""First run: create the database and the first supervisor, then show the recovery code once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from idtool import directory
from idtool.credentials import validate_name, validate_passphrase
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.session import Session
from idtool.vault import Vault
from ui.fields import centred_column, error_label, failure_text, line_edit, show_error
from ui.passphrase_hint import StrengthHint
from ui.recovery_code_dialog import code_label, shown
from ui.tasks import run_task


def _create(vault: Vault, name: str, passphrase: str, org: str) -> tuple[Session, str]:
    """Worker side: make the database, then close the connection this thread opened; the GUI
    thread opens its own (`Session.attach`)."""
    session, code = vault.create(name, "supervisor", passphrase, org)
    session.detach()
    return session, code


class SetupPage(QWidget):
    """Emits `finished(session)` once the code has been confirmed as written down."""

    finished = Signal(object)
    restore_requested = Signal()  # File > Restore… from this page's button

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self._session: Session | None = None
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_form())
        self.stack.addWidget(self._build_code_page())
        layout = QVBoxLayout(centred_column(self))
        layout.addWidget(self.stack)

    def _build_form(self) -> QWidget:
        page = QWidget()
        title = QLabel(_("Set up this computer"))
        title.setObjectName("title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            _(
                "Create the encrypted database for this post and its first supervisor. The "
                "supervisor can then add the other officers. Everything is kept encrypted on this "
                "computer."
            )
        )
        intro.setWordWrap(True)
        self.name = line_edit(_("Supervisor name"), object_name="setup_name")
        self.passphrase = line_edit(_("Passphrase"), secret=True, object_name="setup_pass")
        self.repeat = line_edit(_("Repeat the passphrase"), secret=True, object_name="setup_repeat")
        self.organisation = QComboBox()
        self.organisation.setObjectName("setup_organisation")
        self.organisation.setAccessibleName(_("Organisation of this computer"))
        self.organisation.addItem(_("(choose later)"), "")
        for org in sorted(directory.shipped().organisations, key=lambda o: o.title()):
            self.organisation.addItem(org.title(), org.id)
        self.organisation_note = QLabel()
        self.organisation_note.setObjectName("setup_organisation_note")
        self.organisation_note.setWordWrap(True)
        self.organisation.currentIndexChanged.connect(self._organisation_note)
        self._organisation_note()
        hint = StrengthHint(self.passphrase, name_edit=self.name, object_name="setup_strength")
        form = QFormLayout()
        form.addRow(_("Supervisor name:"), self.name)
        form.addRow(_("Passphrase:"), self.passphrase)
        form.addRow("", hint)  # under the passphrase it rates, as in the officer dialogs
        form.addRow(_("Repeat the passphrase:"), self.repeat)
        form.addRow(_("Organisation:"), self.organisation)
        form.addRow("", self.organisation_note)
        self.error = error_label("setup_error")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Creating the database"))
        self.busy.hide()
        self.create = QPushButton(_("Create database"))
        self.create.setObjectName("setup_create")
        self.create.setDefault(True)
        self.create.clicked.connect(self._create)
        for edit in (self.name, self.passphrase, self.repeat):
            edit.returnPressed.connect(self._create)
        self.restore = QPushButton(_("Restore from a backup…"))
        self.restore.setObjectName("setup_restore")
        self.restore.clicked.connect(self.restore_requested)
        layout = QVBoxLayout(page)
        for w in (title, intro):
            layout.addWidget(w)
        layout.addLayout(form)
        for w in (self.error, self.busy, self.create, self.restore):
            layout.addWidget(w)
        layout.addStretch(1)
        return page

    def typed(self) -> dict[str, object]:
        """What is on the page, kept over a language change: the fields typed, or the
        database just made with its recovery code (shown only this once)."""
        if self._session is not None:
            return {"session": self._session, "code": self.code.text()}
        return {
            "name": self.name.text(),
            "passphrase": self.passphrase.text(),
            "repeat": self.repeat.text(),
            "organisation": self.organisation.currentData(),
        }

    def restore_typed(self, typed: dict[str, object]) -> None:
        if typed.get("session") is not None:
            self._session = typed["session"]  # type: ignore[assignment]
            self.code.setText(str(typed.get("code", "")))
            self.stack.setCurrentIndex(1)
            self.confirm.setFocus()
            return
        self.name.setText(str(typed.get("name", "")))
        self.passphrase.setText(str(typed.get("passphrase", "")))
        self.repeat.setText(str(typed.get("repeat", "")))
        self.organisation.setCurrentIndex(
            max(0, self.organisation.findData(typed.get("organisation")))
        )

    def _organisation_note(self) -> None:
        self.organisation_note.setText(
            _("Printed on every certificate as the issuing organisation.")
            if self.organisation.currentData()
            else _(
                "Certificates cannot be issued until the organisation is chosen: a supervisor "
                "chooses it later in Settings > Organisation of this computer…"
            )
        )

    def _build_code_page(self) -> QWidget:
        page = QWidget()
        title = QLabel(_("Your recovery code"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            _(
                "Write this code on paper now and keep it locked away. It is shown only this "
                "once. With it, a lost passphrase can be replaced without losing any data."
            )
        )
        text.setWordWrap(True)
        self.code = code_label()
        self.confirm = QCheckBox(_("I have written the recovery code down"))
        self.confirm.setObjectName("confirm_code")
        self.cont = QPushButton(_("Continue"))
        self.cont.setObjectName("code_continue")
        self.cont.setEnabled(False)
        self.confirm.toggled.connect(self.cont.setEnabled)
        self.cont.clicked.connect(self._continue)
        layout = QVBoxLayout(page)
        for w in (title, text, self.code, self.confirm, self.cont):
            layout.addWidget(w)
        layout.addStretch(1)
        return page

    def _create(self) -> None:
        if not self.create.isEnabled():
            return
        name, pw = self.name.text(), self.passphrase.text()
        try:
            validate_name(name)
            validate_passphrase(pw, name)
        except IdtoolError as exc:
            show_error(self.error, exc.message)
            return
        if pw != self.repeat.text():
            show_error(self.error, _("The two passphrases differ."))
            self.repeat.selectAll()
            self.repeat.setFocus()
            return
        show_error(self.error, "")
        self._set_busy(True)
        org = str(self.organisation.currentData() or "")
        run_task(
            lambda _state: _create(self.vault, name, pw, org),
            self._created,
            self._failed,
            owner=self,
        )

    def _set_busy(self, busy: bool) -> None:
        for w in (
            self.name,
            self.passphrase,
            self.repeat,
            self.organisation,
            self.create,
            self.restore,
        ):
            w.setEnabled(not busy)
        self.busy.setVisible(busy)

    def _created(self, result: tuple[Session, str]) -> None:
        session, code = result
        try:
            session.attach()  # the GUI thread's own connection
        except IdtoolError as exc:
            session.close()  # forgets the keys
            self._failed(exc)
            return
        self._session = session
        self.passphrase.clear()
        self.repeat.clear()
        self.code.setText(shown(code))
        self.stack.setCurrentIndex(1)
        self.confirm.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error, failure_text(exc, _("The database could not be created.")))

    def keyPressEvent(self, event) -> None:
        """Enter continues once the code is confirmed, as in a dialog."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.stack.currentIndex() == 1 and self.cont.isEnabled():
            self._continue()
            return
        super().keyPressEvent(event)

    def _continue(self) -> None:
        self.code.clear()
        session, self._session = self._session, None
        self.finished.emit(session)
