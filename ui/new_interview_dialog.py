"""Start another interview on an existing case: questionnaire and interview language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from idtool import interviews
from idtool.errors import IdtoolError
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from ui.fields import error_label, show_error

if TYPE_CHECKING:
    from idtool.session import Session


def questionnaire_combo(session: Session) -> QComboBox:
    """The questionnaires this officer's role may run, titled in the UI language."""
    combo = QComboBox()
    combo.setAccessibleName(_("Questionnaire"))
    for form in interviews.forms_for(session):
        combo.addItem(form.title.get(current_language(), form.default_language), form)
    return combo


def language_combo() -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(_("Interview language"))
    for code in LANGUAGES:
        combo.addItem(LANGUAGE_NAMES[code], code)
    combo.setCurrentIndex(LANGUAGES.index(current_language()))
    return combo


class NewInterviewDialog(QDialog):
    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.interview_uuid: str | None = None
        self.setWindowTitle(_("New interview"))
        self.form = questionnaire_combo(session)
        self.language = language_combo()
        layout = QFormLayout()
        layout.addRow(_("Questionnaire:"), self.form)
        layout.addRow(_("Interview language:"), self.language)
        self.error = error_label("new_interview_error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._start)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(layout)
        outer.addWidget(self.error)
        outer.addWidget(buttons)

    def _start(self) -> None:
        form = self.form.currentData()
        if form is None:
            show_error(self.error, _("Your role may not run any questionnaire."))
            return
        try:
            interview = interviews.start(
                self.session, self.case_uuid, form, self.language.currentData()
            )
        except IdtoolError as exc:
            show_error(self.error, exc.message)
            return
        self.interview_uuid = interview.uuid
        self.accept()
