"""One input widget per question type, each reporting a committed answer as it is given.

An input emits `committed(value)` with the answer as the core stores it: typed text is handed
to `questionnaire.answers.convert`, which turns it into the stored answer (text -> str,
integer -> int, decimal -> float, date -> "YYYY-MM-DD", select_one -> choice name,
select_multiple -> list of names, None for empty) or says what is wrong. Choices and toggles
commit at once; typed text commits when editing finishes and after a short pause in typing.
Text that cannot be an answer (half a date, a lone minus sign) is never stored: `problem()`
gives the core's message, and the page shows it. The inputs only restrict what can be typed.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from idtool.i18n import _
from idtool.questionnaire import answers
from idtool.questionnaire.model import Choice, Form, Kind, Question
from ui.interview.calendar_button import CalendarButton

DEBOUNCE_MS = 400
# Free-text questions whose answers are stories rather than a word or two get several lines.
# (The questionnaire format has no `appearance` column; the name says what the answer is.)
_LONG_TEXT = re.compile(r"(story|details|notes|observations|views|route)$")
_UNSAVED = object()


class QuestionInput(QWidget):
    """The base of every input: value in and out, a pending edit, accessible naming."""

    committed = Signal(object)

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.question = question
        self._last: object = None

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        """Show a stored answer without committing it."""
        raise NotImplementedError

    def problem(self) -> str | None:
        """What is wrong with text that cannot be stored (None when it can)."""
        return None

    def flush(self) -> None:
        """Commit an edit still waiting for the typing pause."""

    def focus_widgets(self) -> list[QWidget]:
        """The widgets that take keyboard focus, in tab order."""
        return []

    def set_accessible(self, name: str, description: str) -> None:
        """Name the inputs after the question; `description` says whether it is required."""
        self.setAccessibleName(name)
        for widget in self.focus_widgets():
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(description)

    def set_choice_labels(self, choices: dict[str, Choice], lang: str, fallback: str) -> None:
        """Label the choices in `lang` (select questions only)."""

    def offer(self, names: set[str]) -> None:
        """Show only these choices (after a choice_filter); a chosen one always stays."""

    def forget_commit(self) -> None:
        """The last commit was not stored: commit the same value again next time."""
        self._last = _UNSAVED

    def _commit(self) -> None:
        if self.problem() is not None:
            return
        value = self.value()
        if value != self._last:
            self._last = value
            self.committed.emit(value)


class _TypedInput(QuestionInput):
    """Typed text: commits on editing finished and after a pause in typing."""

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._commit)

    def flush(self) -> None:
        self._timer.stop()
        self._commit()

    def _typed(self) -> None:
        self._timer.start()


class LineInput(_TypedInput):
    """Short text, whole and decimal numbers, and dates in one line."""

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        kind = question.kind
        digits = answers.MAX_DIGITS
        pattern = {  # what may be typed at all; the core decides what the text means
            Kind.INTEGER: rf"-?[0-9]{{0,{digits}}}",
            Kind.DECIMAL: rf"-?[0-9]{{0,{digits}}}([.,][0-9]{{0,8}})?",
            Kind.DATE: r"[0-9.\-]{0,10}",
        }.get(kind)
        if pattern:
            self.edit.setValidator(
                QRegularExpressionValidator(QRegularExpression(pattern), self.edit)
            )
            self.edit.setMaximumWidth(220)
        self.calendar_button: CalendarButton | None = None
        if kind is Kind.DATE:
            self.edit.setPlaceholderText(_("DD.MM.YYYY or YYYY-MM-DD"))
            self.calendar_button = CalendarButton(self.edit, self)
            layout.addWidget(self.calendar_button)
        if pattern:
            layout.addStretch(1)  # a short field stays at the left, not in the middle
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)

    def _finished(self) -> None:
        """Show the answer as it is stored (14.03.2025 becomes 2025-03-14), then commit it."""
        if self.problem() is None:
            shown = answers.shown(self.value())
            if shown != self.edit.text():
                self.edit.setText(shown)
        self.flush()

    def value(self) -> object:
        return answers.convert(self.form, self.question, self.edit.text())

    def problem(self) -> str | None:
        try:
            answers.convert(self.form, self.question, self.edit.text())
        except answers.AnswerError as refused:
            return refused.problem
        return None

    def set_value(self, value: object) -> None:
        self._timer.stop()
        self._last = value
        self.edit.setText(answers.shown(value))

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit] if self.calendar_button is None else [self.edit, self.calendar_button]

    def set_accessible(self, name: str, description: str) -> None:
        super().set_accessible(name, description)
        if self.calendar_button is not None:
            self.calendar_button.name_after(name)


class LongTextInput(_TypedInput):
    """A story in several lines; Tab moves on (a tab character is never wanted here)."""

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 5)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self._changed)
        self.edit.installEventFilter(self)
        self._loading = False

    def _changed(self) -> None:
        if not self._loading:
            self._typed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False

    def value(self) -> object:
        return answers.convert(self.form, self.question, self.edit.toPlainText())

    def set_value(self, value: object) -> None:
        self._timer.stop()
        self._last = value
        self._loading = True
        try:
            self.edit.setPlainText("" if value is None else str(value))
        finally:
            self._loading = False

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]


class _ChoiceInput(QuestionInput):
    """Radio buttons or check boxes, one per choice of the question's list."""

    def __init__(
        self,
        form: Form,
        question: Question,
        choices: list[Choice],
        exclusive: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(form, question, parent)
        # Radio buttons share one group: one Tab stop, arrows move between them. Check boxes
        # get none: in a QButtonGroup they would be one Tab stop too, and every box of a
        # multi-answer question must be reachable with Tab and toggled with Space.
        self.group: QButtonGroup | None = QButtonGroup(self) if exclusive else None
        self.buttons: dict[str, QAbstractButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for choice in choices:
            button: QAbstractButton = QRadioButton(self) if exclusive else QCheckBox(self)
            button.setObjectName(f"choice_{choice.name}")
            button.setMinimumWidth(40)  # long labels wrap (see resizeEvent) instead of widening
            if self.group is not None:
                self.group.addButton(button)
            else:
                button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
                button.toggled.connect(lambda checked, b=button: self._toggled(b, checked))
            self.buttons[choice.name] = button
            layout.addWidget(button)
        self._loading = False
        self._labels: dict[str, str] = {}
        self._wrap_width = 0
        if self.group is not None:
            self.group.setExclusive(True)
            self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, _button: QAbstractButton, _checked: bool) -> None:
        if not self._loading:
            self._after_toggle()
            self._commit()

    def _after_toggle(self) -> None:
        """Keep anything beside the buttons in step with what is chosen."""

    def _chosen(self) -> list[str]:
        return [name for name, button in self.buttons.items() if button.isChecked()]

    def set_value(self, value: object) -> None:
        self._check(set(value) if isinstance(value, list | tuple) else {value})
        self._last = value

    def _check(self, chosen: set[object]) -> None:
        """Check exactly these choices without committing."""
        self._loading = True
        if self.group is not None:
            self.group.setExclusive(False)  # an exclusive group cannot be emptied otherwise
        try:
            for name, button in self.buttons.items():
                button.setChecked(name in chosen)
        finally:
            if self.group is not None:
                self.group.setExclusive(True)
            self._loading = False
        self._after_toggle()

    def set_accessible(self, name: str, description: str) -> None:
        self.setAccessibleName(name)  # each button is named by its choice; it tells the question
        for button in self.buttons.values():
            button.setAccessibleDescription(f"{name}. {description}" if description else name)

    def set_choice_labels(self, choices: dict[str, Choice], lang: str, fallback: str) -> None:
        for name, button in self.buttons.items():
            choice = choices.get(name)
            text = choice.label.get(lang, fallback) if choice else name
            self._labels[name] = text
            button.setText(self._wrapped(text))
            button.setAccessibleName(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Radio buttons and check boxes cannot wrap their text: break long labels into lines
        that fit the width the page gives them."""
        super().resizeEvent(event)
        if self.width() != self._wrap_width:
            self._wrap_width = self.width()
            for name, button in self.buttons.items():
                if name in self._labels:
                    button.setText(self._wrapped(self._labels[name]))

    def _wrapped(self, text: str) -> str:
        room = self._wrap_width - 32  # the indicator and its spacing
        if room <= 0:
            return text
        metrics = self.fontMetrics()
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        return "\n".join(lines)

    def offer(self, names: set[str]) -> None:
        for name, button in self.buttons.items():
            wanted = name in names or button.isChecked()
            if button.isHidden() == wanted:
                button.setVisible(wanted)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())


class SelectOneInput(_ChoiceInput):
    """Radio buttons, and a button to take the answer back (an exclusive group cannot)."""

    def __init__(
        self, form: Form, question: Question, choices: list[Choice], parent: QWidget | None = None
    ) -> None:
        super().__init__(form, question, choices, True, parent)
        self.clear = QPushButton(_("Clear answer"), self)
        self.clear.setObjectName("clear_answer")
        self.clear.setAutoDefault(True)  # Enter on it clears, it does not move on
        self.clear.setFlat(True)
        self.clear.setEnabled(False)
        self.clear.clicked.connect(self._clear)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignLeft)

    def _clear(self) -> None:
        focus_back = next((b for b in self.buttons.values() if not b.isHidden()), None)
        self._check(set())
        self._commit()
        if focus_back is not None:
            focus_back.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_toggle(self) -> None:
        self.clear.setEnabled(bool(self._chosen()))

    def value(self) -> object:
        chosen = self._chosen()
        return chosen[0] if chosen else None

    def set_accessible(self, name: str, description: str) -> None:
        super().set_accessible(name, description)
        self.clear.setAccessibleName(_("Clear answer: {question}").format(question=name))

    def focus_widgets(self) -> list[QWidget]:
        return [*self.buttons.values(), self.clear]


class SelectMultipleInput(_ChoiceInput):
    def __init__(
        self, form: Form, question: Question, choices: list[Choice], parent: QWidget | None = None
    ) -> None:
        super().__init__(form, question, choices, False, parent)

    def value(self) -> object:
        return self._chosen() or None


def make_input(
    form: Form, question: Question, choices: list[Choice], parent: QWidget | None = None
) -> QuestionInput | None:
    """The input for a question of `form`, or None for a note (it is only read out)."""
    kind = question.kind
    if kind is Kind.SELECT_ONE:
        return SelectOneInput(form, question, choices, parent)
    if kind is Kind.SELECT_MULTIPLE:
        return SelectMultipleInput(form, question, choices, parent)
    if kind is Kind.TEXT and _LONG_TEXT.search(question.name):
        return LongTextInput(form, question, parent)
    if kind in (Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.DATE):
        return LineInput(form, question, parent)
    return None
