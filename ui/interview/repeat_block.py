"""A repeat on a wizard page: its label, one framed box per entry holding the repeat's
questions, and the buttons that add and remove entries.

The entries are the flow's (`flow.entries`): a repeat's as many as are stored, a loop's one per
choice, a `repeat_count`'s as many as the count says. The boxes are built again whenever that
number changes; otherwise `apply` only touches what changed. Every edit in an entry commits the
repeat's whole list of entries (`answered(repeat name, list)`), which the wizard stores as any
other answer; adding or removing an entry does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from idtool.i18n import _
from idtool.questionnaire.entries import MAX_ENTRIES, Entry, stored_entries
from idtool.questionnaire.flow import Flow, ValidationIssue, is_empty
from idtool.questionnaire.model import Choice, Form, Kind, Question
from ui.fields import error_label, show_error

if TYPE_CHECKING:  # the page's QuestionBlock is handed in: page.py builds RepeatBlocks
    from ui.interview.page import QuestionBlock

MakeBlock = Callable[[Form, Question, list[Choice], QWidget], "QuestionBlock"]


def shown_questions(questions: tuple[Question, ...]) -> Iterator[Question]:
    """The questions a page shows a block for, in order: into groups, not into repeats (a
    repeat is one item), no calculations."""
    for question in questions:
        if question.kind is Kind.CALCULATE:
            continue
        yield question
        if question.kind is Kind.GROUP:
            yield from shown_questions(question.questions)


def first_focus(widgets: list[QWidget]) -> QWidget | None:
    """The widget to focus among an input's: the checked radio button, else the first shown."""
    shown = [w for w in widgets if not w.isHidden()]
    checked = [w for w in shown if isinstance(w, QAbstractButton) and w.isChecked()]
    return (checked or shown or [None])[0]


class EntryBox(QGroupBox):
    """One entry: a framed box titled after it, its questions, and "Remove this entry"."""

    def __init__(
        self, form: Form, repeat: Question, index: int, make_block: MakeBlock, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName(f"entry_{repeat.name}_{index + 1}")
        self.blocks: dict[str, QuestionBlock] = {}
        self.shown: dict[str, bool] = {}
        self.offered: dict[str, frozenset[str]] = {}
        layout = QVBoxLayout(self)
        for question in shown_questions(repeat.questions):
            block = make_block(form, question, _all_choices(form, question), self)
            self.blocks[question.name] = block
            layout.addWidget(block)
        self.remove = QPushButton(_("Remove this entry"), self)
        self.remove.setObjectName("remove_entry")
        self.remove.setAutoDefault(True)  # Enter on it removes, it does not move on
        layout.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignLeft)

    def inputs(self) -> list[QuestionBlock]:
        return [b for b in self.blocks.values() if b.input is not None]


class RepeatBlock(QWidget):
    """A repeat's label, a box per entry and the "Add an entry" button."""

    answered = Signal(str, object)  # the repeat's name, its whole list of entries
    rebuilt = Signal()  # the boxes were built again: the tab order needs setting again

    def __init__(
        self, form: Form, repeat: Question, make_block: MakeBlock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.repeat = repeat
        self.make_block = make_block
        self.setObjectName(f"repeat_{repeat.name}")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.error = error_label(f"error_{repeat.name}", self)
        self.boxes: list[EntryBox] = []
        self.add = QPushButton(_("&Add an entry"), self)
        self.add.setObjectName("add_entry")
        self.add.setAutoDefault(True)
        self.add.clicked.connect(self.add_entry)
        self._entries_layout = QVBoxLayout()
        self._entries_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(self.label)
        layout.addLayout(self._entries_layout)
        layout.addWidget(self.add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        self.flow: Flow | None = None
        self.lang = form.default_language
        self._focus_entry: int | None = None
        self._committing: QuestionBlock | None = None

    # -- state ---------------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        return self.flow.entries(self.repeat.name) if self.flow is not None else []

    def apply(self, flow: Flow, lang: str, *, force: bool = False) -> None:
        """Bring the boxes in step with the answers: as many as there are entries (built again
        when that number changed, showing the stored answers), and in each the relevance,
        required marks, labels and filtered choices of that entry."""
        self.flow, self.lang = flow, lang
        entries = self.entries()
        if len(entries) != len(self.boxes):
            self._rebuild(entries)
            force = True
        self.label.setText(flow.text(self.repeat.label, lang) or self.repeat.name)
        fixed = flow.is_fixed(self.repeat)
        self.add.setVisible(not fixed and len(entries) < MAX_ENTRIES)
        for box, entry in zip(self.boxes, entries, strict=True):
            self._apply_entry(box, entry, flow, lang, force)
            box.remove.setHidden(fixed)
        if self._focus_entry is not None:
            index, self._focus_entry = self._focus_entry, None
            self._focus_in(index)

    def _apply_entry(self, box: EntryBox, entry: Entry, flow: Flow, lang: str, force: bool) -> None:
        title = flow.entry_title(entry, lang)
        if force or box.title() != title:
            box.setTitle(title)
            box.remove.setAccessibleName(_("Remove: {entry}").format(entry=title))
        for name, block in box.blocks.items():
            question = block.question
            relevant = flow.is_relevant(name, entry)
            if box.shown.get(name) != relevant:
                box.shown[name] = relevant
                block.setVisible(relevant)
            if not relevant:
                continue
            text = flow.text(question.label, lang, entry)
            block.set_text(text, flow.is_required(question, entry), force=force)
            if question.computed and block.input is not None:  # worked out in each entry
                block.input.set_value(flow.answer(name, entry))
            if question.choice_filter is not None and block.input is not None:
                offered = frozenset(c.name for c in flow.choices_for(question, entry))
                if box.offered.get(name) != offered:
                    box.offered[name] = offered
                    block.input.offer(set(offered))

    def _rebuild(self, entries: list[Entry]) -> None:
        """One box per entry, showing the answers stored in it."""
        for box in self.boxes:
            self._entries_layout.removeWidget(box)
            box.hide()
            box.deleteLater()  # a box's own button may be what is being handled now
        self.boxes = []
        for entry in entries:
            box = EntryBox(self.form, self.repeat, entry.index, self.make_block, self)
            for name, block in box.blocks.items():
                question = block.question
                if block.input is None:
                    continue
                if question.list_name:
                    block.input.set_choice_labels(
                        _labelled(self.form, question), self.lang, self.form.default_language
                    )
                assert self.flow is not None
                block.input.set_value(self.flow.answer(name, entry))
                block.input.setEnabled(not question.computed)  # shown, never typed
                block.computed_note.setVisible(question.computed)
                block.input.committed.connect(
                    lambda value, b=block, i=entry.index: self._edited(b, i, value)
                )
            box.remove.clicked.connect(lambda _c=False, i=entry.index: self.remove_entry(i))
            self._entries_layout.addWidget(box)
            box.show()  # at once: the new entry's first input takes the focus now
            self.boxes.append(box)
        self.rebuilt.emit()

    def relabel(self, lang: str, flow: Flow) -> None:
        """Every label and choice in another interview language."""
        for box in self.boxes:
            for block in box.inputs():
                if block.question.list_name and block.input is not None:
                    labels = _labelled(self.form, block.question)
                    block.input.set_choice_labels(labels, lang, self.form.default_language)
        self.apply(flow, lang, force=True)

    def stored(self) -> list[dict[str, object]]:
        """The stored list of entries, one mapping per entry shown (padded or cut to them)."""
        if self.flow is None:
            return []
        count = len(self.entries())
        kept = [dict(e) for e in stored_entries(self.flow.answer(self.repeat.name))][:count]
        return kept + [{} for _i in range(count - len(kept))]

    # -- editing -------------------------------------------------------------------------------
    def _edited(self, block: QuestionBlock, index: int, value: object) -> None:
        entries = self.stored()
        if index >= len(entries):
            return
        if is_empty(value):
            entries[index].pop(block.question.name, None)
        else:
            entries[index][block.question.name] = value
        self._committing = block
        self.answered.emit(self.repeat.name, entries)

    def refused(self, message: str) -> None:
        """The list was not stored: say why; the edit that caused it commits again next time."""
        show_error(self.error, message)
        if self._committing is not None and self._committing.input is not None:
            self._committing.input.forget_commit()

    def add_entry(self) -> None:
        """A new, empty entry after the others; focus goes to its first question."""
        if self.flow is None or self.flow.is_fixed(self.repeat):
            return
        self.flush()
        entries = self.stored()
        if len(entries) >= MAX_ENTRIES:
            return
        self._focus_entry = len(entries)
        self._committing = None
        show_error(self.error, "")
        self.answered.emit(self.repeat.name, [*entries, {}])

    def remove_entry(self, index: int) -> None:
        """Remove an entry; one with answers only once the officer confirms."""
        if self.flow is None or self.flow.is_fixed(self.repeat):
            return
        self.flush()
        entries = self.stored()
        if index >= len(entries):
            return
        box = self.boxes[index]
        typed = any(b.input is not None and b.input.problem() for b in box.inputs())
        if typed or any(not is_empty(v) for v in entries[index].values()):
            asked = QMessageBox.question(
                self,
                _("Remove the entry"),
                _("Remove “{entry}” with its answers?").format(entry=box.title()),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if asked != QMessageBox.StandardButton.Yes:
                return
        del entries[index]
        self._focus_entry = min(index, len(entries) - 1) if entries else None
        self._committing = None
        show_error(self.error, "")
        self.answered.emit(self.repeat.name, entries)
        if not entries:
            self.add.setFocus(Qt.FocusReason.OtherFocusReason)

    def flush(self) -> None:
        for box in self.boxes:
            for block in box.inputs():
                assert block.input is not None
                block.input.flush()

    # -- validation and focus ------------------------------------------------------------------
    def input_problems(self) -> list[ValidationIssue]:
        """Typed text that cannot be stored, in the questions shown in each entry."""
        found = []
        for box in self.boxes:
            for name, block in box.blocks.items():
                if block.input is not None and box.shown.get(name, True):
                    problem = block.input.problem()
                    if problem:
                        found.append(ValidationIssue(name, problem, self.repeat.name, box.index))
        return found

    def show_issues(self, issues: Mapping[tuple[int | None, str], str]) -> None:
        """Messages by (entry index, question); (None, repeat name) is about the whole list."""
        show_error(self.error, issues.get((None, self.repeat.name), ""))
        for box in self.boxes:
            for name, block in box.blocks.items():
                block.set_message(issues.get((box.index, name), ""))

    def focus_first(self, wanted: set[tuple[int | None, str]] | None) -> bool:
        """Focus the first input shown (with an issue, when `wanted` says which)."""
        for box in self.boxes:
            for name, block in box.blocks.items():
                if block.input is None or not box.shown.get(name, True):
                    continue
                if wanted is not None and (box.index, name) not in wanted:
                    continue
                target = first_focus(block.input.focus_widgets())
                if target is not None:
                    target.setFocus(Qt.FocusReason.TabFocusReason)
                    return True
        if wanted is None:
            target = first_focus([self.add])
            if target is not None:
                target.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return False

    def _focus_in(self, index: int) -> None:
        if 0 <= index < len(self.boxes):
            for name, block in self.boxes[index].blocks.items():
                if block.input is not None and self.boxes[index].shown.get(name, True):
                    target = first_focus(block.input.focus_widgets())
                    if target is not None:
                        target.setFocus(Qt.FocusReason.OtherFocusReason)
                        self._reveal(self.boxes[index])
                        return

    def _reveal(self, box: EntryBox) -> None:
        """Scroll the page to show the entry, once it is laid out."""
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            page = area
            QTimer.singleShot(0, box, lambda: page.ensureWidgetVisible(box))

    def focus_widgets(self) -> list[QWidget]:
        """The inputs and buttons in tab order: each entry's, then "Add an entry"."""
        found: list[QWidget] = []
        for box in self.boxes:
            for block in box.inputs():
                assert block.input is not None
                found.extend(block.input.focus_widgets())
            found.append(box.remove)
        found.append(self.add)
        return found


def _all_choices(form: Form, question: Question) -> list[Choice]:
    return list(_labelled(form, question).values())


def _labelled(form: Form, question: Question) -> dict[str, Choice]:
    if question.list_name is None:
        return {}
    try:
        return {c.name: c for c in form.choice_list(question.list_name).choices}
    except KeyError:
        return {}
