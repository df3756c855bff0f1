"""Small building blocks shared by the pages: labelled inputs, inline messages, and the one
line an officer reads for a failure."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from idtool.errors import IdtoolError
from idtool.i18n import _


def line_edit(
    accessible_name: str,
    *,
    secret: bool = False,
    parent: QWidget | None = None,
    object_name: str = "",
) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(accessible_name)
    if object_name:
        edit.setObjectName(object_name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def error_label(object_name: str = "error", parent: QWidget | None = None) -> QLabel:
    """An inline error line: red, word-wrapped, announced to screen readers, empty when fine."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020; font-weight: bold;")
    label.setAccessibleName(object_name)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def failure_text(exc: BaseException, fallback: str | None = None) -> str:
    """The officer's one line for a failure, never a traceback: the core's own message (an
    IdtoolError: translated, specific), else `fallback` (what could not be done), else a line
    for a file that could not be read or written, or a general one."""
    if isinstance(exc, IdtoolError):
        return exc.message
    if fallback is not None:
        return fallback
    if isinstance(exc, OSError):
        return _("The file could not be read or written. Check the USB stick and try again.")
    return _("Something went wrong; nothing was changed.")


def centred_column(outer: QWidget, max_width: int = 560) -> QWidget:
    """Give `outer` a centred column of at most `max_width` pixels; returns the column widget
    to lay the page out in. Short forms read better than lines stretched across the screen."""
    from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

    column = QWidget(outer)
    column.setMaximumWidth(max_width)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(column, 4)
    row.addStretch(1)
    page = QVBoxLayout(outer)
    page.addSpacing(24)
    page.addLayout(row)
    return column


def text_edit(accessible_name: str, object_name: str) -> QPlainTextEdit:
    """A short multi-line input (Tab moves on, as in a form)."""
    edit = QPlainTextEdit()
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible_name)
    edit.setTabChangesFocus(True)
    edit.setMaximumHeight(70)
    return edit
