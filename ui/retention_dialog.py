"""Retention review: the cases the retention schedule erases on a day, listed before anything
is erased, then erased (reduced to their anonymised facts) after a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, retention
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error
from ui.tasks import run_task


def _schedule_text(periods: dict[str, int]) -> str:
    if not periods:
        return _(
            "No retention periods are set: data is kept until erased on request. A "
            "supervisor sets them (Change the schedule…, or idtool retention set), or the "
            "coordinator's update does."
        )
    parts = [
        _("{status}: {years} (years)").format(status=cases.status_label(s), years=n)
        for s, n in periods.items()
    ]
    return _("Retention schedule: {periods}.").format(periods="; ".join(parts))


class RetentionDialog(QDialog):
    def __init__(
        self, session: Session, parent: QWidget | None = None, done: Callable[[], None] = list
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.done_callback = done
        self.due: list[retention.Due] = []
        self.setWindowTitle(_("Retention review"))
        self.intro = intro = QLabel(_schedule_text(retention.periods(session)))
        intro.setWordWrap(True)
        explain = QLabel(
            _(
                "A case listed here is reduced to the anonymised facts the statistics "
                "count: the person's name, details, answers and free text are erased; the "
                "figures stay the same. Nothing is erased until you confirm."
            )
        )
        explain.setWordWrap(True)
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setObjectName("retention_as_of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.dateChanged.connect(self.refresh)
        form = QFormLayout()
        form.addRow(_("Count the years up &to:"), self.as_of)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("retention_table")
        self.table.setHorizontalHeaderLabels(
            [_("Case"), _("Status"), _("Last recorded"), _("Years")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(_("Cases due for erasure"))
        self.count = QLabel()
        self.count.setObjectName("retention_count")
        self.error = error_label("retention_error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = buttons.addButton(
            _("&Erase these cases…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.apply_button.setObjectName("retention_apply")
        self.apply_button.clicked.connect(self._apply)
        self.schedule_button = buttons.addButton(
            _("Change the &schedule…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.schedule_button.setObjectName("retention_schedule")
        self.schedule_button.clicked.connect(self._edit_schedule)
        self.schedule_button.setVisible(retention.may_set(session))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, explain):
            layout.addWidget(w)
        layout.addLayout(form)
        for w2 in (self.table, self.count, self.error, buttons):
            layout.addWidget(w2)
        self.resize(640, 480)
        self.refresh()

    def _edit_schedule(self) -> None:
        from ui.retention_schedule import ScheduleDialog

        if ScheduleDialog(self.session, self).exec():
            self.intro.setText(_schedule_text(retention.periods(self.session)))
            self.refresh()

    def day(self) -> date:
        return self.as_of.date().toPython()  # type: ignore[no-any-return]

    def refresh(self) -> None:
        show_error(self.error, "")
        try:
            self.due = retention.due(self.session, self.day())
        except Exception as exc:  # the core's message, never a traceback
            self.due = []
            show_error(self.error, failure_text(exc, _("The cases due could not be listed.")))
        self.table.setRowCount(len(self.due))
        for row, case in enumerate(self.due):
            for col, text in enumerate(
                (case.number, cases.status_label(case.status), case.last, str(case.years))
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.count.setText(
            _("Cases due for erasure: {count}.").format(count=len(self.due))
            if self.due
            else _("No case is due for erasure.")
        )
        self.apply_button.setEnabled(bool(self.due))

    def _apply(self) -> None:
        count, day = len(self.due), self.day()
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            _(
                "Reduce the cases listed ({count}) to their anonymised facts? The persons' "
                "data in them is erased for good."
            ).format(count=count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.apply_button.setEnabled(False)
        run_task(
            lambda worker, state: retention.apply(worker, day, state.progress, state.cancelled),
            self._applied,
            self._failed,
            session=self.session,
            owner=self,
            progress=_("Erasing…"),
            title=self.windowTitle(),
            name="retention",
        )

    def _applied(self, applied: object) -> None:
        assert isinstance(applied, retention.Applied)
        self.refresh()
        self.count.setText(
            _("Cases erased by the retention schedule: {count}.").format(count=len(applied.numbers))
        )
        self.done_callback()

    def _failed(self, exc: BaseException) -> None:
        self.refresh()
        show_error(self.error, failure_text(exc, _("The cases could not be erased.")))


def add_action(
    owner: QWidget, menu: QMenu, session: Session, done: Callable[[], None] = list
) -> None:
    """Tools > Retention review…, for a role the policy allows to erase."""
    if not session.can(Action.ERASE_DATA):
        return
    action = QAction(_("&Retention review…"), owner)
    action.setObjectName("action_retention")
    action.triggered.connect(lambda: RetentionDialog(session, owner, done).exec())
    menu.addAction(action)
