"""The unlocked workspace: case list, case view, interview and review, one at a time.

Pages are created when shown and destroyed when left, so nothing personal lingers in hidden
widgets; the main window destroys the whole workspace on lock.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from idtool.errors import NotPermitted
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session


class Workspace(QWidget):
    page_changed = Signal(str)

    def __init__(self, session: Session, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if demo:
            banner = QLabel(
                _(
                    "DEMO - every case here is synthetic and fictional. Nothing is "
                    "real, and this demo database is deleted when the program "
                    "closes."
                )
            )
            banner.setObjectName("demo_banner")
            banner.setWordWrap(True)
            banner.setStyleSheet(
                "background: #ffd54f; color: #000; padding: 6px; font-weight: bold;"
            )
            banner.setAccessibleName(_("Demo mode"))
            layout.addWidget(banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.current: QWidget | None = None
        self.page_name = ""
        self.target = ""  # the case or interview the page shows
        self.show_cases()

    def _show(self, page: QWidget, name: str, target: str = "") -> None:
        old = self.current
        self.target = target
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.current = page
        self.page_name = name
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        page.setFocus()
        self.page_changed.emit(name)

    def save_pending(self) -> None:
        """Before a lock: store what is still being typed in an interview."""
        save = getattr(self.current, "save_pending", None)
        if callable(save):
            save()

    def place(self) -> tuple[str, str]:
        """The page and the case or interview on it (kept over a language change or lock)."""
        return self.page_name, self.target

    def place_detail(self) -> str:
        """Where on the page: the case view's tab ("" elsewhere)."""
        tab = getattr(self.current, "tab_name", "") if self.page_name == "case" else ""
        return tab if isinstance(tab, str) else ""

    def go_to_place(self, name: str, target: str, detail: str = "") -> None:
        """Show a page again as `place` and `place_detail` gave it."""
        pages = {"interview": self.show_interview, "review": self.show_review}
        if name == "case" and target:
            self.show_case(target, tab=detail or "summary")
        elif name in pages and target:
            pages[name](target)
        elif name != self.page_name:
            self.show_cases()

    def refresh(self) -> None:
        """Show new data on the case list; other pages (an interview) are left alone."""
        if self.page_name == "cases":
            self.show_cases()

    # -- pages -------------------------------------------------------------------------------
    def show_cases(self) -> None:
        from ui.cases.list_page import CaseListPage

        page = CaseListPage(self.session)
        page.open_case.connect(self.show_case)
        page.new_case.connect(self.new_case)
        self._show(page, "cases")

    def show_case(self, case_uuid: str, tab: str = "summary") -> None:
        from ui.cases.case_view import CaseView

        page = CaseView(self.session, case_uuid, tab=tab)
        page.resume_interview.connect(self.show_interview)
        page.new_interview.connect(self.new_interview)
        page.review.connect(self.show_review)
        page.back.connect(self.show_cases)
        self._show(page, "case", case_uuid)

    def new_case(self) -> None:
        from ui.cases.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.session, self)
        if dialog.exec() and dialog.interview_uuid:
            self.show_interview(dialog.interview_uuid)
        elif dialog.existing_case_uuid:  # the same person's case, opened instead
            self.show_case(dialog.existing_case_uuid)

    def new_interview(self, case_uuid: str) -> None:
        from ui.new_interview_dialog import NewInterviewDialog

        dialog = NewInterviewDialog(self.session, case_uuid, self)
        if dialog.exec() and dialog.interview_uuid:
            self.show_interview(dialog.interview_uuid)

    def show_interview(self, interview_uuid: str) -> None:
        from idtool import interviews
        from ui.interview import InterviewWizard

        case_uuid = interviews.get(self.session, interview_uuid).case_uuid
        try:
            page = InterviewWizard(self.session, interview_uuid)
        except NotPermitted as refused:  # a prosecutor without consent to law enforcement
            QMessageBox.information(self, _("Interview"), refused.message)
            return
        page.completed.connect(self.interview_completed)
        page.completed.connect(lambda _uuid: self.show_review(case_uuid))
        page.paused.connect(lambda: self.show_case(case_uuid, "interviews"))
        self._show(page, "interview", interview_uuid)

    def interview_completed(self, interview_uuid: str) -> None:
        """The consent page's answers become the consent record (nobody records it twice)."""
        from idtool import interview_consent
        from idtool.errors import IdtoolError

        # On failure the officer records it in the consent dialog, as before.
        with contextlib.suppress(IdtoolError):
            interview_consent.record(self.session, interview_uuid)

    def show_review(self, case_uuid: str) -> None:
        from ui.cases.decision_page import DecisionPage

        try:
            page = DecisionPage(self.session, case_uuid)
        except NotPermitted as refused:  # a prosecutor without consent to law enforcement
            QMessageBox.information(self, _("Review and decision"), refused.message)
            return
        page.decided.connect(lambda uuid: self.show_case(uuid, "decision"))  # the certificate next
        page.back.connect(lambda: self.show_case(case_uuid))
        self._show(page, "review", case_uuid)
