"""The interview wizard: one section per page, every answer saved the moment it is given.

The flow (relevance, validation, navigation, progress) is the core's `Flow`; this widget only
binds it to widgets. Pages are built once (the first on demand, the rest while the program is
idle) and kept, so moving between sections only swaps the visible page.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from itertools import pairwise

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from idtool import database, interviews
from idtool.errors import IdtoolError
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from idtool.questionnaire.answers import AnswerError
from idtool.questionnaire.flow import Flow, ValidationIssue
from idtool.session import Session
from ui.fields import error_label, show_error
from ui.interview.finishing import Finishing, error_text
from ui.interview.page import SectionPage, refill
from ui.interview.panels import GuidancePanel, SectionList, officer_label, officer_text
from ui.interview.summary import SummaryPage

NEXT_KEYS = ("Alt+Right", "Ctrl+PgDown")
PREVIOUS_KEYS = ("Alt+Left", "Ctrl+PgUp")


class InterviewWizard(Finishing, QWidget):
    """Runs one interview; constructing it again on the same interview resumes it."""

    completed = Signal(str)  # the interview's uuid, once the core has completed it
    paused = Signal()

    def __init__(
        self, session: Session, interview_uuid: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("interview_wizard")
        self.session = session
        self.interview = interviews.get(session, interview_uuid)
        self.form = interviews.form_of(session, self.interview)
        # What is known about the person is shown prefilled (busy: the answers as they are).
        with contextlib.suppress(IdtoolError, database.DatabaseError):
            interviews.refresh_from_person(session, self.interview)
        self.answers: dict[str, object] = interviews.answers(session, interview_uuid)
        self.computed = interviews.computed(session, self.interview)
        self.flow = self._new_flow()
        self.pages: dict[str, SectionPage] = {}
        self.done = not self.interview.in_progress
        self.on_summary = False
        self._build()
        start = self.interview.current_section
        if not self.flow.is_relevant(start):
            start = self.flow.first_section() or self.form.sections[0].name
        names = [s.name for s in self.form.sections]
        self.visited = {n for n in names[: names.index(start) + 1] if self.flow.is_relevant(n)}
        self.current = start
        self._show(start)
        if self.done:
            self._set_read_only(_("This interview is completed."))
        self._builder = QTimer(self)  # builds the other pages while the program is idle
        self._builder.setInterval(0)
        self._builder.timeout.connect(self._build_one_page)
        self._builder.start()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        lang = self.interview.language
        self.title = QLabel(officer_text(self.form.title, lang, self.form), self)
        self.title.setObjectName("form_title")
        self.title.setWordWrap(True)
        self.language = QComboBox(self)
        self.language.setObjectName("interview_language")
        self.language.setAccessibleName(_("Interview language"))
        for code in [c for c in self.form.languages if c in LANGUAGES] or list(LANGUAGES):
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        self.language.currentIndexChanged.connect(self._language_chosen)
        language_label = QLabel(_("Interview &language:"), self)
        language_label.setBuddy(self.language)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(language_label)
        top.addWidget(self.language)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("overall_progress")
        self.progress.setAccessibleName(_("Required answers given"))

        self.sections = SectionList(self)
        self.sections.chosen.connect(self.go_to)
        self.stack = QStackedWidget(self)
        self.message = error_label("wizard_message", self)
        self.notice = QLabel(self)
        self.notice.setObjectName("wizard_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.warning = QLabel(self)  # answers that contradict each other (ages)
        self.warning.setObjectName("wizard_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.warning.hide()
        self.summary = SummaryPage(self.stack)
        self.summary.change.connect(self._change_from_summary)
        self.summary.confirmed.connect(self._finish)
        self.stack.addWidget(self.summary)
        self.back = self._button(_("Back"), "back", _("Previous section (Alt+Left, Ctrl+PgUp)"))
        self.back.clicked.connect(self.go_previous)
        self.pause = self._button(_("Pause"), "pause", _("Save and leave the interview for now"))
        self.pause.clicked.connect(self._pause)
        self.next = self._button(
            _("Next"), "next", _("Next section (Enter, Alt+Right, Ctrl+PgDown)")
        )
        self.next.clicked.connect(self.go_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.pause)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        legend = QLabel(_("Questions marked * are required."), self)
        legend.setObjectName("required_legend")
        centre = QVBoxLayout()
        centre.addWidget(legend)
        centre.addWidget(self.stack, 1)
        centre.addWidget(self.warning)
        centre.addWidget(self.message)
        centre.addWidget(self.notice)
        centre.addLayout(buttons)
        self.guidance = GuidancePanel(self)
        middle = QHBoxLayout()
        middle.addWidget(self.sections)
        middle.addLayout(centre, 1)
        middle.addWidget(self.guidance)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.progress)
        outer.addLayout(middle, 1)
        for keys, slot in ((NEXT_KEYS, self.go_next), (PREVIOUS_KEYS, self.go_previous)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(True)  # Enter on a focused button presses that button
        return button

    # -- pages -----------------------------------------------------------------------------------
    def _new_flow(self) -> Flow:
        # Messages are for the officer (UI language); labels use the interview language.
        return Flow(self.form, dict(self.answers), current_language())

    def _page(self, name: str) -> SectionPage:
        page = self.pages.get(name)
        if page is None:
            page = SectionPage(self.form, self.form.section(name), self.flow, self.stack)
            page.load(self.answers, self.flow)
            page.refill(self.answers, set(), self.computed)
            page.relabel(self.interview.language, self.flow)
            page.answered.connect(
                lambda question, value, p=page: self._answered(p, question, value)
            )
            page.rebuilt.connect(
                lambda p=page: self._chain(p) if p is self.stack.currentWidget() else None
            )
            if self.done:
                page.setEnabled(False)
            self.stack.addWidget(page)
            self.pages[name] = page
        return page

    def _build_one_page(self) -> None:
        missing = next((s.name for s in self.form.sections if s.name not in self.pages), None)
        if missing is None:
            self._builder.stop()
        else:
            self._page(missing)

    def _show(self, name: str) -> None:
        self.on_summary = False
        self.next.show()
        page = self._page(name)
        page.apply(self.flow, self.interview.language)
        self.stack.setCurrentWidget(page)
        self.current = name
        self.visited.add(name)
        if name != self.interview.current_section and not self.done:
            try:
                interviews.set_section(self.session, self.interview, name)
                self.interview = replace(self.interview, current_section=name)
            except (IdtoolError, database.DatabaseError) as exc:
                self._say(error_text(exc))
        self._refresh()
        section = self.form.section(name)
        self.guidance.show_section(officer_text(section.hint, self.interview.language, self.form))
        self.guidance.show_question("", "")
        self._chain(page)
        page.focus_first()

    def _chain(self, page: SectionPage) -> None:
        """The tab order: language, the page's inputs and buttons, then the wizard's."""
        chain = [self.language, *page.focus_widgets(), self.back, self.pause, self.next]
        for first, second in pairwise([*chain, self.sections]):
            QWidget.setTabOrder(first, second)

    def _refresh(self) -> None:
        """Side panel, overall progress and the Next/Finish button as the answers stand."""
        names = [s.name for s in self.form.sections]
        position = names.index(self.current)
        reachable = self.visited | set(names[:position])
        self.sections.refresh(
            self.flow, self.form, self.interview.language, self.current, reachable
        )
        answered, total = self.flow.progress()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(answered if total else 1)
        text = _("{answered} of {total} required answers").format(answered=answered, total=total)
        self.progress.setFormat(text.replace("%", "%%"))
        last = self.flow.next_section(self.current) is None
        self.next.setText(_("Check the answers") if last else _("Next"))
        self.back.setEnabled(
            self.on_summary or self.flow.previous_section(self.current) is not None
        )
        self._show_warnings()

    # -- answers ---------------------------------------------------------------------------------
    def _answered(self, page: SectionPage, name: str, value: object) -> None:
        """Store the answer at once, then bring relevance and progress up to date."""
        try:
            stored = interviews.save_answer(self.session, self.interview, name, value)
        except (IdtoolError, database.DatabaseError) as exc:
            # Beside the question, what to do is enough; the status line names the question.
            page.refused(name, exc.problem if isinstance(exc, AnswerError) else error_text(exc))
            self._say(error_text(exc))
            return
        self.answers[name] = stored
        # Show the other answers the core kept in step with the person record.
        self.answers, self.computed = refill(self.session, self.interview, self.pages, self.answers)
        self.flow = self._new_flow()
        page.apply(self.flow, self.interview.language)
        self._refresh()

    def save_pending(self) -> None:
        """Save what is being typed now (call before closing the session)."""
        page = self.pages.get(self.current)
        if page is not None and not self.done:
            page.flush()

    # -- navigation ------------------------------------------------------------------------------
    def go_next(self) -> None:
        """Validate this page; move to the next section, or to the summary after the last one
        (the interview is completed only from the summary, never by Next or Enter)."""
        if self.done or self.on_summary:
            return
        self.save_pending()
        if not self._page_valid(self.current):
            return
        following = self.flow.next_section(self.current)
        if following is None:
            self.show_summary()
        else:
            self._say("")
            self._show(following)

    def go_previous(self) -> None:
        if self.done:
            return
        self.save_pending()
        if self.on_summary:
            self._show(self.current)
            return
        previous = self.flow.previous_section(self.current)
        if previous is not None:
            self._say("")
            self._show(previous)

    def go_to(self, name: str) -> None:
        """Jump to a section already reached; pages passed on the way forward must validate."""
        if self.on_summary and name == self.current:
            self._show(name)
            return
        if self.done or name == self.current or not self.flow.is_relevant(name):
            return
        self.save_pending()
        names = [s.name for s in self.form.sections]
        if names.index(name) > names.index(self.current):
            if name not in self.visited:
                return
            step: str | None = self.current
            while step is not None and step != name:
                if not self._page_valid(step):
                    return
                step = self.flow.next_section(step)
        self._say("")
        self._show(name)

    def _page_valid(self, name: str) -> bool:
        """True when the section validates; else show it with its messages."""
        page = self.pages.get(name)
        issues = (page.input_problems() if page else []) + self.flow.validate_section(name)
        if not issues:
            if page is not None:
                page.show_issues([])
            return True
        self._show_issues(name, issues)
        return False

    def _show_issues(self, name: str, issues: list[ValidationIssue]) -> None:
        if name != self.current:
            self._show(name)
        page = self.pages[name]
        page.show_issues(issues)
        self._say(
            _("Correct the marked answers before you continue ({count}).").format(count=len(issues))
        )
        page.focus_first(issues)

    def _pause(self) -> None:
        self.save_pending()
        self.paused.emit()

    def _say(self, text: str) -> None:
        if text or not self.message.isHidden():
            show_error(self.message, text)

    # -- language and guidance -------------------------------------------------------------------
    def _language_chosen(self, index: int) -> None:
        lang = self.language.itemData(index)
        if not lang or lang == self.interview.language or self.done:
            return
        try:
            interviews.set_language(self.session, self.interview, lang)
        except (IdtoolError, database.DatabaseError) as exc:
            self._say(error_text(exc))
            return
        self.interview = replace(self.interview, language=lang)
        for page in self.pages.values():
            page.relabel(lang, self.flow)
        self.title.setText(officer_text(self.form.title, lang, self.form))
        section = self.form.section(self.current)
        self.guidance.show_section(officer_text(section.hint, lang, self.form))
        if self.on_summary:
            self.summary.show_answers(self._summary_flow(), self._warnings())
        self._refresh()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        page = self.pages.get(self.current)
        block = page.block_of(new) if page is not None else None
        if block is None:
            return
        lang = self.interview.language
        question = block.question
        entry = page.entry_of(block, self.flow) if page is not None else None
        self.guidance.show_question(
            officer_label(self.flow, question.label, lang, entry),
            officer_label(self.flow, question.hint, lang, entry),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves on, unless it belongs to a list, a combo box or a multi-line text
        (those keep the key to themselves or get it first)."""
        focus = QApplication.focusWidget()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if enter and plain and self.on_summary:
            event.accept()  # on the summary only "Complete the interview" completes it
            return
        if enter and plain and focus not in (self.language, self.sections):
            event.accept()
            self.go_next()
            return
        super().keyPressEvent(event)
