"""The case's victim-status certificate: its state, and issue, print a copy, revoke; on the
coordinator's computer, allow a new certificate for a person who had one.

The rules (one per person unless the coordinator allows a new one, only after an "identified
victim" decision, roles) are the core's; this section explains beforehand why an action is not
available and shows the core's message if it refuses anyway. PDFs are made off the GUI thread
and saved only where the officer says, in the usual or the discreet wording.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, identity
from idtool.certificate import eligibility, issuance, issuing_org, ledger, reissue
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language, gettext
from idtool.policy import Action
from idtool.session import Session
from ui.cases.list_model import local_time
from ui.cases.person_dialog import PersonDialog
from ui.documents.printing import Target, ask_target, output_choice
from ui.documents.revoke_dialog import RevokeDialog
from ui.documents.saving import not_encrypted_warning
from ui.fields import error_label, failure_text, show_error
from ui.tasks import run_task


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CertificateSection(QGroupBox):
    """Group box "Certificate" of the case view."""

    changed = Signal()

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Certificate"), parent)
        self.setObjectName("case_certificate")
        self.session = session
        self.case_uuid = case_uuid
        self.certificate: ledger.Certificate | None = None
        self.state = _label("certificate_state")
        self.details = _label("certificate_details")
        self.why = _label("certificate_why")
        font = self.why.font()
        font.setItalic(True)
        self.why.setFont(font)
        self.language = QComboBox()
        self.language.setObjectName("certificate_language")
        self.language.setAccessibleName(_("Language of the certificate"))
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        language_caption = QLabel(_("Lan&guage of the PDF:"))
        language_caption.setBuddy(self.language)
        self.discreet = QCheckBox(_("Discree&t wording"))
        self.discreet.setObjectName("certificate_discreet")
        self.discreet.setToolTip(
            _(
                'Print the certificate without the words "victim of trafficking" in large '
                "letters. Its QR code and its verification are the same."
            )
        )
        self.output = output_choice("certificate_output")
        output_caption = QLabel(_("Send t&o:"))
        output_caption.setBuddy(self.output)
        self.issue_button = QPushButton(_("&Issue certificate…"))
        self.issue_button.setObjectName("certificate_issue")
        self.issue_button.clicked.connect(self._issue)
        self.copy_button = QPushButton(_("Print a cop&y…"))
        self.copy_button.setObjectName("certificate_copy")
        self.copy_button.clicked.connect(self._reprint)
        self.revoke_button = QPushButton(_("Re&voke…"))
        self.revoke_button.setObjectName("certificate_revoke")
        self.revoke_button.clicked.connect(self._revoke)
        self.allow_button = QPushButton(_("Allo&w a new certificate…"))
        self.allow_button.setObjectName("certificate_allow_new")
        self.allow_button.clicked.connect(self._allow_new)
        self.coordinator = not reissue.may_allow(session)  # may allow a new certificate here
        self.allow_button.setVisible(self.coordinator)
        self.permission = _label("certificate_permission")
        self.details_button = QPushButton(_("Fill in the person's details…"))
        self.details_button.setObjectName("certificate_person_details")
        self.details_button.clicked.connect(self._fill_details)
        self.warning = _label("certificate_warning")
        self.warning.setText(not_encrypted_warning())
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Making the PDF"))
        self.busy.hide()
        self.message = _label("certificate_message")
        self.error = error_label("certificate_error")
        row = QHBoxLayout()
        row.addWidget(language_caption)
        row.addWidget(self.language)
        row.addWidget(self.discreet)
        row.addWidget(output_caption)
        row.addWidget(self.output)
        row.addSpacing(12)
        for button in (self.issue_button, self.copy_button, self.revoke_button, self.allow_button):
            row.addWidget(button)
        row.addWidget(self.details_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        for w in (self.state, self.details, self.permission, self.why):
            layout.addWidget(w)
        layout.addLayout(row)
        for w in (self.warning, self.busy, self.message, self.error):
            layout.addWidget(w)
        self.refresh()

    # -- state ---------------------------------------------------------------------------------
    def issue_blocked(self) -> str:
        """Why the certificate cannot be issued now, or "" when it can be."""
        return eligibility.issue_blocked(self.session, self.case_uuid)

    def refresh(self) -> None:
        cert = self.certificate = ledger.get(self.session, self.case_uuid)
        allowed = self.session.can(Action.ISSUE_CERTIFICATE)
        if cert is None:
            self.state.setText(_("No certificate has been issued for this case."))
            self.details.clear()
            self.state.setStyleSheet("")
        elif cert.revoked:
            assert cert.revocation is not None
            self.state.setText(
                _("Certificate {number}: REVOKED on {date} by {officer}.").format(
                    number=cert.number,
                    date=local_time(cert.revocation.revoked_at),
                    officer=cert.revocation.officer_name,
                )
            )
            self.state.setStyleSheet("color: #b00020; font-weight: bold;")
            self.details.setText(_("Reason: {reason}").format(reason=cert.revocation.reason))
        else:
            self.state.setText(_("Certificate {number}: issued.").format(number=cert.number))
            self.state.setStyleSheet("font-weight: bold;")
            copies = cert.prints - 1
            printed = (
                _("Only the original has been printed.")
                if not copies
                else _("Copies printed: {copies} (the last one is marked COPY {last}).").format(
                    copies=copies, last=cert.prints
                )
            )
            self.details.setText(
                _(
                    "Issued on {date} by {officer}. Organisation: {organisation}. Language: "
                    "{language}."
                ).format(
                    date=cert.issue_date,
                    officer=cert.officer_name,
                    organisation=cert.organisation or gettext(issuing_org.ORGANISATION_PLACEHOLDER),
                    language=LANGUAGE_NAMES.get(cert.language, cert.language),
                )
                + " "
                + printed
            )
        self.details.setVisible(bool(self.details.text()))
        self._show_permission(cert)
        blocked = self.issue_blocked()
        self.issue_button.setEnabled(not blocked)
        self.issue_button.setToolTip(blocked)
        usable = cert is not None and not cert.revoked and allowed
        self.copy_button.setEnabled(usable)
        self.revoke_button.setEnabled(usable)
        why = blocked
        if cert is not None and not cert.revoked and not allowed:
            why += " " + _("Your role may not print or revoke certificates.")
        self.why.setText(why)
        self.why.setVisible(bool(why))
        person = cases.get_case(self.session, self.case_uuid, audit_view=False).person
        self.details_button.setVisible(
            bool(blocked)
            and blocked == identity.refusal(person, identity.Need.CERTIFICATE)
            and self.session.can(Action.SCREENING_INTERVIEW)
        )
        if cert is not None and not cert.revoked:
            self.language.setCurrentIndex(self.language.findData(cert.language))
        self.language.setEnabled(not blocked or usable)

    def _show_permission(self, cert: ledger.Certificate | None) -> None:
        """The coordinator's permission for a new certificate after this one, and whether this
        officer may give one now."""
        allowance = None if cert is None else reissue.permission(self.session, cert.number)
        if allowance is not None:
            self.permission.setText(
                _(
                    "The coordinator allowed a new certificate after {number} on {date}. "
                    "Reason: {reason}"
                ).format(
                    number=allowance.number,
                    date=local_time(allowance.allowed_at),
                    reason=allowance.reason,
                )
            )
        else:
            self.permission.clear()
        self.permission.setVisible(allowance is not None)
        if self.coordinator:
            standing = reissue.blocking(self.session, self.case_uuid)
            self.allow_button.setEnabled(bool(standing))
            self.allow_button.setToolTip(
                "" if standing else _("Nothing stands in the way of a certificate for this person.")
            )

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        for button in (self.issue_button, self.copy_button, self.revoke_button, self.allow_button):
            button.setEnabled(False)  # refresh() enables what may be done
        if not on:
            self.refresh()

    # -- actions -------------------------------------------------------------------------------
    def _issue(self) -> None:
        case = cases.get_case(self.session, self.case_uuid, audit_view=False)
        target = ask_target(
            self,
            str(self.output.currentData()),
            _("Save the certificate"),
            f"certificate-{case.number}",
            _("Print the certificate"),
        )
        if target is None:
            return
        lang = str(self.language.currentData())
        discreet = self.discreet.isChecked()
        confirmer = None
        if eligibility.confirmation_needed(self.session):
            from ui.documents.confirm_dialog import ConfirmIssueDialog

            dialog = ConfirmIssueDialog(self)
            if not dialog.exec():
                return
            confirmer = dialog.confirmer
        save = target.save
        self._start()
        case_uuid = self.case_uuid
        run_task(
            lambda worker, _state: issuance.issue(
                worker, case_uuid, lang, save=save, confirmer=confirmer, discreet=discreet
            ),
            lambda printed: self._saved(printed, target),
            self._failed,
            session=self.session,
            owner=self,
        )

    def _reprint(self) -> None:
        cert = self.certificate
        if cert is None:
            return
        target = ask_target(
            self,
            str(self.output.currentData()),
            _("Save a copy of the certificate"),
            f"{cert.number}-copy-{cert.prints + 1}",
            _("Print a copy of the certificate"),
        )
        if target is None:
            return
        lang = str(self.language.currentData())
        discreet = self.discreet.isChecked()
        save = target.save
        self._start()
        case_uuid = self.case_uuid
        run_task(
            lambda worker, _state: issuance.reprint(
                worker, case_uuid, lang, save=save, discreet=discreet
            ),
            lambda printed: self._saved(printed, target),
            self._failed,
            session=self.session,
            owner=self,
        )

    def _start(self) -> None:
        show_error(self.error, "")
        self.message.clear()
        self._busy(True)

    def _saved(self, printed: object, target: Target) -> None:
        assert isinstance(printed, issuance.Printed)
        self._busy(False)
        number = printed.certificate.number
        path = target.path
        if path is None:
            if printed.copy:
                line = _("Copy {copy} of certificate {number} sent to the printer.").format(
                    copy=printed.copy, number=number
                )
            else:
                line = _("Certificate {number} issued and sent to the printer.").format(
                    number=number
                )
            self.message.setText(line)
            self.changed.emit()
            return
        if printed.copy:
            line = _("Copy {copy} of certificate {number} saved to {path}.").format(
                copy=printed.copy, number=number, path=path
            )
        else:
            line = _("Certificate {number} issued and saved to {path}.").format(
                number=number, path=path
            )
        self.message.setText(
            line
            + " "
            + _(
                "The file is not encrypted: keep it safe and delete it when it is no longer needed."
            )
        )
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        show_error(
            self.error,
            failure_text(exc, _("The certificate PDF could not be made; nothing was recorded.")),
        )

    def _fill_details(self) -> None:
        """The certificate needs details of the person: the person's details dialog."""
        dialog = PersonDialog(self.session, self.case_uuid, self, need=identity.Need.CERTIFICATE)
        if dialog.exec():
            self.refresh()
            self.changed.emit()

    def _revoke(self) -> None:
        cert = self.certificate
        if cert is None:
            return
        dialog = RevokeDialog(self.session, self.case_uuid, cert.number, self)
        if dialog.exec():
            self.refresh()
            self.message.setText(_("Certificate {number} revoked.").format(number=cert.number))
            self.changed.emit()

    def _allow_new(self) -> None:
        from ui.documents.allow_new_dialog import AllowNewDialog

        numbers = [c.number for c in reissue.blocking(self.session, self.case_uuid)]
        if not numbers:
            return
        dialog = AllowNewDialog(self.session, self.case_uuid, numbers, self)
        if dialog.exec():
            self.refresh()
            self.message.setText(
                _(
                    "A new certificate may now be issued for this person. The next update "
                    "package brings the permission to the devices."
                )
            )
            self.changed.emit()
