"""One case: the person (a working name until the name is needed), interviews and their
addenda, assessments, decisions and the case's audit trail."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool import audit, case_assessments, cases, decisions, identity, interviews
from idtool.assessment import recommendation_label
from idtool.errors import IdtoolError
from idtool.i18n import LANGUAGE_NAMES, N_, _, current_language, gettext
from idtool.policy import Action
from idtool.questionnaire.model import Form
from idtool.questionnaire.registry import load_shipped
from idtool.regions import region_label
from idtool.session import Session
from ui.cases.addenda_box import addenda_box
from ui.cases.assessments_section import AssessmentsSection
from ui.cases.audit_labels import AUDIT_ACTIONS
from ui.cases.criminal_link_section import CriminalLinkSection
from ui.cases.erase_action import erase_button
from ui.cases.flags_note import flags_note
from ui.cases.list_model import local_time
from ui.cases.new_case_dialog import SEXES
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
from ui.documents.tables import refill
from ui.interview.amend_dialog import AmendDialog

STATE_LABELS = {"in_progress": N_("In progress"), "completed": N_("Completed")}


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

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
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
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.erase_button = erase_button(session, case_uuid, self.back.emit, top)
        top.addWidget(self.review_button)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addLayout(top)
        column.addWidget(heading(_("Case {number}").format(number=self.case.number)))
        self.status = QLabel(
            _("Status: {status}").format(status=cases.status_label(self.case.status))
        )
        self.status.setObjectName("case_status")
        column.addWidget(self.status)
        self.review_note = QLabel(
            _("Marked for supervisor review: the decision differs from the recommendation.")
        )
        self.review_note.setObjectName("case_review_note")
        self.review_note.setStyleSheet("font-weight: bold;")
        self.review_note.setVisible(self.case.review)
        column.addWidget(self.review_note)
        self.flags_note = flags_note(session, case_uuid)
        column.addWidget(self.flags_note)
        column.addWidget(reviewed_note(session, case_uuid))
        if self.case.demo:
            column.addWidget(QLabel(_("Demo case (fictional).")))
        self.person_box = self._person_box()
        column.addWidget(self.person_box)
        column.addWidget(self._interviews_box())
        column.addWidget(addenda_box(session, case_uuid, self._interviews, self.lang))
        self.assessments_section = AssessmentsSection(
            session, case_uuid, self.case.number, self._interview_form
        )
        self.assessments_section.changed.connect(self._assessments_changed)
        self.assessment_tree = self.assessments_section.tree
        column.addWidget(self.assessments_section)
        column.addWidget(self._decisions_box())
        column.addWidget(self._audit_box())
        self.consent_section = ConsentSection(session, case_uuid)
        self.certificate_section = CertificateSection(session, case_uuid)
        self.referral_section = ReferralSection(session, case_uuid)
        for section in (self.consent_section, self.certificate_section, self.referral_section):
            section.changed.connect(self._documents_changed)
            column.addWidget(section)
        self.criminal_link_section = CriminalLinkSection(session, case_uuid)
        column.addWidget(self.criminal_link_section)
        column.addStretch(1)
        self.column = column
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = page_container(content)
        layout.addWidget(self.scroll_area)
        self.setFocusProxy(self.back_button)

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
        self.column.replaceWidget(old, self.person_box)
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
        refill(self.audit_table, self._audit_rows(), max_rows=12)

    # -- decisions -----------------------------------------------------------------------------
    def _decisions_box(self) -> QWidget:
        box, layout = group(_("Decisions"), "case_decisions")
        superseded = {d.supersedes for d in self._decisions if d.supersedes}
        rows = []
        for d in reversed(self._decisions):  # newest first
            rows.append(
                [
                    local_time(d.decided_at),
                    decisions.decision_label(d.decision),
                    _("Superseded") if d.uuid in superseded else _("Current"),
                    _("Yes: against the recommendation") if d.against_recommendation else _("No"),
                    d.reason,
                    d.officer_name,
                    recommendation_label(d.recommendation, self.lang),
                ]
            )
        headers = [
            _("Decided"),
            _("Decision"),
            _("State"),
            _("Differs from recommendation"),
            _("Reason"),
            _("Officer"),
            _("Recommendation"),
        ]
        self.decisions_table = read_only_table(
            headers, rows, "case_decision_table", _("Decision history")
        )
        for r, d in enumerate(reversed(self._decisions)):
            if d.uuid in superseded:
                mark_row(self.decisions_table, r, italic=True, dim=True)
            else:
                mark_row(self.decisions_table, r, bold=True)
        fit_columns(self.decisions_table)
        if not self._decisions:
            layout.addWidget(QLabel(_("No decision yet.")))
        layout.addWidget(self.decisions_table)
        return box

    # -- audit trail ---------------------------------------------------------------------------
    def _audit_box(self) -> QWidget:
        box, layout = group(_("Audit trail"), "case_audit")
        self.audit_table = read_only_table(
            [_("Time"), _("Officer"), _("Action")],
            self._audit_rows(),
            "case_audit_table",
            _("Audit trail"),
            max_rows=12,
        )
        layout.addWidget(self.audit_table)
        return box

    def _audit_rows(self) -> list[list[str]]:
        return [
            [
                local_time(e.ts),
                e.officer or "—",
                gettext(AUDIT_ACTIONS[e.action]) if e.action in AUDIT_ACTIONS else e.action,
            ]
            for e in audit.trail(self.session, self.case_uuid)
        ]

    # -- consents, certificate, referrals ------------------------------------------------------
    def _documents_changed(self) -> None:
        """A section recorded something: the others, the status and the audit trail follow."""
        for section in (self.consent_section, self.certificate_section, self.referral_section):
            if section is not self.sender():
                section.refresh()
        self.case = cases.get_case(self.session, self.case_uuid, audit_view=False)
        self._refresh_person()
        self.status.setText(
            _("Status: {status}").format(status=cases.status_label(self.case.status))
        )
        refill(self.audit_table, self._audit_rows(), max_rows=12)
