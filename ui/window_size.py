"""The main window's first size: the whole program on a 1366x768 laptop with a taskbar.

On a screen whose free area (the taskbar left out) is smaller than the comfortable size the
window starts maximised; on a larger one it starts at that size, centred. The interview page
fits either way (`tests/ui/test_place_and_window.py`).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QWidget

COMFORTABLE = QSize(1200, 800)
# The smallest free area the program is laid out for: 1366x768 less a 40-pixel taskbar and the
# window's title bar.
SMALLEST = QSize(1366, 768 - 40 - 30)


def first_geometry(available: QRect) -> tuple[QRect, bool]:
    """(the window's rectangle, whether to maximise) on a screen with free area `available`."""
    if (
        available.width() < COMFORTABLE.width() + 40
        or available.height() < COMFORTABLE.height() + 60
    ):
        return QRect(available), True
    rect = QRect(0, 0, COMFORTABLE.width(), COMFORTABLE.height())
    rect.moveCenter(available.center())
    return rect, False


def fit_to_screen(window: QWidget) -> None:
    """Size `window` for the screen it is on (call before it is first shown)."""
    screen = window.screen()
    if screen is None:
        return
    rect, maximise = first_geometry(screen.availableGeometry())
    window.setGeometry(rect)
    if maximise:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
