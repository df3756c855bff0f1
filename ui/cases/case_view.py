"""One case, in tabs: the summary (the person: a working name until the name is needed), the
interviews and their addenda, the decision and the certificate (assessments, the decision
history, the certificate), consent and referrals, and the history (the audit trail).

The row of actions above the tabs (`actions`) takes further buttons with `add_action`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from idtool import case_assessments, case_list, cases, decisions, identity, interviews
from idtool.errors import IdtoolError
from idtool.i18n import LANGUAGE_NAMES, N_, _, current_language, gettext
from idtool.policy import Action
from idtool.questionnaire.model import Form
from idtool.questionnaire.registry import load_shipped
from idtool.regions import region_label
from idtool.session import Session
from ui.cases.addenda_box import addenda_box
from ui.cases.assessments_section import AssessmentsSection
from ui.cases.criminal_link_section import CriminalLinkSection
from ui.cases.erase_action import erase_button
from ui.cases.flags_note import flags_note
from ui.cases.history_section import AuditBox, decisions_box
from ui.cases.list_model import local_time
from ui.cases.new_case_dialog import SEXES
from ui.cases.overview_box import overview_box
from ui.cases.person_dialog import PersonDialog
from ui.cases.reviewed_note import reviewed_note
from ui.cases.widgets import (
    choice_text,
    fit_columns,
    form_title,
    group,
    heading,
    mark_row,
    page_container,
    read_only_table,
)
from ui.documents.certificate_section import CertificateSection
from ui.documents.consent_section import ConsentSection
from ui.documents.referral_section import ReferralSection
from ui.interview.amend_dialog import AmendDialog

STATE_LABELS = {"in_progress": N_("In progress"), "completed": N_("Completed")}
# The tabs by name, in order; the names are what `show_tab` and the help (F1) go by.
TABS = ("summary", "interviews", "decision", "consent", "history")


def _form(session: Session, form_id: str, version: str | None = None) -> Form | None:
    try:
        return load_shipped(form_id, version, installed=session.installed_forms)
    except IdtoolError:
        return None


class CaseView(QWidget):
    resume_interview = Signal(str)  # interview uuid
    new_interview = Signal(str)  # case uuid
    review = Signal(str)  # case uuid
    back = Signal()

    def __init__(
        self,
        session: Session,
        case_uuid: str,
        parent: QWidget | None = None,
        *,
        tab: str = TABS[0],
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.lang = current_language()
        self.case = cases.get_case(session, case_uuid)  # audited as a view of the case
        self._interviews = interviews.for_case(session, case_uuid)
        self._assessments = case_assessments.for_case(session, case_uuid)
        self._decisions = decisions.history(session, case_uuid)

        self.back_button = QPushButton(_("&Back to cases"))
        self.back_button.setObjectName("case_back")
        self.back_button.clicked.connect(self.back)
        self.review_button = QPushButton(_("&Review and decision…"))
        self.review_button.setObjectName("case_review")
        self.review_button.setEnabled(bool(self._assessments))
        self.review_button.setToolTip(
            _("Answers, recommendation and the officer's decision")
            if self._assessments
            else _("Complete an interview before deciding.")
        )
        self.review_button.clicked.connect(lambda: self.review.emit(self.case_uuid))
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.back_button)
        self.actions.addStretch(1)
        self.erase_button = erase_button(session, case_uuid, self.back.emit, self.actions)
        self.actions.addWidget(self.review_button)

        header = QVBoxLayout()
        header.addLayout(self.actions)
        header.addWidget(heading(_("Case {number}").format(number=self.case.number)))
        self.status = QLabel(self._status_text())
        self.status.setObjectName("case_status")
        header.addWidget(self.status)
        self.review_note = QLabel(
            _("Marked for supervisor review: the decision differs from the recommendation.")
        )
        self.review_note.setObjectName("case_review_note")
        self.review_note.setStyleSheet("font-weight: bold;")
        self.review_note.setVisible(self.case.review)
        header.addWidget(self.review_note)
        self.flags_note = flags_note(session, case_uuid)
        header.addWidget(self.flags_note)
        header.addWidget(reviewed_note(session, case_uuid))
        if self.case.demo:
            header.addWidget(QLabel(_("Demo case (fictional).")))

        self.person_box = self._person_box()
        self.overview = overview_box(session, case_uuid, self.lang)
        self.assessments_section = AssessmentsSection(
            session, case_uuid, self.case.number, self._interview_form
        )
        self.assessments_section.changed.connect(self._assessments_changed)
        self.assessment_tree = self.assessments_section.tree
        decisions_group, self.decisions_table = decisions_box(self._decisions, self.lang)
        self.audit_box = AuditBox(session, case_uuid)
        self.audit_table = self.audit_box.table
        self.consent_section = ConsentSection(session, case_uuid)
        self.certificate_section = CertificateSection(session, case_uuid)
        self.referral_section = ReferralSection(session, case_uuid)
        for section in (self.consent_section, self.certificate_section, self.referral_section):
            section.changed.connect(self._documents_changed)
        self.criminal_link_section = CriminalLinkSection(session, case_uuid)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("case_tabs")
        self.tabs.setDocumentMode(True)
        pages = (
            (_("Summary"), [self.overview, self.person_box]),
            (
                _("Interviews"),
                [
                    self._interviews_box(),
                    addenda_box(session, case_uuid, self._interviews, self.lang),
                ],
            ),
            (
                _("Decision and certificate"),
                [self.assessments_section, decisions_group, self.certificate_section],
            ),
            (
                _("Consent and referrals"),
                [self.consent_section, self.referral_section, self.criminal_link_section],
            ),
            (_("History"), [self.audit_box]),
        )
        self._columns: list[QVBoxLayout] = []
        for (title, widgets), name in zip(pages, TABS, strict=True):
            content = QWidget()
            column = QVBoxLayout(content)
            for widget in widgets:
                column.addWidget(widget)
            column.addStretch(1)
            area = page_container(content)
            area.setObjectName(f"case_tab_{name}")
            self.tabs.addTab(area, title)
            self._columns.append(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self.show_tab(tab)
        self.setFocusProxy(self.back_button)

    # -- tabs ------------------------------------------------------------------------------------
    def add_action(self, button: QPushButton) -> None:
        """Another action of the case, in the row above the tabs (before Review and decision);
        shown unless it was hidden on purpose."""
        hidden = button.isHidden() and button.testAttribute(
            Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        )
        self.actions.insertWidget(self.actions.count() - 1, button)
        button.setVisible(not hidden)

    @property
    def tab_name(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def show_tab(self, name: str) -> None:
        """Show the tab called `name` (the first, for a name no tab has)."""
        self.tabs.setCurrentIndex(TABS.index(name) if name in TABS else 0)

    @property
    def scroll_area(self) -> QScrollArea:
        """The scroll area of the tab on show."""
        area = self.tabs.currentWidget()
        assert isinstance(area, QScrollArea)
        return area

    def reveal(self, widget: QWidget) -> None:
        """Show the tab that holds `widget` and scroll it into view."""
        for index in range(self.tabs.count()):
            area = self.tabs.widget(index)
            if isinstance(area, QScrollArea) and area.widget().isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
                area.ensureWidgetVisible(widget)
                return

    def _status_text(self) -> str:
        shown = case_list.status_text(self.case.status, assessed=bool(self._assessments))
        return _("Status: {status}").format(status=shown)

    # -- person --------------------------------------------------------------------------------
    def _person_box(self) -> QWidget:
        box, layout = group(_("Person"), "case_person")
        person = self.case.person
        form = _form(self.session, "nrm-identification")
        sexes = dict(SEXES)
        rows = (
            (_("Full name:"), person.full_name or _("Not given")),
            (_("Working name:"), self._working_name()),
            (_("Other names:"), person.other_names),
            (_("Sex:"), _(sexes[person.sex]) if person.sex in sexes else person.sex),
            (_("Date of birth:"), person.birth_date),
            (_("Citizenship:"), choice_text(form, "citizenship", person.citizenship, self.lang)),
            (_("Document number:"), person.document_number),
            (_("Region:"), region_label(self.case.region)),
            (_("Opened:"), local_time(self.case.opened_at)),
        )
        summary = QFormLayout()
        for caption, value in rows:
            if value is None:
                continue
            label = QLabel(value or "—")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            summary.addRow(caption, label)
        layout.addLayout(summary)
        self.details_button = QPushButton(_("Person's de&tails…"))
        self.details_button.setObjectName("case_person_details")
        self.details_button.setToolTip(
            _("The working name, and the full name, date of birth and document number")
        )
        self.details_button.setEnabled(self.session.can(Action.SCREENING_INTERVIEW))
        self.details_button.clicked.connect(lambda: self.edit_person())
        row = QHBoxLayout()
        row.addWidget(self.details_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _working_name(self) -> str | None:
        """The working name marked as such; None (no row) for a named person without one."""
        person = self.case.person
        if person.full_name and not person.working_name:
            return None
        return _("{name} (working name)").format(
            name=identity.working_name(person, self.case.number, self.lang)
        )

    def edit_person(self, need: identity.Need | None = None) -> bool:
        """The person's details dialog; True when details were saved (the view follows)."""
        dialog = PersonDialog(self.session, self.case_uuid, self, need=need)
        if not dialog.exec():
            return False
        self._documents_changed()
        return True

    def _refresh_person(self) -> None:
        old, self.person_box = self.person_box, self._person_box()
        self._columns[0].replaceWidget(old, self.person_box)
        old.deleteLater()
        old, self.overview = self.overview, overview_box(self.session, self.case_uuid, self.lang)
        self._columns[0].replaceWidget(old, self.overview)
        old.deleteLater()

    # -- interviews ----------------------------------------------------------------------------
    def _interviews_box(self) -> QWidget:
        box, layout = group(_("Interviews"), "case_interviews")
        rows = []
        for i in self._interviews:
            form = _form(self.session, i.form_id, i.form_version)
            rows.append(
                [
                    form_title(form, i.form_id, self.lang),
                    _("{form} version {version}").format(form=i.form_id, version=i.form_version),
                    LANGUAGE_NAMES.get(i.language, i.language),
                    gettext(STATE_LABELS.get(i.state, i.state)),
                    local_time(i.started_at),
                    local_time(i.completed_at),
                ]
            )
        headers = [
            _("Questionnaire"),
            _("Form and version"),
            _("Language"),
            _("State"),
            _("Started"),
            _("Completed"),
        ]
        self.interviews_table = read_only_table(
            headers, rows, "case_interview_table", _("Interviews")
        )
        for r, i in enumerate(self._interviews):
            if i.in_progress:
                mark_row(self.interviews_table, r, bold=True)
        fit_columns(self.interviews_table)
        self.interviews_table.itemSelectionChanged.connect(self._selection_changed)
        self.interviews_table.activated.connect(lambda _index: self._resume())
        self.resume_button = QPushButton(_("Re&sume interview"))
        self.resume_button.setObjectName("case_resume")
        self.resume_button.clicked.connect(self._resume)
        self.new_interview_button = QPushButton(_("&New interview…"))
        self.new_interview_button.setObjectName("case_new_interview")
        self.new_interview_button.setEnabled(bool(interviews.forms_for(self.session)))
        self.new_interview_button.clicked.connect(lambda: self.new_interview.emit(self.case_uuid))
        self.amend_button = QPushButton(_("A&mend…"))
        self.amend_button.setObjectName("case_amend")
        self.amend_button.setToolTip(
            _("Correct answers of the selected completed interview with an addendum")
        )
        self.amend_button.clicked.connect(self._amend)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.new_interview_button)
        buttons.addWidget(self.amend_button)
        buttons.addStretch(1)
        if not self._interviews:
            layout.addWidget(QLabel(_("No interview yet.")))
        layout.addWidget(self.interviews_table)
        layout.addLayout(buttons)
        open_rows = [r for r, i in enumerate(self._interviews) if i.in_progress]
        if open_rows:
            self.interviews_table.selectRow(open_rows[-1])
        self._selection_changed()
        return box

    def _selected_interview(self) -> interviews.Interview | None:
        rows = self.interviews_table.selectionModel().selectedRows()
        return self._interviews[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self._selected_interview()
        self.resume_button.setEnabled(chosen is not None and chosen.in_progress)
        form = None if chosen is None else _form(self.session, chosen.form_id, chosen.form_version)
        self.amend_button.setEnabled(
            chosen is not None
            and not chosen.in_progress
            and form is not None
            and self.session.can(interviews.action_for(form))
        )

    def _amend(self) -> None:
        """An addendum to the selected completed interview; then the review of the case, with
        the new assessment."""
        chosen = self._selected_interview()
        if chosen is None or chosen.in_progress:
            return
        if AmendDialog(self.session, chosen.uuid, self).exec():
            self.review.emit(self.case_uuid)

    def _resume(self) -> None:
        chosen = self._selected_interview()
        if chosen is not None and chosen.in_progress:
            self.resume_interview.emit(chosen.uuid)

    def _interview_form(self, interview_uuid: str) -> Form | None:
        """The form of one of the case's interviews (its questions name what is missing)."""
        for i in self._interviews:
            if i.uuid == interview_uuid:
                return _form(self.session, i.form_id, i.form_version)
        return None

    def _assessments_changed(self) -> None:
        """A supervisor re-assessed the case: the review and the audit trail follow."""
        self._assessments = self.assessments_section.assessments
        self.review_button.setEnabled(bool(self._assessments))
        self._documents_changed()

    # -- consents, certificate, referrals ------------------------------------------------------
    def _documents_changed(self) -> None:
        """A section recorded something: the others, the status and the audit trail follow."""
        for section in (self.consent_section, self.certificate_section, self.referral_section):
            if section is not self.sender():
                section.refresh()
        self.case = cases.get_case(self.session, self.case_uuid, audit_view=False)
        self._refresh_person()
        self.status.setText(self._status_text())
        self.audit_box.refresh()
