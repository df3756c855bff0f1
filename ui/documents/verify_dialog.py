"""Verify a victim-status certificate: its code typed or pasted, or a PDF or picture of it.

The answer - valid, not valid, revoked, unknown issuer - is shown in colour and in words, and,
when the holder's name and date of birth are typed, whether they match. Verification only reads:
the trust list is loaded on the GUI thread and the checking (QR decoding can be slow) runs off it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool.certificate.trust import trust_list
from idtool.certificate.verify import IMAGE_SUFFIXES, Status, VerificationResult, verify
from idtool.i18n import N_, _, gettext
from idtool.session import Session
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.tasks import run_task

HEADLINES = {
    Status.VALID: N_("VALID"),
    Status.INVALID: N_("NOT VALID"),
    Status.REVOKED: N_("REVOKED"),
    Status.UNKNOWN_ISSUER: N_("UNKNOWN ISSUER"),
    Status.ISSUER_REVOKED: N_("NOT VALID"),  # a revoked device's or a retired key's signature
}
# Background, text colour: green, red, dark orange, amber.
COLOURS = {
    Status.VALID: ("#1b5e20", "#ffffff"),
    Status.INVALID: ("#b00020", "#ffffff"),
    Status.REVOKED: ("#bf360c", "#ffffff"),
    Status.UNKNOWN_ISSUER: ("#ffb300", "#000000"),
    Status.ISSUER_REVOKED: ("#b00020", "#ffffff"),
}
MATCH_COLOURS = {True: "#1b5e20", False: "#b00020"}


class VerifyDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.path: Path | None = None
        self.result_value: VerificationResult | None = None
        self.setWindowTitle(_("Verify a certificate"))
        self.resize(620, 520)
        intro = QLabel(
            _(
                "Paste or type the code printed under the QR code, or open a PDF or "
                "a photo or scan of the certificate."
            )
        )
        intro.setWordWrap(True)
        code_caption = QLabel(_("Certificate &code:"))
        self.code = QPlainTextEdit()
        self.code.setObjectName("verify_code")
        self.code.setAccessibleName(_("Certificate code"))
        self.code.setPlaceholderText("NRM1:…")
        self.code.setTabChangesFocus(True)
        self.code.setMaximumHeight(90)
        self.code.textChanged.connect(self._code_typed)
        code_caption.setBuddy(self.code)
        self.open_button = QPushButton(_("&Open a PDF or picture…"))
        self.open_button.setObjectName("verify_open")
        self.open_button.clicked.connect(self._open)
        self.file_label = QLabel()
        self.file_label.setObjectName("verify_file")
        self.file_label.setWordWrap(True)
        file_row = QHBoxLayout()
        file_row.addWidget(self.open_button)
        file_row.addWidget(self.file_label, 1)

        self.name = line_edit(_("Holder's full name"), object_name="verify_name")
        self.birth_date = line_edit(_("Holder's date of birth"), object_name="verify_birth")
        self.birth_date.setPlaceholderText(_("DD.MM.YYYY or YYYY-MM-DD"))
        holder = QFormLayout()
        holder.addRow(_("Holder's &name (optional):"), self.name)
        holder.addRow(_("Date of &birth (optional):"), self.birth_date)

        self.verify_button = QPushButton(_("&Verify"))
        self.verify_button.setObjectName("verify_run")
        self.verify_button.setDefault(True)
        self.verify_button.clicked.connect(self.run)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Checking"))
        self.busy.hide()
        self.error = error_label("verify_error")

        self.result_box = QFrame()
        self.result_box.setObjectName("verify_result")
        self.result_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.headline = self._result_label("verify_status", bold=True)
        self.detail = self._result_label("verify_detail")
        self.holder = self._result_label("verify_holder", bold=True)
        result_layout = QVBoxLayout(self.result_box)
        for w in (self.headline, self.detail, self.holder):
            result_layout.addWidget(w)
        self.result_box.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(code_caption)
        layout.addWidget(self.code)
        layout.addLayout(file_row)
        layout.addLayout(holder)
        layout.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignLeft)
        for w in (self.busy, self.error, self.result_box):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.code.setFocus()

    @staticmethod
    def _result_label(object_name: str, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if bold:
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.3)
            label.setFont(font)
        return label

    # -- input ---------------------------------------------------------------------------------
    def _code_typed(self) -> None:
        if self.code.toPlainText().strip() and self.path is not None:
            self.path = None
            self.file_label.clear()
        self.result_box.hide()

    def _open(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Open a certificate PDF or picture"),
            "",
            _("Certificates and pictures ({patterns})").format(patterns=patterns),
        )
        if chosen:
            self.set_file(Path(chosen))

    def set_file(self, path: Path) -> None:
        """Verify this file (the typed code is cleared)."""
        self.code.blockSignals(True)
        self.code.clear()
        self.code.blockSignals(False)
        self.path = path
        self.file_label.setText(_("File: {name}").format(name=path.name))
        self.result_box.hide()

    # -- checking ------------------------------------------------------------------------------
    def run(self) -> None:
        code = self.code.toPlainText().strip()
        source: str | Path | None = self.path or code or None
        if source is None:
            show_error(self.error, _("Paste a code or open a file first."))
            self.code.setFocus()
            return
        name = self.name.text().strip() or None
        birth = self.birth_date.text().strip() or None
        show_error(self.error, "")
        self.result_box.hide()
        self.busy.show()
        self.verify_button.setEnabled(False)
        trust = trust_list(self.session)
        run_task(
            lambda _state: verify(trust, source, name, birth), self._show, self._failed, owner=self
        )

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.verify_button.setEnabled(True)
        show_error(self.error, failure_text(exc, _("The certificate could not be checked.")))

    def _show(self, result: object) -> None:
        assert isinstance(result, VerificationResult)
        self.busy.hide()
        self.verify_button.setEnabled(True)
        self.result_value = result
        background, colour = COLOURS[result.status]
        self.result_box.setStyleSheet(
            f"QFrame#verify_result {{ background: {background}; border-radius: 4px; }}"
            f" QFrame#verify_result QLabel {{ color: {colour}; }}"
        )
        self.headline.setText(gettext(HEADLINES[result.status]))
        # The holder line is shown on its own, in its own colour.
        self.detail.setText(dataclasses.replace(result, holder_match=None).message())
        match = result.holder_match
        if match is None:
            self.holder.setText(_("The name and date of birth were not compared."))
            self.holder.setStyleSheet("")
        else:
            self.holder.setText(
                _("The name and date of birth match.")
                if match
                else _("The name and date of birth DO NOT match this certificate.")
            )
            self.holder.setStyleSheet(
                f"background: #ffffff; color: {MATCH_COLOURS[match]}; padding: 4px;"
            )
        self.result_box.setAccessibleName(
            f"{self.headline.text()}. {self.detail.text()} {self.holder.text()}"
        )
        self.result_box.show()
