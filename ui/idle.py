"""Idle auto-lock: one single-shot timer, re-armed by any keyboard or mouse input.

As in KeePassXC's InactivityTimer: an application-wide event filter sees every input event.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
}


class InactivityTimer(QObject):
    inactive = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.inactive)
        self._active = False

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._active:
            self._timer.start()

    def timeout(self) -> int:
        return self._timer.interval()

    def activate(self) -> None:
        if not self._active:
            QApplication.instance().installEventFilter(self)
            self._active = True
        self._timer.start()

    def deactivate(self) -> None:
        if self._active:
            QApplication.instance().removeEventFilter(self)
            self._active = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
