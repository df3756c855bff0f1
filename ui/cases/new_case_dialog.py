"""Open a case for a person met by the officer and start the first interview on it.

The person may give no name: the case is then opened under a working name (the one typed, or
"Person N"), and the name is asked only when a certificate or a referral needs it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, interviews
from idtool.errors import IdtoolError, InvalidInput
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language
from idtool.regions import REGIONS, region_label
from idtool.session import Session
from ui.fields import error_label, line_edit, show_error

SEXES = (
    ("", N_("Not stated")),
    ("female", N_("Female")),
    ("male", N_("Male")),
    ("other", N_("Other")),
    ("declined", N_("Prefers not to answer")),
)


def check_birth_date(text: str, today: date | None = None) -> str | None:
    """The core's objection to a typed date of birth, or None (an empty one is allowed)."""
    try:
        cases.check_birth_date(text, today)
    except InvalidInput as refused:
        return refused.message
    return None


class NewCaseDialog(QDialog):
    """After `exec()` is accepted, `case_uuid` and `interview_uuid` name what was created."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid: str | None = None
        self.interview_uuid: str | None = None
        self.setWindowTitle(_("New case"))
        lang = current_language()

        self.full_name = line_edit(_("Full name"), object_name="new_full_name")
        self.full_name.setPlaceholderText(_("Leave empty if the person does not give it"))
        self.working_name = line_edit(_("Working name"), object_name="new_working_name")
        self.working_name.setPlaceholderText(
            _("Without a name: how you will call the person (optional)")
        )
        self.sex = QComboBox()
        self.sex.setObjectName("new_sex")
        self.sex.setAccessibleName(_("Sex"))
        for value, label in SEXES:
            self.sex.addItem(_(label), value)
        self.birth_date = line_edit(_("Date of birth"), object_name="new_birth_date")
        self.birth_date.setPlaceholderText(_("DD.MM.YYYY or YYYY-MM-DD, optional"))
        self.birth_error = error_label("new_birth_error")
        self.region = QComboBox()
        self.region.setObjectName("new_region")
        self.region.setAccessibleName(_("Region"))
        self.region.addItem(_("Choose the region…"), "")
        for code in sorted(REGIONS, key=lambda c: region_label(c, lang)):
            self.region.addItem(region_label(code, lang), code)
        self.region_error = error_label("new_region_error")
        self.form = QComboBox()
        self.form.setObjectName("new_form")
        self.form.setAccessibleName(_("Questionnaire"))
        self._forms = interviews.forms_for(session)
        for form in self._forms:
            self.form.addItem(form.title.get(lang, form.default_language), form.form_id)
        self.language = QComboBox()
        self.language.setObjectName("new_language")
        self.language.setAccessibleName(_("Interview language"))
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(LANGUAGES.index(lang))
        self.error = error_label("new_case_error")

        form_layout = QFormLayout()
        form_layout.addRow(self._caption(_("&Full name:"), self.full_name), self.full_name)
        form_layout.addRow(self._caption(_("&Working name:"), self.working_name), self.working_name)
        form_layout.addRow(self._caption(_("S&ex:"), self.sex), self.sex)
        form_layout.addRow(self._caption(_("&Date of birth:"), self.birth_date), self.birth_date)
        form_layout.addRow("", self.birth_error)
        form_layout.addRow(self._caption(_("&Region (required):"), self.region), self.region)
        form_layout.addRow("", self.region_error)
        form_layout.addRow(self._caption(_("&Questionnaire:"), self.form), self.form)
        form_layout.addRow(self._caption(_("Interview &language:"), self.language), self.language)
        note = QLabel(
            _(
                'Without a name the case is opened under a working name ("Person" and the '
                "case's number, if you type none); the name is asked only when a certificate "
                "or a referral needs it."
            )
            + " "
            + _(
                "The interview language is the one the questions are read to the person"
                " in; it can differ from the program's language."
            )
        )
        note.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Open case and start interview"))
        self.ok_button.setObjectName("new_case_ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form_layout)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.birth_date.editingFinished.connect(self._check_birth_date)
        self.region.currentIndexChanged.connect(lambda _i: show_error(self.region_error, ""))
        if not self._forms:
            show_error(self.error, _("Your role may not run any questionnaire."))
            self.ok_button.setEnabled(False)
        self.full_name.setFocus()

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _check_birth_date(self) -> bool:
        problem = check_birth_date(self.birth_date.text())
        show_error(self.birth_error, problem or "")
        return problem is None

    def _validate(self) -> bool:
        first_bad: QWidget | None = None
        if not self._check_birth_date():
            first_bad = self.birth_date
        if not self.region.currentData():
            show_error(self.region_error, _("Choose the region of the case."))
            first_bad = first_bad or self.region
        if first_bad is not None:
            first_bad.setFocus()
            return False
        return True

    def _create(self) -> None:
        show_error(self.error, "")
        if not self._validate():
            return
        form = self._forms[self.form.currentIndex()]
        try:
            if self.case_uuid is None:  # a retry after a failed start reuses the case
                case = cases.open_case(
                    self.session,
                    full_name=self.full_name.text(),
                    working_name=self.working_name.text(),
                    region=str(self.region.currentData()),
                    sex=str(self.sex.currentData()),
                    birth_date=self.birth_date.text().strip(),
                )
                self.case_uuid = case.uuid
            interview = interviews.start(
                self.session, case.uuid, form, str(self.language.currentData())
            )
        except IdtoolError as exc:
            show_error(self.error, str(exc))
            return
        self.interview_uuid = interview.uuid
        self.accept()
