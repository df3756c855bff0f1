"""The end of an interview: the summary with its "Change" buttons, the confirmation that
completes the interview, and the warnings about answers that contradict each other (the rules
are the core's `age_checks`). A part of `InterviewWizard`, kept apart to keep modules short."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from idtool import age_checks, database, interviews
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.questionnaire.flow import Flow
from ui.fields import failure_text


def error_text(exc: Exception) -> str:
    return failure_text(
        exc,
        _("The answer could not be saved. Try again; if it keeps failing, tell your supervisor."),
    )


class Finishing:
    """The summary and completion steps of the interview wizard (mixed into it)."""

    def _warnings(self, questions: set[str] | None = None) -> list[str]:
        """The core's warnings about answers that contradict each other (only those about
        `questions` when given)."""
        found = age_checks.contradictions(self.flow.effective_answers())
        return [w.message for w in found if questions is None or questions & set(w.questions)]

    def _show_warnings(self) -> None:
        page = self.pages.get(self.current)
        shown = set(page.blocks) if page is not None and not self.on_summary else set()
        text = "\n".join(self._warnings(shown)) if shown else ""
        if text != self.warning.text() or self.warning.isHidden() == bool(text):
            self.warning.setText(text)
            self.warning.setVisible(bool(text))

    def show_summary(self) -> None:
        """Every answer with a "Change" button for each, and the confirmation (once every
        section validates)."""
        for section in self.flow.sections():
            if not self._page_valid(section.name):
                return
        self._say("")
        self.summary.show_answers(self._summary_flow(), self._warnings())
        self.on_summary = True
        self.stack.setCurrentWidget(self.summary)
        self.next.hide()
        self._refresh()
        self.guidance.show_section(_("Check each answer with the person if needed."))
        self.guidance.show_question("", "")
        chain = [self.language, *self.summary.focus_widgets(), self.back, self.pause]
        for first, second in pairwise([*chain, self.sections]):
            QWidget.setTabOrder(first, second)
        first_change = next(iter(self.summary.change_buttons.values()), None)
        (first_change or self.back).setFocus(Qt.FocusReason.TabFocusReason)

    def _summary_flow(self) -> Flow:
        """The answers with labels in the interview language (the person's words)."""
        return Flow(self.form, dict(self.answers), self.interview.language)

    def _change_from_summary(self, section: str, question: str) -> None:
        self._show(section)
        page = self.pages[section]
        block = page.blocks.get(question)
        if question in page.repeats:
            page.focus_question(question)
        elif block is not None and block.input is not None:
            widgets = [w for w in block.input.focus_widgets() if not w.isHidden()]
            if widgets:
                widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
                page.ensureWidgetVisible(block)

    def _finish(self) -> None:
        """Complete the interview (the summary's confirmation)."""
        if self.done:
            return
        for section in self.flow.sections():
            if not self._page_valid(section.name):
                return
        try:
            interviews.complete(self.session, self.interview)
        except (IdtoolError, database.DatabaseError) as exc:
            self._say(error_text(exc))
            return
        self.interview = interviews.get(self.session, self.interview.uuid)
        self._set_read_only(_("The interview is complete. The answers are saved."))
        self.completed.emit(self.interview.uuid)

    def _set_read_only(self, notice: str) -> None:
        self.done = True
        self._say("")
        for page in self.pages.values():
            page.setEnabled(False)
        for widget in (self.next, self.back, self.pause, self.language):
            widget.setEnabled(False)
        if self.summary.confirm is not None:
            self.summary.confirm.setEnabled(False)
        self.notice.setText(notice)
        self.notice.show()
