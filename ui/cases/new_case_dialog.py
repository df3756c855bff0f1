"""Open a case for a person met by the officer and start the first interview on it.

The person may give no name: the case is then opened under a working name (the one typed, or
"Person N"), and the name is asked only when a certificate or a referral needs it.

Before a case is opened, the duplicate rule of the import (`person_matches`) looks for a person
already recorded with the same name (in any script) and date of birth, or the same document
number: the dialog lists their cases and offers to open one instead (`existing_case_uuid`), or
to open a new case anyway.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, dates, interviews, person_matches
from idtool.errors import IdtoolError, InvalidInput
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language
from idtool.regions import REGIONS, region_label
from idtool.session import Session
from ui.fields import error_label, line_edit, show_error

SEXES = (("", N_("Not stated")), *cases.SEX_LABELS.items())


def check_birth_date(text: str, today: date | None = None) -> str | None:
    """The core's objection to a typed date of birth, or None (an empty one is allowed)."""
    try:
        cases.check_birth_date(text, today)
    except InvalidInput as refused:
        return refused.message
    return None


class NewCaseDialog(QDialog):
    """After `exec()` is accepted, `case_uuid` and `interview_uuid` name what was created, or
    `existing_case_uuid` the case of the same person the officer chose to open instead."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid: str | None = None
        self.interview_uuid: str | None = None
        self.existing_case_uuid: str | None = None
        self._warned: tuple[str, str, str] | None = None  # the details the warning was for
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
        self.birth_date.setPlaceholderText(_("YYYY-MM-DD, optional"))
        self.birth_error = error_label("new_birth_error")
        self.document = line_edit(_("Document number"), object_name="new_document")
        self.document.setPlaceholderText(_("Optional"))
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
        form_layout.addRow(self._caption(_("Docu&ment number:"), self.document), self.document)
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
        layout.addWidget(self._build_matches())
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.birth_date.editingFinished.connect(self._check_birth_date)
        self.region.currentIndexChanged.connect(lambda _i: show_error(self.region_error, ""))
        if not self._forms:
            show_error(self.error, _("Your role may not run any questionnaire."))
            self.ok_button.setEnabled(False)
        self.full_name.setFocus()

    def _build_matches(self) -> QWidget:
        """The warning of a person already recorded: their cases, and a button to open one."""
        self.matches_box = QWidget(self)
        self.matches_box.setObjectName("new_case_matches_box")
        self.matches_note = QLabel(
            _(
                "A person with the same name and date of birth, or the same document number, "
                "is already recorded. Open their case instead of asking again, or open a new "
                "case anyway."
            )
        )
        self.matches_note.setWordWrap(True)
        self.matches = QListWidget()
        self.matches.setObjectName("new_case_matches")
        self.matches.setAccessibleName(_("Cases of the same person"))
        self.open_existing = QPushButton(_("Open the chosen case"))
        self.open_existing.setObjectName("new_case_open_existing")
        self.open_existing.clicked.connect(self._open_existing)
        self.matches.itemActivated.connect(lambda _item: self._open_existing())
        box = QVBoxLayout(self.matches_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.matches_note)
        box.addWidget(self.matches)
        box.addWidget(self.open_existing)
        self.matches_box.hide()
        return self.matches_box

    def _details(self) -> tuple[str, str, str]:
        return (
            self.full_name.text().strip(),
            self.birth_date.text().strip(),
            self.document.text().strip(),
        )

    def _warn_of_matches(self) -> bool:
        """Show the cases of a person the duplicate rule finds (once for the same details);
        True when the officer should look at them before a new case is opened."""
        details = self._details()
        if details == self._warned:
            return False
        name, birth, document = details
        found = person_matches.existing_cases(
            self.session, full_name=name, birth_date=birth, document_number=document
        )
        if not found:
            return False
        self._warned = details
        self.matches.clear()
        for match in found:
            born = dates.day_first(match.birth_date) if match.birth_date else ""
            text = " · ".join(t for t in (match.number, match.shown_name, born) if t)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, match.case_uuid)
            self.matches.addItem(item)
        self.matches.setCurrentRow(0)
        self.matches_box.show()
        self.ok_button.setText(_("Open a new case anyway"))
        self.matches.setFocus()
        return True

    def _open_existing(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            return
        self.existing_case_uuid = str(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

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
        if self.case_uuid is None and self._warn_of_matches():
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
                    document_number=self.document.text(),
                )
                self.case_uuid = case.uuid
            interview = interviews.start(
                self.session, self.case_uuid, form, str(self.language.currentData())
            )
        except IdtoolError as exc:
            show_error(self.error, str(exc))
            return
        self.interview_uuid = interview.uuid
        self.accept()
