"""Refer the person to one organisation of the NRM directory, after seeing what it receives.

The preview shows every answered field with its sensitivity and whether it is sent to the chosen
recipient, the legal basis, or why the referral is refused (no consent: Make stays disabled).
Make records the referral and produces its packet PDF in one step (`idtool.packet`): the PDF
is saved only where the officer chooses, and if saving fails nothing is recorded.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idtool import case_flags, cases, consent, directory, identity, referrals
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from idtool.session import Session
from ui.cases.person_dialog import PersonDialog
from ui.documents.consent_dialog import ConsentDialog
from ui.documents.directory_model import region_text, type_label
from ui.documents.preview_model import PreviewModel
from ui.documents.saving import ask_pdf_path, file_writer, not_encrypted_warning
from ui.fields import error_label, failure_text, show_error, text_edit
from ui.tasks import run_task


def legal_basis_label(code: str) -> str:
    if code == "consent":
        return _("The person's consent")
    if code == "child_protection_law":
        return _("The law: a child is referred to child protection without consent")
    return code


class ReferralDialog(QDialog):
    def __init__(
        self, session: Session, case_uuid: str, parent: QWidget | None = None, language: str = ""
    ) -> None:
        super().__init__(parent)  # `language`: of the packet, as chosen in the case view
        self.session = session
        self.case_uuid = case_uuid
        self.case_number = cases.get_case(session, case_uuid, audit_view=False).number
        self.preview: referrals.Preview | None = None
        self.made: referrals.Referral | None = None
        self.saved_path: Path | None = None
        self.consent_recorded = False
        self.orgs = directory.organisations(session)
        # services a flagged case starts with (legal aid after a non-punishment flag)
        flags = case_flags.for_case(session, case_uuid)
        self.suggested = case_flags.services_for(flags)
        self.setWindowTitle(_("Refer to an organisation"))
        self.resize(900, 720)

        self.region = QComboBox()
        self.region.setObjectName("referral_region")
        self.region.setAccessibleName(_("Region"))
        self.region.addItem(_("All regions"), "")
        for code in dict.fromkeys(
            sorted((o.region for o in self.orgs), key=lambda c: (c != "national", region_text(c)))
        ):
            self.region.addItem(region_text(code), code)
        self.type = QComboBox()
        self.type.setObjectName("referral_type")
        self.type.setAccessibleName(_("Type of organisation"))
        self.type.addItem(_("All types"), "")
        for code in sorted({o.type for o in self.orgs}, key=type_label):
            self.type.addItem(type_label(code), code)
        self.recipient = QComboBox()
        self.recipient.setObjectName("referral_recipient")
        self.recipient.setAccessibleName(_("Recipient"))
        self.services = QListWidget()
        self.services.setObjectName("referral_services")
        self.services.setAccessibleName(_("Services requested"))
        self.services.setMaximumHeight(110)
        self.urgency = QComboBox()
        self.urgency.setObjectName("referral_urgency")
        self.urgency.setAccessibleName(_("Urgency"))
        for code in referrals.URGENCIES:
            self.urgency.addItem(referrals.urgency_label(code), code)
        self.language = QComboBox()
        self.language.setObjectName("referral_language")
        self.language.setAccessibleName(_("Language of the packet"))
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(language or current_language()))
        self.reason = text_edit(_("Reason for the referral"), "referral_reason")
        self.risks = text_edit(_("Risks"), "referral_risks")
        form = QFormLayout()
        form.addRow(_("Filter by re&gion:"), self.region)
        form.addRow(_("Filter by &type:"), self.type)
        form.addRow(_("&Recipient:"), self.recipient)
        form.addRow(_("&Services requested:"), self.services)
        form.addRow(_("&Urgency:"), self.urgency)
        form.addRow(_("Reaso&n for the referral:"), self.reason)
        form.addRow(_("Ris&ks:"), self.risks)
        form.addRow(_("&Language of the packet:"), self.language)

        self.basis = self._label("referral_basis", bold=True)
        self.refusal = error_label("referral_refusal")
        self.child_notice = self._label("referral_child_notice", bold=True)
        self.child_notice.setStyleSheet("background: #ffd54f; color: #000; padding: 6px;")
        self.flags_notice = self._label("referral_flags_notice")
        self.flags_notice.setText(
            _(
                "The person was punished for acts they were made to commit ({what}): legal aid "
                "is pre-selected wherever the recipient offers it."
            ).format(what=case_flags.describe(flags))
            if self.suggested
            else ""
        )
        self.flags_notice.setVisible(bool(self.suggested))
        self.consent_button = QPushButton(_("Record &consent…"))
        self.consent_button.setObjectName("referral_consent")
        self.consent_button.clicked.connect(self._record_consent)
        self.details_button = QPushButton(_("Fill in the person's &details…"))
        self.details_button.setObjectName("referral_person_details")
        self.details_button.clicked.connect(self._fill_details)
        self.details_changed = False
        self.summary = self._label("referral_summary")
        self.model = PreviewModel()
        self.view = QTableView()
        self.view.setObjectName("referral_preview")
        self.view.setAccessibleName(_("What this recipient receives"))
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.warning = self._label("referral_warning")
        self.warning.setText(not_encrypted_warning())
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Making the PDF"))
        self.busy.hide()
        self.error = error_label("referral_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button = self.buttons.addButton(
            _("&Make referral and save the packet…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setObjectName("referral_make")
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.flags_notice)
        layout.addLayout(form)
        preview_caption = QLabel(_("Preview: exactly what this recipient receives"))
        font = preview_caption.font()
        font.setBold(True)
        preview_caption.setFont(font)
        layout.addWidget(preview_caption)
        refusal_row = QHBoxLayout()
        refusal_row.addWidget(self.refusal, 1)
        refusal_row.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignTop)
        refusal_row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.basis)
        layout.addLayout(refusal_row)
        for w in (
            self.child_notice,
            self.summary,
            self.view,
            self.warning,
            self.busy,
            self.error,
            self.buttons,
        ):
            layout.addWidget(w)

        self.region.currentIndexChanged.connect(self._filter)
        self.type.currentIndexChanged.connect(self._filter)
        self.recipient.currentIndexChanged.connect(self._recipient_changed)
        self._filter()
        consented = consent.consented_recipients(session, case_uuid)  # the latest first
        if consented and consented[0] in {o.id for o in self.orgs}:
            self.choose(consented[0])  # the recipient the person consented to comes chosen
        self.recipient.setFocus()

    @staticmethod
    def _label(object_name: str, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(object_name)
        label.setWordWrap(True)
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    # -- choosing ------------------------------------------------------------------------------
    def org(self) -> directory.Organisation | None:
        org_id = self.recipient.currentData()
        return next((o for o in self.orgs if o.id == org_id), None)

    def choose(self, org_id: str) -> None:
        """Select a recipient by its directory id (filters are reset if they hide it)."""
        if self.recipient.findData(org_id) < 0:
            self.region.setCurrentIndex(0)
            self.type.setCurrentIndex(0)
        self.recipient.setCurrentIndex(self.recipient.findData(org_id))

    def _filter(self) -> None:
        region, kind = self.region.currentData(), self.type.currentData()
        chosen = self.recipient.currentData()
        shown = sorted(
            (
                o
                for o in self.orgs
                if (not region or o.region == region) and (not kind or o.type == kind)
            ),
            key=lambda o: o.title().lower(),
        )
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for org in shown:
            self.recipient.addItem(org.title(), org.id)
        if chosen is not None and self.recipient.findData(chosen) >= 0:
            self.recipient.setCurrentIndex(self.recipient.findData(chosen))
        self.recipient.blockSignals(False)
        self._recipient_changed()

    def _recipient_changed(self) -> None:
        org = self.org()
        self.services.clear()
        offered = (
            org.services
            if org is not None and org.services
            else tuple(directory.shipped().services)
        )
        for code in offered:
            item = QListWidgetItem(directory.service_label(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = code in self.suggested
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.services.addItem(item)
        self.update_preview()

    def chosen_services(self) -> tuple[str, ...]:
        return tuple(
            str(self.services.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.services.count())
            if self.services.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_services(self, codes: tuple[str, ...]) -> None:
        for i in range(self.services.count()):
            item = self.services.item(i)
            state = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)

    # -- preview -------------------------------------------------------------------------------
    def update_preview(self) -> None:
        org = self.org()
        show_error(self.error, "")
        shown = self.preview = (
            None if org is None else referrals.preview(self.session, self.case_uuid, org.id)
        )
        self.model.set_preview(shown)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 320))
        allowed = shown is not None and shown.allowed
        self.make_button.setEnabled(allowed)
        self.basis.setText(
            _("Legal basis: {basis}").format(basis=legal_basis_label(str(shown.legal_basis)))
            if shown and allowed
            else ""
        )
        self.basis.setVisible(allowed)
        refusal = (
            "" if shown is None or allowed else _("Refused: {reason}").format(reason=shown.refusal)
        )
        if org is None:
            refusal = _("Choose a recipient.")
        show_error(self.refusal, refusal)
        self.make_button.setToolTip(refusal)
        missing = shown is not None and bool(shown.missing)
        self.consent_button.setVisible(shown is not None and not allowed and not missing)
        self.details_button.setVisible(missing)
        child = shown is not None and shown.legal_basis == "child_protection_law"
        self.child_notice.setText(
            _(
                "This child is referred to child protection WITHOUT consent, as the law requires. "
                "The referral is recorded in the audit log as made without consent."
            )
            if child
            else ""
        )
        self.child_notice.setVisible(child)
        if shown is None:
            self.summary.clear()
        else:
            sent = len(shown.included())
            self.summary.setText(
                _("{sent} field(s) sent, {withheld} withheld.").format(
                    sent=sent, withheld=len(shown.fields) - sent
                )
            )

    def _record_consent(self) -> None:
        org = self.org()
        if org is None or self.preview is None:
            return
        given = consent.is_given(self.session, self.case_uuid, consent.Purpose.REFERRAL, org.id)
        purpose = consent.Purpose.LAW_ENFORCEMENT if given else consent.Purpose.REFERRAL
        dialog = ConsentDialog(
            self.session, self.case_uuid, self, purpose=purpose, recipient_id=org.id
        )
        if dialog.exec():
            self.consent_recorded = True
            chosen = self.chosen_services()
            self.update_preview()
            self.set_services(chosen)

    def _fill_details(self) -> None:
        """The recipient needs details of the person: the person's details dialog."""
        dialog = PersonDialog(self.session, self.case_uuid, self, need=identity.Need.REFERRAL)
        if dialog.exec():
            self.details_changed = True
            chosen = self.chosen_services()
            self.update_preview()
            self.set_services(chosen)

    # -- making --------------------------------------------------------------------------------
    def make(self) -> None:
        org = self.org()
        if org is None or self.preview is None or not self.preview.allowed:
            return
        services = self.chosen_services()
        if not services:
            show_error(self.error, _("Choose at least one service."))
            self.services.setFocus()
            return
        path = ask_pdf_path(
            self, _("Save the referral packet"), f"referral-{self.case_number}-{org.id}"
        )
        if path is None:
            return
        urgency = str(self.urgency.currentData())
        reason, risks = self.reason.toPlainText().strip(), self.risks.toPlainText().strip()
        lang = str(self.language.currentData())
        save = file_writer(path)
        case_uuid = self.case_uuid

        def work(worker: Session, _state: object) -> object:
            from idtool import packet

            return packet.make_and_render(
                worker,
                case_uuid,
                org.id,
                services=services,
                urgency=urgency,
                reason=reason,
                risks=risks,
                lang=lang,
                save=save,
            )

        show_error(self.error, "")
        self.busy.show()
        self.make_button.setEnabled(False)
        self.saved_path = path
        run_task(work, self._made, self._failed, session=self.session, owner=self)

    def _made(self, result: object) -> None:
        self.busy.hide()
        self.made = result.referral  # type: ignore[attr-defined]
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.saved_path = None
        self.update_preview()
        show_error(
            self.error,
            failure_text(exc, _("The referral packet could not be made; nothing was recorded.")),
        )
