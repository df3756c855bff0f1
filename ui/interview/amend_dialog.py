"""Amend a completed interview with an addendum: choose a question, give the new answer, add
the change; repeat; give the reason and record the addendum (`idtool.addenda.amend`).

The answers as they were stay in the addendum and on the case view; the case is assessed again.
The questions offered are those asked of this person once the changes already added are made;
the core checks everything again when the addendum is recorded.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool import addenda, interviews
from idtool.i18n import _, current_language
from idtool.questionnaire.answer_text import answer_text
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.model import Kind, Question
from idtool.session import Session
from ui.cases.widgets import fit_columns
from ui.documents.tables import refill, table
from ui.fields import error_label, failure_text, show_error
from ui.interview.inputs import QuestionInput, make_input


class AmendDialog(QDialog):
    """After `exec()` is accepted, `addendum` is the addendum recorded."""

    def __init__(
        self, session: Session, interview_uuid: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.interview = interviews.get(session, interview_uuid)
        self.form = interviews.form_of(session, self.interview)
        self.stored = interviews.answers(session, interview_uuid)
        self.pending: dict[str, object] = {}
        self.lang = current_language()
        self.addendum: addenda.Addendum | None = None
        self.input: QuestionInput | None = None
        self.setWindowTitle(_("Amend the interview (addendum)"))
        self.resize(760, 640)

        intro = QLabel(
            _(
                "Correct the answers that need it and give the reason. The answers as they "
                "were are kept in the addendum, the change is recorded in the audit log, and "
                "the case is assessed again. No new interview is needed."
            )
        )
        intro.setWordWrap(True)
        self.question = QComboBox()
        self.question.setObjectName("amend_question")
        self.question.setAccessibleName(_("Question to amend"))
        self.question.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question.setMinimumContentsLength(40)  # long questions do not widen the dialog
        self.current = QLabel()
        self.current.setObjectName("amend_current")
        self.current.setWordWrap(True)
        self.input_area = QWidget()
        self.input_area.setObjectName("amend_input")
        QVBoxLayout(self.input_area).setContentsMargins(0, 0, 0, 0)
        # A repeat's entries are shown, not amended here: a list of entries has no input.
        self.repeat_note = QLabel(
            _("Entries of a repeat are corrected by starting a new interview."), self.input_area
        )
        self.repeat_note.setObjectName("amend_repeat_note")
        self.repeat_note.setWordWrap(True)
        self.repeat_note.hide()
        self.input_area.layout().addWidget(self.repeat_note)
        self.add_button = QPushButton(_("&Add this change"))
        self.add_button.setObjectName("amend_add")
        self.add_button.clicked.connect(self.add_change)
        form = QFormLayout()
        caption = QLabel(_("&Question:"))
        caption.setBuddy(self.question)
        form.addRow(caption, self.question)
        form.addRow(_("Recorded answer:"), self.current)
        form.addRow(_("New answer:"), self.input_area)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        form.addRow("", add_row)

        self.changes = table(
            [_("Question"), _("Before"), _("After")], "amend_changes", _("Changes"), max_rows=6
        )
        self.remove_button = QPushButton(_("&Remove the selected change"))
        self.remove_button.setObjectName("amend_remove")
        self.remove_button.clicked.connect(self.remove_change)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("amend_reason")
        self.reason.setAccessibleName(_("Reason for the addendum"))
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(80)
        reason_caption = QLabel(_("Rea&son (required):"))
        reason_caption.setBuddy(self.reason)
        self.error = error_label("amend_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.ok_button = self.buttons.addButton(
            _("Record the a&ddendum"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("amend_ok")
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)

        changes_caption = QLabel(_("Changes in this addendum:"))
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        for w in (changes_caption, self.changes):
            layout.addWidget(w)
        layout.addLayout(remove_row)
        for w in (reason_caption, self.reason, self.error, self.buttons):
            layout.addWidget(w)
        self.question.currentIndexChanged.connect(self._question_chosen)
        self._fill_questions()
        self._show_changes()
        self.question.setFocus()

    # -- what is asked -------------------------------------------------------------------------
    def flow(self) -> Flow:
        """The interview as it would be with the changes added so far."""
        return Flow(self.form, {**self.stored, **self.pending}, self.interview.language)

    def _label(self, question: str) -> str:
        return addenda.question_label(self.form, question, self.lang)

    def _text(self, question: str, value: object) -> str:
        return answer_text(self.form, question, value, self.lang) or _("(no answer)")

    def _fill_questions(self) -> None:
        chosen = self.question.currentData()
        flow = self.flow()
        self.question.blockSignals(True)
        self.question.clear()
        for section in flow.sections():
            title = section.label.get(self.lang, self.form.default_language) or section.name
            for q in flow.questions(section.name):
                if (q.kind.takes_answer and not q.computed) or q.kind is Kind.REPEAT:
                    self.question.addItem(f"{title}: {self._label(q.name)}", q.name)
        found = self.question.findData(chosen) if chosen else -1
        self.question.setCurrentIndex(max(found, 0))
        self.question.blockSignals(False)
        self._question_chosen()

    def chosen(self) -> Question | None:
        name = self.question.currentData()
        return self.form.question(str(name)) if name else None

    def _question_chosen(self) -> None:
        layout = self.input_area.layout()
        assert layout is not None
        if self.input is not None:
            layout.removeWidget(self.input)
            self.input.hide()
            self.input.deleteLater()
            self.input = None
        question = self.chosen()
        repeat = question is not None and question.kind is Kind.REPEAT
        self.repeat_note.setVisible(repeat)
        self.add_button.setEnabled(not repeat)
        if question is None:
            self.current.clear()
            return
        self.current.setText(self._text(question.name, self.stored.get(question.name)))
        if repeat:
            return
        now = {**self.stored, **self.pending}.get(question.name)
        flow = self.flow()
        self.input = make_input(self.form, question, flow.choices_for(question), self.input_area)
        if self.input is None:
            return
        self.input.setObjectName("amend_value")
        choices = {c.name: c for c in flow.choices_for(question)}
        self.input.set_choice_labels(choices, self.lang, self.form.default_language)
        name = _("New answer: {question}").format(question=self._label(question.name))
        self.input.set_accessible(name, "")
        self.input.set_value(now)
        layout.addWidget(self.input)
        widgets = [self.question, *self.input.focus_widgets(), self.add_button]
        for first, second in pairwise(widgets):
            QWidget.setTabOrder(first, second)

    # -- the changes ---------------------------------------------------------------------------
    def add_change(self) -> None:
        """Add the new answer of the chosen question to the addendum (not yet recorded)."""
        show_error(self.error, "")
        question = self.chosen()
        if question is None or self.input is None:
            return
        self.input.flush()
        problem = self.input.problem()
        if problem is not None:
            show_error(self.error, problem)
            return
        try:
            value = interviews.checked(
                self.session, self.interview, question.name, self.input.value()
            )
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc))
            return
        if value == self.stored.get(question.name):
            self.pending.pop(question.name, None)
        else:
            self.pending[question.name] = value
        self._show_changes()
        self._fill_questions()

    def remove_change(self) -> None:
        rows = self.changes.selectionModel().selectedRows()
        if not rows:
            show_error(self.error, _("Select a change first."))
            return
        name = sorted(self.pending)[rows[0].row()]
        del self.pending[name]
        self._show_changes()
        self._fill_questions()

    def _show_changes(self) -> None:
        refill(
            self.changes,
            [
                [
                    self._label(name),
                    self._text(name, self.stored.get(name)),
                    self._text(name, self.pending[name]),
                ]
                for name in sorted(self.pending)
            ],
            max_rows=6,
        )
        fit_columns(self.changes, widest=300)
        self.remove_button.setEnabled(bool(self.pending))

    def record(self) -> None:
        """Record the addendum; the dialog closes when it is stored."""
        show_error(self.error, "")
        if not self.pending:
            show_error(self.error, _("Add at least one change first."))
            self.question.setFocus()
            return
        if not self.reason.toPlainText().strip():
            show_error(self.error, _("Give the reason for the addendum."))
            self.reason.setFocus()
            return
        try:
            self.addendum = addenda.amend(
                self.session, self.interview.uuid, self.pending, self.reason.toPlainText()
            )
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The addendum could not be recorded.")))
            return
        self.accept()
