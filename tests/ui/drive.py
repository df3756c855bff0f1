"""Driving real widgets as a person would: typing (Kyrgyz letters included), clicking, answering
the file and modal dialogs a flow opens, unlocking the window, going through the interview
wizard; and reading back what is on screen. Fixtures are in tests/ui/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QRadioButton, QWidget

from idtool import cases, interviews
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from ui.interview import InterviewWizard
from ui.interview.page import QuestionBlock
from ui.sync.import_flow import ImportFlow
from ui.unlock_page import UnlockPage

# -- what a person types and reads ------------------------------------------------------------


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
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(
                kind,
                Qt.Key.Key_unknown if not ch.isascii() else ord(ch.upper()),
                Qt.KeyboardModifier.NoModifier,
                ch,
            )
            QApplication.sendEvent(widget, event)


def show(qtbot: Any, widget: QWidget) -> Any:
    """`widget` shown, and closed with the test."""
    qtbot.addWidget(widget)
    widget.show()
    return widget


def click(qtbot: Any, widget: QWidget) -> None:
    """A left click in the middle of `widget`, once what changed is laid out."""
    QApplication.processEvents()
    qtbot.mouseClick(
        widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2, widget.height() // 2)
    )


def unlock(qtbot: Any, window: Any, name: str, passphrase: str) -> None:
    """Type the name and passphrase on the window's unlock page and press Return."""
    page = window.page
    assert isinstance(page, UnlockPage)
    type_text(page.name, name)
    type_text(page.passphrase, passphrase)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)


# -- the dialogs a flow opens -----------------------------------------------------------------


def save_to(monkeypatch: Any, path: Path) -> list[str]:
    """The save dialog answers `path`; returns the proposed names it was asked with."""
    asked: list[str] = []

    def answer(_parent, caption, proposed, _filter):
        asked.extend([caption, proposed])
        return str(path), "PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return asked


def answer_files(monkeypatch, *, save=None, open_=None, opens=None, folder=None) -> None:
    """The file dialogs answer: `save` to save, `open_` to open one, `opens` to open several,
    `folder` to choose a folder."""
    if save is not None:
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(save), ""))
        )
    if open_ is not None:
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(open_), ""))
        )
    if opens is not None:
        monkeypatch.setattr(
            QFileDialog,
            "getOpenFileNames",
            staticmethod(lambda *a, **k: ([str(p) for p in opens], "")),
        )
    if folder is not None:
        monkeypatch.setattr(
            QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder))
        )


def in_dialog(cls: type, act: Callable[[Any], object], tries: int = 500) -> None:
    """Run `act` on the modal dialog of type `cls` once it is open; it is closed in any case."""

    def run(left: int) -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()),
            None,
        )
        if dialog is None:
            if left:
                QTimer.singleShot(10, lambda: run(left - 1))
            return
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(10, lambda: run(tries))


def run_import(qtbot, session, parent, paths, monkeypatch, refreshed=None):
    """Import `paths` through the import flow, as chosen in the file dialog; returns the report
    dialog."""
    answer_files(monkeypatch, opens=paths)
    flow = ImportFlow(session, parent, on_imported=refreshed)
    assert flow.start()
    qtbot.waitUntil(lambda: flow.report_dialog is not None, timeout=15_000)
    qtbot.addWidget(flow.report_dialog)
    return flow.report_dialog


def verify_now(qtbot: Any, dialog: Any) -> Any:
    """Press Verify in the verification dialog; the result, or None after an error."""
    dialog.result_value = None
    click(qtbot, dialog.verify_button)
    qtbot.waitUntil(
        lambda: dialog.result_value is not None or dialog.error.isVisible(), timeout=10_000
    )
    return dialog.result_value


# -- the interview wizard ---------------------------------------------------------------------


def new_interview(session: Session, form_id: str = "nrm-screening", language: str = "en") -> str:
    """A new case with an interview started on `form_id`; returns the interview's id."""
    case = cases.open_case(session, full_name="Test Person", region="osh")
    return interviews.start(session, case.uuid, load_shipped(form_id), language).uuid


def block(wizard: InterviewWizard, name: str) -> QuestionBlock:
    return wizard.pages[wizard.current].blocks[name]


def choose(qtbot: Any, wizard: InterviewWizard, question: str, choice: str) -> None:
    """Click a radio button or check box on its indicator, as a person would."""
    button = block(wizard, question).input.buttons[choice]
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def stored(session: Session, uuid: str) -> dict[str, object]:
    """The answers in the database for the interview."""
    return interviews.answers(session, uuid)


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF the program wrote."""
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def click_scrolled(qtbot: Any, page: Any, widget: QWidget) -> None:
    """Click a widget of a scrolling page as a person would: scrolled into view first (on a
    page in tabs, the case view, its tab is chosen first)."""
    QApplication.processEvents()  # lay out what changed since the last click
    reveal = getattr(page, "reveal", None)
    if callable(reveal):
        reveal(widget)
    else:
        page.scroll_area.ensureWidgetVisible(widget)
    QApplication.processEvents()
    # A radio button reacts on its indicator and text, not on the empty rest of its row.
    x = 8 if isinstance(widget, QRadioButton) else widget.width() // 2
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(x, widget.height() // 2))
