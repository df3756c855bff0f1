"""The panels beside the page: the section list with progress, and the officer's guidance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from idtool.i18n import _, current_language
from idtool.questionnaire.flow import Entry, Flow, is_empty
from idtool.questionnaire.model import Form, Text

_NAME_ROLE = Qt.ItemDataRole.UserRole


def officer_text(text: Text, interview_lang: str, form: Form) -> str:
    """Guidance for the officer: in the UI language when the form has it, else in the
    interview language."""
    ui_lang = current_language()
    if ui_lang in text.languages() and text.get(ui_lang):
        return text.get(ui_lang)
    return text.get(interview_lang, form.default_language)


def officer_label(flow: Flow, text: Text, interview_lang: str, entry: Entry | None = None) -> str:
    """`officer_text` with each ${name} shown as its answer (in the entry, inside a repeat)."""
    ui_lang = current_language()
    lang = ui_lang if ui_lang in text.languages() and text.get(ui_lang) else interview_lang
    return flow.text(text, lang, entry)


def section_counts(flow: Flow, section: str) -> tuple[int, int]:
    """(answered, relevant) required questions of one section."""
    required = [(q, e) for q, e in flow.asked(section) if flow.is_required(q, e)]
    return sum(1 for q, e in required if not is_empty(flow.answer(q.name, e))), len(required)


class SectionList(QListWidget):
    """The relevant sections with their progress; the current one highlighted; a section
    already reached can be chosen to go back to it."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("section_list")
        self.setAccessibleName(_("Sections"))
        self.setMinimumWidth(180)
        self.setMaximumWidth(260)
        self.setWordWrap(True)
        self._names: list[str] = []
        self._texts: dict[str, str] = {}
        self._state: dict[str, tuple[bool, bool]] = {}
        self._counted: tuple[Flow, str] | None = None  # kept alive, so compared by identity
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self.itemClicked.connect(self._choose)
        self.itemActivated.connect(self._choose)

    def _choose(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.chosen.emit(item.data(_NAME_ROLE))

    def refresh(self, flow: Flow, form: Form, lang: str, current: str, reachable: set[str]) -> None:
        """Show the relevant sections as the answers now stand; rebuilt only when the set of
        relevant sections changes."""
        sections = flow.sections()
        names = [s.name for s in sections]
        if names != self._names:
            self._counted = None
            self.clear()
            self._names = names
            self._texts.clear()
            self._state.clear()
            for name in names:
                item = QListWidgetItem()
                item.setData(_NAME_ROLE, name)
                self.addItem(item)
        counted = (flow, lang)
        for row, section in enumerate(sections):
            item = self.item(row)
            if self._counted != counted:  # the same answers need no counting again
                answered, total = section_counts(flow, section.name)
                label = officer_text(section.label, lang, form)
                text = (
                    _("{section} ({answered}/{total})").format(
                        section=label, answered=answered, total=total
                    )
                    if total
                    else label
                )
                if self._texts.get(section.name) != text:
                    self._texts[section.name] = text
                    item.setText(text)
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            state = (section.name == current, section.name in reachable)
            if self._state.get(section.name) != state:
                self._state[section.name] = state
                item.setFont(self._bold if state[0] else self.font())
                flags = Qt.ItemFlag.ItemIsSelectable
                if state[1] or state[0]:
                    flags |= Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags)
        self._counted = counted
        if current in names and self.currentRow() != names.index(current):
            self.setCurrentRow(names.index(current))


class GuidancePanel(QFrame):
    """What the officer should know: the section's hint and the focused question's hint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidance")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # One width whatever the hint: a panel that followed its text moved the page and the
        # Next button with every question.
        self.setFixedWidth(min(340, max(220, self.fontMetrics().averageCharWidth() * 36)))
        layout = QVBoxLayout(self)
        self.heading = QLabel(_("Guidance for the officer"), self)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.section_hint = self._text_label("section_hint", _("Guidance for this section"))
        self.question_title = self._text_label("question_title", _("Focused question"))
        self.question_title.setFont(font)
        self.question_hint = self._text_label("question_hint", _("Guidance for this question"))
        for widget in (self.heading, self.section_hint, self.question_title, self.question_hint):
            layout.addWidget(widget)
        layout.addStretch(1)

    def _text_label(self, name: str, accessible_name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(accessible_name)
        return label

    def show_section(self, hint: str) -> None:
        self.section_hint.setText(hint)
        self.section_hint.setVisible(bool(hint))

    def show_question(self, title: str, hint: str) -> None:
        hint = hint or (_("No guidance for this question.") if title else "")
        if (title, hint) != (self.question_title.text(), self.question_hint.text()):
            self.question_title.setText(title)
            self.question_hint.setText(hint)
