"""The last page of the wizard: every answer of the relevant sections, each with a "Change"
button that goes back to its question, and the question whether to complete the interview.

Nothing is completed from here without the officer pressing "Complete the interview": Enter
anywhere else on this page does nothing (the wizard's Enter-means-Next stops here).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from idtool.i18n import _
from idtool.questionnaire.answer_text import answer_text
from idtool.questionnaire.flow import Flow, is_empty
from idtool.questionnaire.model import Kind, Question

_SHOWN_KINDS = (
    Kind.TEXT,
    Kind.INTEGER,
    Kind.DECIMAL,
    Kind.DATE,
    Kind.SELECT_ONE,
    Kind.SELECT_MULTIPLE,
    Kind.REPEAT,  # one row, each entry on its own line
)


class SummaryPage(QScrollArea):
    """The answers by section, a "Change" button for each, warnings, and the confirmation."""

    change = Signal(str, str)  # section name, question name
    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interview_summary")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.change_buttons: dict[str, QPushButton] = {}
        self.confirm: QPushButton | None = None
        self.warnings: QLabel | None = None

    def show_answers(self, flow: Flow, warnings: list[str]) -> None:
        """Build the summary for the answers as they stand now (built each time it is shown:
        the answers may have changed on the way back)."""
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.change_buttons = {}
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 12, 12, 12)
        title = QLabel(_("Check the answers before you complete the interview"), body)
        title.setObjectName("summary_title")
        title.setWordWrap(True)
        big = QFont(title.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        title.setFont(big)
        column.addWidget(title)
        self.warnings = QLabel("\n".join(warnings), body)
        self.warnings.setObjectName("summary_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.warnings.setVisible(bool(warnings))
        column.addWidget(self.warnings)
        bold = QFont(title.font())
        bold.setPointSizeF(QFont(self.font()).pointSizeF())
        effective = flow.effective_answers()
        lang, fallback = flow.lang, flow.form.default_language
        for section in flow.sections():
            questions = [q for q in flow.questions(section.name) if q.kind in _SHOWN_KINDS]
            if not questions:
                continue
            heading = QLabel(section.label.get(lang, fallback) or section.name, body)
            heading.setFont(bold)
            heading.setWordWrap(True)
            column.addWidget(heading)
            grid = QGridLayout()
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 3)
            for row, question in enumerate(questions):
                self._row(grid, row, flow, section.name, question, effective, body)
            column.addLayout(grid)
        self.confirm_note = QLabel(
            _(
                "After you complete the interview its answers can no longer be changed here; "
                "a correction is recorded as an addendum. The assessment is made from these "
                "answers."
            ),
            body,
        )
        self.confirm_note.setWordWrap(True)
        column.addWidget(self.confirm_note)
        self.confirm = QPushButton(_("&Complete the interview"), body)
        self.confirm.setObjectName("summary_confirm")
        self.confirm.setAutoDefault(False)
        self.confirm.clicked.connect(self.confirmed)
        column.addWidget(self.confirm, 0, Qt.AlignmentFlag.AlignRight)
        column.addStretch(1)
        self.setWidget(body)

    def _row(
        self,
        grid: QGridLayout,
        row: int,
        flow: Flow,
        section: str,
        question: Question,
        effective: dict[str, object],
        body: QWidget,
    ) -> None:
        lang, fallback = flow.lang, flow.form.default_language
        text = question.label.get(lang, fallback) or question.name
        label = QLabel(text, body)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        value = effective.get(question.name)
        empty = is_empty(value)
        shown = answer_text(flow.form, question.name, value, lang) or _("(not answered)")
        answer = QLabel(shown, body)
        answer.setObjectName(f"summary_{question.name}")
        answer.setWordWrap(True)
        answer.setTextFormat(Qt.TextFormat.PlainText)
        answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not empty:
            font = QFont(answer.font())
            font.setBold(True)
            answer.setFont(font)
        button = QPushButton(_("Change"), body)
        button.setObjectName(f"change_{question.name}")
        button.setAccessibleName(_("Change: {question}").format(question=text))
        button.setAutoDefault(True)  # Enter on a focused Change button goes to the question
        button.clicked.connect(lambda _c=False: self.change.emit(section, question.name))
        self.change_buttons[question.name] = button
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(answer, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)

    def focus_widgets(self) -> list[QWidget]:
        found: list[QWidget] = list(self.change_buttons.values())
        if self.confirm is not None:
            found.append(self.confirm)
        return found
