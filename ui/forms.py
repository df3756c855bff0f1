"""Small building blocks shared by the pages: labelled inputs and inline messages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget


def line_edit(accessible_name: str, *, secret: bool = False, parent: QWidget | None = None,
              object_name: str = "") -> QLineEdit:
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
