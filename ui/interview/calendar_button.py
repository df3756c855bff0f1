"""The calendar beside a typed date: a button that opens a month to pick the day from.

Typing stays the quick way (DD.MM.YYYY as on passports, or YYYY-MM-DD; `idtool.dates` reads
both); the calendar is for a day the officer knows only by the weekday or the month's page.
The keyboard works in it: arrows move the day, Enter picks it, Escape closes it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QPoint, Qt
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QToolButton, QWidget

from idtool import dates
from idtool.i18n import _, current_language


class CalendarButton(QToolButton):
    """Opens a calendar under `edit`, starting at the date typed there (else today); the day
    chosen is put in `edit` as "YYYY-MM-DD" and its editing finished (the answer commits)."""

    def __init__(self, edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = edit
        self.setObjectName("calendar_button")
        self.setText(_("Calendar…"))
        self.setToolTip(_("Choose the day in a calendar"))
        self.setAccessibleName(_("Choose the day in a calendar"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clicked.connect(self.open_calendar)
        self.calendar: QCalendarWidget | None = None

    def name_after(self, question: str) -> None:
        """The button's accessible name says which question's date it picks."""
        self.setAccessibleName(
            _("Choose the day in a calendar: {question}").format(question=question)
        )

    def open_calendar(self) -> None:
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlag(Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.calendar.setLocale(QLocale(current_language()))  # month and day names
            self.calendar.activated.connect(self._pick)  # Enter or a double click
            self.calendar.clicked.connect(self._pick)
        typed = dates.parse_typed(self.edit.text()) or dt.date.today()
        self.calendar.setSelectedDate(QDate(typed.year, typed.month, typed.day))
        self.calendar.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.calendar.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, day: QDate) -> None:
        if self.calendar is not None:
            self.calendar.hide()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.edit.editingFinished.emit()
