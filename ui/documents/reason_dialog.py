"""A recorded step that cannot be undone and needs a reason: what it does, the reason (required),
and a confirmation before the core records it. Revoking a certificate and allowing a new one
are such steps (`RevokeDialog`, `AllowNewDialog`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.fields import error_label, failure_text, show_error


class ReasonDialog(QDialog):
    """Subclasses give the words (all translated) and `record(reason)`, the core's call."""

    def __init__(
        self,
        name: str,  # object names start with it: "<name>_reason", "<name>_ok", "<name>_error"
        title: str,
        intro: str,
        caption: str,
        accessible: str,
        ok_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.setWindowTitle(title)
        text = QLabel(intro)
        text.setWordWrap(True)
        label = QLabel(caption)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName(f"{name}_reason")
        self.reason.setAccessibleName(accessible)
        self.reason.setTabChangesFocus(True)
        label.setBuddy(self.reason)
        self.error = error_label(f"{name}_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(ok_label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName(f"{name}_ok")
        self.buttons.accepted.connect(self._confirmed)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (text, label, self.reason, self.error, self.buttons):
            layout.addWidget(w)
        self.reason.setFocus()

    # -- for subclasses -------------------------------------------------------------------------
    def missing_reason(self) -> str:
        raise NotImplementedError

    def question(self) -> str:
        raise NotImplementedError

    def failed(self) -> str:
        raise NotImplementedError

    def record(self, reason: str) -> None:
        raise NotImplementedError

    def _confirmed(self) -> None:
        reason = " ".join(self.reason.toPlainText().split())
        if not reason:
            show_error(self.error, self.missing_reason())
            self.reason.setFocus()
            return
        answer = QMessageBox.question(
            self,
            self.title,
            self.question(),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.record(reason)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, self.failed()))
            return
        self.accept()
