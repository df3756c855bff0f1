"""The case's referrals: to whom, what for, on what legal basis, and where each one stands.

New referrals are made in `ReferralDialog`; here the officer follows them up (accepted, service
delivered, declined, closed, with an optional note) and can save a packet again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool import directory, referrals
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, gettext
from idtool.policy import Action
from idtool.referrals import RefStatus
from idtool.session import Session
from ui.cases.list_model import local_time
from ui.cases.widgets import mark_row
from ui.documents.consent_dialog import organisation_titles
from ui.documents.printing import TO_FILE, TO_PRINTER, ask_target
from ui.documents.referral_dialog import ReferralDialog, legal_basis_label
from ui.documents.tables import refill, table
from ui.fields import error_label, failure_text, line_edit, show_error
from ui.tasks import run_task

STATUS_BUTTONS = (
    (RefStatus.ACCEPTED, N_("Mark &accepted")),
    (RefStatus.SERVICE_DELIVERED, N_("Mark service &delivered")),
    (RefStatus.DECLINED, N_("&Mark declined")),
    (RefStatus.CLOSED, N_("C&lose")),
)


def _not_encrypted() -> str:
    return _("The file is not encrypted: keep it safe and delete it when it is no longer needed.")


class ReferralSection(QGroupBox):
    """Group box "Referrals" of the case view."""

    changed = Signal()

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Referrals"), parent)
        self.setObjectName("case_referrals")
        self.session = session
        self.case_uuid = case_uuid
        self.allowed = session.can(Action.REFERRAL)
        self.referrals: list[referrals.Referral] = []
        self.empty = QLabel(_("No referral yet."))
        self.table = table(
            [
                _("Recipient"),
                _("Services"),
                _("Urgency"),
                _("Legal basis"),
                _("Status"),
                _("Sent"),
                _("Last change"),
                _("Fields shared"),
            ],
            "referral_table",
            _("Referrals"),
        )
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refer_button = QPushButton(_("Re&fer…"))
        self.refer_button.setObjectName("referral_new")
        self.refer_button.clicked.connect(self.open_dialog)
        self.packet_button = QPushButton(_("Save the &packet again…"))
        self.packet_button.setObjectName("referral_packet_again")
        self.packet_button.clicked.connect(lambda: self._packet_again(TO_FILE))
        self.print_button = QPushButton(_("Print the pac&ket…"))
        self.print_button.setObjectName("referral_packet_print")
        self.print_button.clicked.connect(lambda: self._packet_again(TO_PRINTER))
        self.send_button = QPushButton(_("Send to the organisation's de&vice…"))
        self.send_button.setObjectName("referral_send_device")
        self.send_button.setToolTip(
            _(
                "Write an encrypted exchange package that only a device "
                "of this organisation can open."
            )
        )
        self.send_button.clicked.connect(self.send_to_device)
        self.send_flow: object | None = None
        self.language = QComboBox()
        self.language.setObjectName("referral_packet_language")
        self.language.setAccessibleName(_("Language of the packet"))
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.note = line_edit(
            _("Note on the status change (optional)"), object_name="referral_note"
        )
        self.note.setPlaceholderText(_("Note on the status change (optional)"))
        self.status_buttons: dict[RefStatus, QPushButton] = {}
        status_row = QHBoxLayout()
        status_row.addWidget(self.note, 1)
        for status, text in STATUS_BUTTONS:
            button = QPushButton(gettext(text))
            button.setObjectName(f"referral_status_{status.value}")
            button.clicked.connect(lambda _c=False, s=status: self.set_status(s))
            self.status_buttons[status] = button
            status_row.addWidget(button)
        language_caption = QLabel(_("Lan&guage of the packet:"))
        language_caption.setBuddy(self.language)
        actions = QHBoxLayout()
        for w in (
            self.refer_button,
            self.packet_button,
            self.print_button,
            language_caption,
            self.language,
            self.send_button,
        ):
            actions.addWidget(w)
        actions.addStretch(1)
        if not self.allowed:
            for button in (
                self.refer_button,
                self.packet_button,
                self.print_button,
                self.send_button,
                *self.status_buttons.values(),
            ):
                button.setEnabled(False)
                button.setToolTip(_("Your role may not make referrals."))
            self.note.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Making the PDF"))
        self.busy.hide()
        self.message = QLabel()
        self.message.setObjectName("referral_message")
        self.message.setWordWrap(True)
        self.error = error_label("referral_section_error")
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(status_row)
        layout.addLayout(actions)
        for w in (self.busy, self.message, self.error):
            layout.addWidget(w)
        self.refresh()

    # -- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        titles = organisation_titles(self.session)
        self.referrals = referrals.for_case(self.session, self.case_uuid)
        rows, tips = [], []
        for ref in self.referrals:
            events = referrals.events(self.session, ref.uuid)
            last = events[-1][1] if events else ref.created_at
            rows.append(
                [
                    titles.get(ref.recipient_id, ref.recipient_id),
                    ", ".join(directory.service_label(s) for s in ref.services),
                    referrals.urgency_label(ref.urgency),
                    legal_basis_label(ref.legal_basis),
                    referrals.status_label(ref.status),
                    local_time(ref.created_at),
                    local_time(last),
                    str(len(ref.fields)),
                ]
            )
            tips.append(
                "\n".join(
                    f"{local_time(at)}  {referrals.status_label(status)}"
                    + (f": {note}" if note else "")
                    for status, at, note in events
                )
            )
        refill(self.table, rows)
        for r, ref in enumerate(self.referrals):
            self.table.item(r, 4).setToolTip(tips[r])
            if ref.status == RefStatus.CLOSED:
                mark_row(self.table, r, dim=True)
            if ref.legal_basis == "child_protection_law":
                self.table.item(r, 3).setToolTip(legal_basis_label(ref.legal_basis))
        self.empty.setVisible(not self.referrals)
        self.table.setVisible(bool(self.referrals))
        self._selection_changed()

    def selected(self) -> referrals.Referral | None:
        rows = self.table.selectionModel().selectedRows()
        return self.referrals[rows[0].row()] if rows else None

    def select(self, referral_uuid: str) -> None:
        for r, ref in enumerate(self.referrals):
            if ref.uuid == referral_uuid:
                self.table.selectRow(r)

    def _selection_changed(self) -> None:
        ref = self.selected()
        open_ = ref is not None and ref.status != RefStatus.CLOSED and self.allowed
        for status, button in self.status_buttons.items():
            button.setEnabled(open_ and ref is not None and ref.status != status.value)
        self.packet_button.setEnabled(ref is not None and self.allowed)
        self.print_button.setEnabled(ref is not None and self.allowed)
        self.send_button.setEnabled(
            ref is not None
            and self.allowed
            and not self._sending()
            and ref.status in (RefStatus.SENT.value, RefStatus.ACCEPTED.value)
        )

    # -- actions -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        dialog = ReferralDialog(
            self.session, self.case_uuid, self, str(self.language.currentData())
        )
        accepted = dialog.exec()
        if accepted and dialog.made is not None:
            self.refresh()
            self.select(dialog.made.uuid)
            self.show_made(dialog.made, dialog.saved_path)
        if accepted or dialog.consent_recorded or dialog.details_changed:
            self.changed.emit()

    def show_made(self, ref: referrals.Referral, path: Path | None) -> None:
        recipient = organisation_titles(self.session).get(ref.recipient_id, ref.recipient_id)
        show_error(self.error, "")
        self.message.setText(
            _("Referral to {recipient} recorded; the packet was saved to {path}.").format(
                recipient=recipient, path=path
            )
            + " "
            + _not_encrypted()
        )

    def set_status(self, status: RefStatus) -> None:
        ref = self.selected()
        if ref is None:
            show_error(self.error, _("Select a referral first."))
            return
        try:
            referrals.set_status(self.session, ref.uuid, status, self.note.text())
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The status could not be changed.")))
            return
        show_error(self.error, "")
        self.note.clear()
        self.message.setText(
            _("Status changed to: {status}.").format(status=referrals.status_label(status))
        )
        self.refresh()
        self.select(ref.uuid)
        self.changed.emit()

    def _sending(self) -> bool:
        run = getattr(self.send_flow, "run", None)
        return run is not None and not run.finished

    def send_to_device(self) -> None:
        """Write the selected referral as an exchange package for the organisation's device."""
        from ui.sync.referral_send import ReferralSendFlow

        ref = self.selected()
        if ref is None:
            show_error(self.error, _("Select a referral first."))
            return
        show_error(self.error, "")
        self.message.clear()
        recipient = organisation_titles(self.session).get(ref.recipient_id, ref.recipient_id)
        flow = ReferralSendFlow(
            self.session,
            self,
            ref,
            recipient,
            lambda path: self._sent(path, ref.uuid, recipient),
            self._send_failed,
        )
        self.send_flow = flow
        if flow.start():
            self.send_button.setEnabled(False)

    def _sent(self, path: Path, referral_uuid: str, recipient: str) -> None:
        from shiboken6 import isValid

        if not isValid(self):
            return
        self.refresh()
        self.select(referral_uuid)
        self.message.setText(
            _(
                "The referral package {name} was written to the folder {folder}. "
                "Take it to {recipient}: only their device can open it."
            ).format(name=path.name, folder=str(path.parent), recipient=recipient)
        )
        self.changed.emit()

    def _send_failed(self, line: str) -> None:
        from shiboken6 import isValid

        if not isValid(self):
            return
        self._selection_changed()
        show_error(
            self.error, _("The referral package was not written: {reason}").format(reason=line)
        )

    def _packet_again(self, output: str = TO_FILE) -> None:
        ref = self.selected()
        if ref is None:
            return
        target = ask_target(
            self,
            output,
            _("Save the referral packet"),
            f"referral-{ref.uuid[:8].upper()}-{ref.recipient_id}",
            _("Print the referral packet"),
        )
        if target is None:
            return
        lang = str(self.language.currentData())
        save = target.save

        def work(worker: Session, _state: object) -> object:
            from idtool import packet

            return packet.packet_pdf(worker, ref.uuid, lang, save=save)

        show_error(self.error, "")
        self.message.clear()
        self.busy.show()
        self.packet_button.setEnabled(False)
        self.print_button.setEnabled(False)
        run_task(
            work,
            lambda _pdf: self._packet_saved(target.path),
            self._packet_failed,
            session=self.session,
            owner=self,
        )

    def _packet_saved(self, path: Path | None) -> None:
        self.busy.hide()
        self._selection_changed()
        self.message.setText(
            _("The packet was sent to the printer.")
            if path is None
            else _("The packet was saved to {path}.").format(path=path) + " " + _not_encrypted()
        )
        self.changed.emit()

    def _packet_failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self._selection_changed()
        show_error(self.error, failure_text(exc, _("The referral packet could not be made.")))
