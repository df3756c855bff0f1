"""The person's details: the working name, and the identity a certificate or a referral needs.

Opened from the case view's person box, or by a certificate or referral refused for a missing
detail (`need`): the dialog then says what is missing and puts the cursor in its field. The
core checks and stores the details (`cases.set_details`).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, identity
from idtool.i18n import _
from idtool.session import Session
from ui.cases.new_case_dialog import check_birth_date
from ui.fields import error_label, failure_text, line_edit, show_error


class PersonDialog(QDialog):
    """After `exec()` is accepted, `person` is the person as stored."""

    def __init__(
        self,
        session: Session,
        case_uuid: str,
        parent: QWidget | None = None,
        *,
        need: identity.Need | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        case = cases.get_case(session, case_uuid, audit_view=False)
        self.person: cases.Person = case.person
        self.setWindowTitle(_("The person's details"))
        self.setMinimumWidth(480)

        self.working_name = self._edit(_("Working name"), "person_working_name", "working_name")
        self.working_name.setPlaceholderText(
            _("How you call the person while the name is not known")
        )
        self.full_name = self._edit(_("Full name"), "person_full_name", "full_name")
        self.full_name.setPlaceholderText(_("As the person gives it, or as in a document"))
        self.birth_date = self._edit(_("Date of birth"), "person_birth_date", "birth_date")
        self.birth_date.setPlaceholderText(_("DD.MM.YYYY or YYYY-MM-DD"))
        self.birth_error = error_label("person_birth_error")
        self.document = self._edit(_("Document number"), "person_document", "document_number")
        self.fields = {
            "full_name": self.full_name,
            "birth_date": self.birth_date,
            "document_number": self.document,
        }

        self.needed = QLabel()
        self.needed.setObjectName("person_needed")
        self.needed.setWordWrap(True)
        self.needed.setStyleSheet("font-weight: bold;")
        missing: tuple[str, ...] = ()
        if need is not None:
            missing = identity.missing(self.person, need)
            self.needed.setText(identity.refusal(self.person, need))
        self.needed.setVisible(bool(missing))
        note = QLabel(
            _(
                "A working name is only for finding the case: it is never printed on a "
                "certificate or sent in a referral. Ask for the full name, date of birth and "
                "document only when a certificate or a referral needs them."
            )
        )
        note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self._caption(_("&Working name:"), self.working_name), self.working_name)
        form.addRow(self._caption(_("&Full name:"), self.full_name), self.full_name)
        form.addRow(self._caption(_("&Date of birth:"), self.birth_date), self.birth_date)
        form.addRow("", self.birth_error)
        form.addRow(self._caption(_("Document &number:"), self.document), self.document)
        self.error = error_label("person_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.ok_button = self.buttons.addButton(
            _("&Save the details"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("person_ok")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.needed, note):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.birth_date.editingFinished.connect(self._check_birth_date)
        first = self.fields[missing[0]] if missing else self.full_name
        first.setFocus()

    def _edit(self, name: str, object_name: str, column: str) -> QLineEdit:
        edit = line_edit(name, object_name=object_name)
        edit.setText(str(getattr(self.person, column)))
        return edit

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _check_birth_date(self) -> bool:
        problem = check_birth_date(self.birth_date.text())
        show_error(self.birth_error, problem or "")
        return problem is None

    def save(self) -> None:
        """Store the details; the dialog closes when they are stored."""
        show_error(self.error, "")
        if not self._check_birth_date():
            self.birth_date.setFocus()
            return
        try:
            self.person = cases.set_details(
                self.session,
                self.case_uuid,
                full_name=self.full_name.text(),
                birth_date=self.birth_date.text().strip(),
                document_number=self.document.text(),
                working_name=self.working_name.text(),
            )
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The details could not be saved.")))
            return
        self.accept()
