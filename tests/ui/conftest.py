from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from idtool import settings as settings_mod
from ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(vault, lock_timeout_ms=None, language="en"):
        settings = settings_mod.Settings(language=language)
        window = MainWindow(
            vault, settings, config_dir=tmp_path / "config", lock_timeout_ms=lock_timeout_ms
        )
        qtbot.addWidget(window)
        window.show()
        return window

    return make


def visible_texts(window: QWidget) -> list[str]:
    """Every piece of text a person could read on screen right now."""
    texts = [window.windowTitle()]
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        texts.append(top.windowTitle())
        for w in [top, *top.findChildren(QWidget)]:
            if not w.isVisible():
                continue
            for getter in ("text", "placeholderText", "toolTip", "currentText"):
                fn = getattr(w, getter, None)
                if callable(fn):
                    try:
                        value = fn()
                    except TypeError:
                        continue
                    if isinstance(value, str):
                        texts.append(value)
            if isinstance(w, QLabel | QLineEdit):
                texts.append(w.accessibleName())
    texts.append(window.statusBar().currentMessage())
    return texts


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into a widget as key events, Cyrillic and Kyrgyz letters included.

    QTest.keyClicks only knows ASCII; a key press event carrying the text is what a keyboard
    layout delivers for ө, ү, ң.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(
                kind,
                Qt.Key.Key_unknown if not ch.isascii() else ord(ch.upper()),
                Qt.KeyboardModifier.NoModifier,
                ch,
            )
            QApplication.sendEvent(widget, event)
