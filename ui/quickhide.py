"""Quick-hide: F12, or Escape pressed twice within a moment, locks the program at once.

An Escape that closes a popup (a menu, a drop-down list, a calendar) does not count: an officer
closing a menu and then a dialog with Escape is not locked out. F12 always locks.

For the interview room: when someone walks in, one key hides everything. The filter sees key
presses anywhere in the application (dialogs included) and never swallows them.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication

DOUBLE_ESCAPE_SECONDS = 0.6


class QuickHide(QObject):
    triggered = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_escape = 0.0
        self._seen: tuple[int, int] | None = None
        self._active = False

    def activate(self) -> None:
        # Qt's key names are looked up here, at unlock, not when the program starts.
        from PySide6.QtCore import Qt

        self._f12, self._escape = Qt.Key.Key_F12, Qt.Key.Key_Escape
        self._seen, self._last_escape = None, 0.0  # the key that locked was never released here
        if not self._active:
            QApplication.instance().installEventFilter(self)
            self._active = True

    def deactivate(self) -> None:
        if self._active:
            QApplication.instance().removeEventFilter(self)
            self._active = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyRelease:
            self._seen = None  # the next press is a new one, whatever its address
            return False
        if event.type() != QEvent.Type.KeyPress or event.isAutoRepeat():
            return False
        # An unhandled key press travels up to the parents and passes this filter again.
        seen = (shiboken6.getCppPointer(event)[0], event.timestamp())
        if seen == self._seen:
            return False
        self._seen = seen
        key = event.key()
        if key == self._f12:
            self.triggered.emit()
        elif key == self._escape:
            if QApplication.activePopupWidget() is not None:
                # This Escape closes a menu, a list or a calendar: it starts no double press.
                self._last_escape = 0.0
                return False
            now = time.monotonic()
            if now - self._last_escape <= DOUBLE_ESCAPE_SECONDS:
                self._last_escape = 0.0
                self.triggered.emit()
            else:
                self._last_escape = now
        return False
