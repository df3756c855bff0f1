"""Review and decision: every relevant answer, the recommendation with its reasons, and the
officer's decision (a reason is required when it departs from the recommendation)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from idtool import case_assessments, cases, decisions, interviews
from idtool.assessment import recommendation_label
from idtool.decisions import MATCHING_DECISION, Decision, decision_label
from idtool.errors import IdtoolError
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from idtool.policy import Action, role_label
from idtool.questionnaire.answer_text import answer_text
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.model import Kind
from idtool.session import Session
from ui.cases.assessments_section import version_text
from ui.cases.list_model import local_time
from ui.cases.widgets import form_title, group, heading, page_container
from ui.fields import error_label, show_error


def answers_html(flow: Flow) -> str:
    """The relevant answers by section, as a rich-text table."""
    effective = flow.effective_answers()
    lang, default = flow.lang, flow.form.default_language
    parts = []
    for section in flow.sections():
        shown = [
            q
            for q in flow.questions(section.name)
            if q.kind is not Kind.NOTE and q.name in effective
        ]
        if not shown:
            continue
        parts.append(f"<h3>{html.escape(section.label.get(lang, default) or section.name)}</h3>")
        parts.append('<table cellspacing="4" width="100%">')
        for q in shown:
            label = html.escape(q.label.get(lang, default) or q.name)
            value = html.escape(answer_text(flow.form, q.name, effective[q.name], lang))
            value = value.replace("\n", "<br>")  # a repeat: one entry per line
            parts.append(
                f'<tr><td width="50%" valign="top">{label}</td>'
                f'<td valign="top"><b>{value}</b></td></tr>'
            )
        parts.append("</table>")
    return "".join(parts)


class DecisionPage(QWidget):
    decided = Signal(str)  # case uuid
    back = Signal()

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_uuid = case_uuid
        self.case = cases.get_case(session, case_uuid)  # the answers are shown: audited
        self.assessment = case_assessments.latest(session, case_uuid)
        self.back_button = QPushButton(_("&Back to the case"))
        self.back_button.setObjectName("review_back")
        self.back_button.clicked.connect(self.back)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.language = QComboBox()
        self.language.setObjectName("review_language")
        self.language.setAccessibleName(_("Language of the answers and reasons"))
        self.language_label = QLabel(_("Review &language:"))
        self.language_label.setBuddy(self.language)
        top.addWidget(self.language_label)
        top.addWidget(self.language)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addLayout(top)
        column.addWidget(
            heading(_("Review and decision: case {number}").format(number=self.case.number))
        )
        self.save_button: QPushButton | None = None
        self.radios: dict[Decision, QRadioButton] = {}
        if self.assessment is None:
            note = QLabel(_("No completed interview yet: complete an interview before the review."))
            note.setObjectName("review_no_assessment")
            note.setWordWrap(True)
            column.addWidget(note)
        else:
            interview = interviews.get(session, self.assessment.interview_uuid)
            # The officer reads the review in the program's language; the interview's own
            # language (the person's words) is one choice away.
            self.lang = current_language()
            self.flow = interviews.flow(session, interview, self.lang)
            self.interview = interview
            for code in dict.fromkeys([self.lang, interview.language]):
                if code in LANGUAGES:
                    self.language.addItem(LANGUAGE_NAMES[code], code)
            self.language.currentIndexChanged.connect(self._language_chosen)
            column.addWidget(self._answers_box(interview))
            column.addWidget(self._assessment_box())
            column.addWidget(self._decision_box())
        column.addStretch(1)
        self.language.setEnabled(self.language.count() > 1)
        self.language.setVisible(self.language.count() > 0)
        self.language_label.setVisible(self.language.count() > 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = page_container(content)
        layout.addWidget(self.scroll_area)
        self.setFocusProxy(self.back_button)

    def _language_chosen(self, index: int) -> None:
        """Show the answers, the recommendation and its reasons in another language."""
        lang = self.language.itemData(index)
        if not lang or lang == self.lang:
            return
        self.lang = lang
        self.flow = interviews.flow(self.session, self.interview, lang)
        self.answers.setText(answers_html(self.flow) or _("No answers."))
        self._show_assessment()

    # -- what was said -------------------------------------------------------------------------
    def _answers_box(self, interview: interviews.Interview) -> QWidget:
        box, layout = group(_("Answers"), "review_answers_box")
        about = QLabel(
            _(
                "{questionnaire} (version {version}); interview language: {language};"
                " completed {completed}"
            ).format(
                questionnaire=form_title(self.flow.form, interview.form_id, self.lang),
                version=interview.form_version,
                language=LANGUAGE_NAMES.get(interview.language, interview.language),
                completed=local_time(interview.completed_at),
            )
        )
        about.setWordWrap(True)
        self.answers = QLabel(answers_html(self.flow) or _("No answers."))
        self.answers.setObjectName("review_answers")
        self.answers.setAccessibleName(_("Answers"))
        self.answers.setTextFormat(Qt.TextFormat.RichText)
        self.answers.setWordWrap(True)
        self.answers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(about)
        layout.addWidget(self.answers)
        return box

    # -- what the rules advise -----------------------------------------------------------------
    def _assessment_box(self) -> QWidget:
        assert self.assessment is not None
        box, layout = group(_("Recommendation"), "review_assessment_box")
        self.recommendation = QLabel()
        self.recommendation.setObjectName("review_recommendation")
        font = self.recommendation.font()
        font.setBold(True)
        self.recommendation.setFont(font)
        self.recommendation.setWordWrap(True)
        self.rules_version = QLabel(
            _("Rules version: {version}").format(
                version=version_text(self.assessment.rules_version)
            )
        )
        self.rules_version.setObjectName("review_rules_version")
        self.rules_version.setWordWrap(True)
        if not self.assessment.current:
            self.rules_version.setText(
                self.rules_version.text()
                + " "
                + _("A supervisor may re-assess the case under the current rules.")
            )
        self.reasons = QLabel()
        self.reasons.setObjectName("review_reasons")
        self.reasons.setAccessibleName(_("Reasons for the recommendation"))
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.recommendation)
        layout.addWidget(self.rules_version)
        layout.addWidget(self.reasons)
        self._show_assessment()
        return box

    def _show_assessment(self) -> None:
        assert self.assessment is not None
        self.recommendation.setText(
            _("Recommendation: {recommendation}").format(
                recommendation=recommendation_label(self.assessment.recommendation, self.lang)
            )
        )
        self.reasons.setText(self.assessment.explain(self.lang, self.flow.form))

    # -- what the officer decides --------------------------------------------------------------
    def _decision_box(self) -> QWidget:
        assert self.assessment is not None
        box, layout = group(_("Decision"), "review_decision_box")
        self.current = QLabel()
        self.current.setObjectName("review_current_decision")
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        self._show_current()
        if not self.session.can(Action.DECIDE_STATUS):
            note = QLabel(
                _(
                    "Your role ({role}) may not record a decision on victim status;"
                    " an officer whose role may decide records it."
                ).format(role=role_label(self.session.officer.role))
            )
            note.setObjectName("review_not_permitted")
            note.setWordWrap(True)
            layout.addWidget(note)
            return box
        recommended = MATCHING_DECISION.get(self.assessment.recommendation)
        self.choice = QButtonGroup(self)
        for decision in Decision:
            text = decision_label(decision)
            if decision == recommended:
                text = _("{decision} (follows the recommendation)").format(decision=text)
            radio = QRadioButton(text)
            radio.setObjectName(f"decision_{decision.value}")
            self.choice.addButton(radio)
            self.radios[decision] = radio
            layout.addWidget(radio)
        self.choice.buttonToggled.connect(self._choice_changed)
        self.departs_note = QLabel(
            _(
                "This decision differs from the recommendation: a reason"
                " is required, and the case will go to the supervisor's"
                " review queue."
            )
        )
        self.departs_note.setObjectName("review_departs_note")
        self.departs_note.setWordWrap(True)
        self.departs_note.setStyleSheet("font-weight: bold;")
        self.departs_note.hide()
        self.reason_caption = QLabel(_("&Reason:"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("review_reason")
        self.reason.setAccessibleName(_("Reason for the decision"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 5)
        self.reason_caption.setBuddy(self.reason)
        self.error = error_label("review_error")
        self.saved = QLabel()
        self.saved.setObjectName("review_saved")
        self.saved.setWordWrap(True)
        self.saved.hide()
        self.save_button = QPushButton(_("&Save decision"))
        self.save_button.setObjectName("review_save")
        self.save_button.clicked.connect(self.save)
        for widget in (self.departs_note, self.reason_caption, self.reason, self.error, self.saved):
            layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        return box

    def _show_current(self) -> None:
        history = decisions.history(self.session, self.case_uuid)
        if not history:
            self.current.setText(_("No decision yet."))
            return
        last = history[-1]
        self.current.setText(
            _("Current decision: {decision} ({date}, {officer}).").format(
                decision=decision_label(last.decision),
                date=local_time(last.decided_at),
                officer=last.officer_name,
            )
        )

    def chosen(self) -> Decision | None:
        return next((d for d, radio in self.radios.items() if radio.isChecked()), None)

    def reason_required(self) -> bool:
        chosen = self.chosen()
        return (
            chosen is not None
            and self.assessment is not None
            and decisions.departs(chosen, self.assessment.recommendation)
        )

    def _choice_changed(self) -> None:
        required = self.reason_required()
        self.departs_note.setVisible(required)
        self.reason_caption.setText(_("&Reason (required):") if required else _("&Reason:"))
        self.reason.setAccessibleName(
            _("Reason for the decision (required)") if required else _("Reason for the decision")
        )
        show_error(self.error, "")

    def save(self) -> None:
        """Record the chosen decision; problems are shown beside the form."""
        self.saved.hide()
        chosen = self.chosen()
        if chosen is None:
            show_error(self.error, _("Choose a decision."))
            return
        try:
            record = decisions.record(
                self.session, self.case_uuid, chosen, self.reason.toPlainText()
            )
        except IdtoolError as exc:
            show_error(self.error, str(exc))
            self.reason.setFocus()
            return
        show_error(self.error, "")
        message = _("Decision saved: {decision}.").format(decision=decision_label(chosen))
        if record.against_recommendation:
            message += " " + _("The case is marked for supervisor review.")
        self.saved.setText(message)
        self.saved.show()
        self.choice.setExclusive(False)
        for radio in self.radios.values():
            radio.setChecked(False)
        self.choice.setExclusive(True)
        self.reason.clear()
        self._show_current()
        self.decided.emit(self.case_uuid)
