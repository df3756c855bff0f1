"""One wizard page: a section's questions, each with its label, input and inline message.

A page is built once and kept. `apply(flow)` brings it in step with the answers (relevance,
required marks, filtered choices) and touches only widgets whose state changed, so an answer
given on a long page does not lay the whole page out again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from idtool import interviews
from idtool.i18n import _
from idtool.questionnaire.flow import Entry, Flow, ValidationIssue
from idtool.questionnaire.model import Choice, Form, Kind, Question, Section
from idtool.session import Session
from ui.fields import error_label, show_error
from ui.interview.inputs import QuestionInput, make_input
from ui.interview.repeat_block import RepeatBlock, first_focus, shown_questions


class QuestionBlock(QWidget):
    """A question's label, its input (none for a note) and its inline message."""

    def __init__(
        self, form: Form, question: Question, choices: list[Choice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"question_{question.name}")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        if question.kind is Kind.GROUP:
            font = self.label.font()
            font.setBold(True)
            self.label.setFont(font)
        self.input: QuestionInput | None = make_input(form, question, choices, self)
        self.error = error_label(f"error_{question.name}", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        if self.input is not None:
            layout.addWidget(self.input)
            focus = self.input.focus_widgets()
            if focus:
                self.label.setBuddy(focus[0])
        layout.addWidget(self.error)
        worked_out = (
            _("Worked out from the other answers.")
            if question.computed
            else _("Worked out from the date of birth.")
        )
        self.computed_note = QLabel(worked_out, self)
        self.computed_note.setObjectName(f"computed_{question.name}")
        self.computed_note.hide()
        layout.addWidget(self.computed_note)
        self.required = False
        self._text = ""

    def set_text(self, text: str, required: bool, *, force: bool = False) -> None:
        """Show the label; `force` shows it again even if unchanged (the words around it, such
        as "Required", may be in another language now)."""
        if not force and text == self._text and required == self.required:
            return
        self._text, self.required = text, required
        self.label.setText(f"{text} *" if required else text)
        if self.input is not None:
            self.input.set_accessible(text, _("Required") if required else "")

    def set_message(self, message: str) -> None:
        if self.error.text() != message or self.error.isHidden() == bool(message):
            show_error(self.error, message)


class SectionPage(QScrollArea):
    """A section's questions in a scrolling column, built once and kept (a repeat's entries
    are built again when their number changes: `RepeatBlock`)."""

    answered = Signal(str, object)  # question name, committed answer
    rebuilt = Signal()  # a repeat's entries were built again: set the tab order again

    def __init__(
        self, form: Form, section: Section, flow: Flow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.section = section
        self.setObjectName(f"section_{section.name}")
        self.setWidgetResizable(True)
        # The column follows the window's width; long texts wrap rather than scroll sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        self.title = QLabel(body)
        self.title.setObjectName("section_title")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.blocks: dict[str, QuestionBlock] = {}
        self.repeats: dict[str, RepeatBlock] = {}
        self._items: list[QuestionBlock | RepeatBlock] = []
        for question in shown_questions(section.questions):
            if question.kind is Kind.REPEAT:
                repeat = RepeatBlock(form, question, QuestionBlock, body)
                repeat.answered.connect(self.answered)
                repeat.rebuilt.connect(self.rebuilt)
                self.repeats[question.name] = repeat
                self._items.append(repeat)
                layout.addWidget(repeat)
                continue
            choices = self._all_choices(question)
            block = QuestionBlock(form, question, choices, body)
            self.blocks[question.name] = block
            self._items.append(block)
            layout.addWidget(block)
            if block.input is not None:
                block.input.committed.connect(
                    lambda value, name=question.name: self.answered.emit(name, value)
                )
        layout.addStretch(1)
        self.setWidget(body)
        self._shown: dict[str, bool] = {}
        self._offered: dict[str, frozenset[str]] = {}
        self._issues_shown = False

    def _all_choices(self, question: Question) -> list[Choice]:
        if question.list_name is None:
            return []
        try:
            return list(self.form.choice_list(question.list_name).choices)
        except KeyError:
            return []

    # -- state ---------------------------------------------------------------------------------
    def load(self, answers: dict[str, object], flow: Flow) -> None:
        """Show the stored answers (defaults for questions never answered; what the form
        works out for a computed question)."""
        for name, block in self.blocks.items():
            if block.input is not None:
                stored = name in answers and name not in flow.computed()
                block.input.set_value(answers[name] if stored else flow.answer(name))

    def refill(self, answers: dict[str, object], names: set[str], computed: frozenset[str]) -> None:
        """Show again the answers `names` the core changed (kept in step with the person
        record), and the computed ones read-only: shown, never typed."""
        for name, block in self.blocks.items():
            if block.input is None:
                continue
            if name in names:
                block.input.set_value(answers.get(name))
            block.input.setEnabled(name not in computed)
            block.computed_note.setVisible(name in computed)

    def apply(self, flow: Flow, lang: str) -> None:
        """Relevance, required marks, labels (with each ${name} shown as its answer) and
        filtered choices as the answers now stand."""
        for name, block in self.blocks.items():
            question = block.question
            relevant = flow.is_relevant(name)
            if self._shown.get(name) != relevant:
                self._shown[name] = relevant
                block.setVisible(relevant)
            if not relevant:
                continue
            block.set_text(flow.text(question.label, lang), flow.is_required(question))
            if question.choice_filter is not None and block.input is not None:
                offered = frozenset(c.name for c in flow.choices_for(question))
                if self._offered.get(name) != offered:
                    self._offered[name] = offered
                    block.input.offer(set(offered))
        for name, repeat in self.repeats.items():
            relevant = flow.is_relevant(name)
            if self._shown.get(name) != relevant:
                self._shown[name] = relevant
                repeat.setVisible(relevant)
            repeat.apply(flow, lang)
        if self._issues_shown:
            self.show_issues(self.input_problems() + flow.validate_section(self.section.name))

    def relabel(self, lang: str, flow: Flow) -> None:
        """Show every label in another interview language; answers stay as they are."""
        fallback = self.form.default_language
        self.title.setText(self.section.label.get(lang, fallback))
        for block in self.blocks.values():
            question = block.question
            block.set_text(flow.text(question.label, lang), block.required, force=True)
            if block.input is not None and question.list_name:
                try:
                    listed = self.form.choice_list(question.list_name).choices
                except KeyError:
                    listed = ()
                block.input.set_choice_labels({c.name: c for c in listed}, lang, fallback)
        for repeat in self.repeats.values():
            repeat.relabel(lang, flow)
        self.apply(flow, lang)

    def flush(self) -> None:
        """Commit every edit still waiting for the typing pause."""
        for block in self.blocks.values():
            if block.input is not None:
                block.input.flush()
        for repeat in self.repeats.values():
            repeat.flush()

    # -- validation ----------------------------------------------------------------------------
    def input_problems(self) -> list[ValidationIssue]:
        """Typed text that cannot be stored (half a date), on the questions shown."""
        found = []
        for name, block in self.blocks.items():
            if block.input is not None and self._shown.get(name, True):
                problem = block.input.problem()
                if problem:
                    found.append(ValidationIssue(name, problem))
        for name, repeat in self.repeats.items():
            if self._shown.get(name, True):
                found.extend(repeat.input_problems())
        return found

    def show_issues(self, issues: list[ValidationIssue]) -> None:
        """Each message beside its question (inside a repeat, in its entry)."""
        by_name: dict[str, str] = {}
        by_entry: dict[str, dict[tuple[int | None, str], str]] = {n: {} for n in self.repeats}
        for issue in issues:
            if issue.repeat in by_entry:
                by_entry[issue.repeat].setdefault((issue.entry, issue.question), issue.message)
            elif issue.question in by_entry:
                by_entry[issue.question].setdefault((None, issue.question), issue.message)
            else:
                by_name.setdefault(issue.question, issue.message)
        for name, block in self.blocks.items():
            block.set_message(by_name.get(name, ""))
        for name, repeat in self.repeats.items():
            repeat.show_issues(by_entry[name])
        self._issues_shown = bool(issues)

    def refused(self, question: str, message: str) -> None:
        """An answer of `question` (a repeat's list too) was not stored: say why beside it;
        the same value commits again next time."""
        if question in self.repeats:
            self.repeats[question].refused(message)
            return
        block = self.blocks[question]
        block.set_message(message)
        if block.input is not None:
            block.input.forget_commit()

    def focus_first(self, issues: list[ValidationIssue] | None = None) -> None:
        """Focus the first question with an issue, or else the first input shown."""
        wanted = {(i.repeat or None, i.entry, i.question) for i in issues} if issues else None
        for item in self._items:
            name = item.repeat.name if isinstance(item, RepeatBlock) else item.question.name
            if not self._shown.get(name, True):
                continue
            if isinstance(item, RepeatBlock):
                whole = wanted is None or (None, None, name) in wanted  # the repeat itself
                inner = None if whole else {(e, q) for r, e, q in wanted if r == name}
                if (inner is None or inner) and item.focus_first(inner):
                    focused = QApplication.focusWidget()
                    self.ensureWidgetVisible(focused if focused is not None else item)
                    return
                continue
            if item.input is None or (wanted is not None and (None, None, name) not in wanted):
                continue
            target = first_focus(item.input.focus_widgets())
            if target is not None:
                target.setFocus(Qt.FocusReason.TabFocusReason)
                self.ensureWidgetVisible(item)
                return

    def focus_question(self, name: str) -> None:
        """Focus a question of the page (a repeat: its first entry's first input)."""
        self.focus_first([ValidationIssue(name, "")])

    def focus_widgets(self) -> list[QWidget]:
        """Every input widget and button of the page in order (hidden ones too; Qt skips
        them)."""
        found: list[QWidget] = []
        for item in self._items:
            if isinstance(item, RepeatBlock):
                found.extend(item.focus_widgets())
            elif item.input is not None:
                found.extend(item.input.focus_widgets())
        return found

    def entry_of(self, block: QuestionBlock, flow: Flow) -> Entry | None:
        """The entry of a repeat a block is asked in (None outside repeats)."""
        for name, repeat in self.repeats.items():
            for index, box in enumerate(repeat.boxes):
                if block in box.blocks.values():
                    entries = flow.entries(name)
                    return entries[index] if index < len(entries) else None
        return None

    def block_of(self, widget: QWidget | None) -> QuestionBlock | None:
        while widget is not None and widget is not self:
            if isinstance(widget, QuestionBlock):
                return widget
            widget = widget.parentWidget()
        return None


def refill(
    session: Session,
    interview: interviews.Interview,
    pages: dict[str, SectionPage],
    old: dict[str, object],
) -> tuple[dict[str, object], frozenset[str]]:
    """After an answer was saved (the answers then were `old`): show on `pages` the answers the
    core changed to keep them in step with the person record (the age worked out from a date of
    birth just given; a bound answer cleared, answered again from the record); returns the
    answers and the computed questions as they stand."""
    fresh = interviews.answers(session, interview.uuid)
    computed = interviews.computed(session, interview)
    changed = {q for q, v in fresh.items() if old.get(q) != v}
    for page in pages.values():
        page.refill(fresh, changed, computed)
    return fresh, computed
