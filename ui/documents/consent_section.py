"""The case's consents: the current one per purpose and recipient, and every record before it.

Records are never edited; a new one supersedes the previous one for the same purpose and
recipient (see `idtool.consent`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from idtool import consent
from idtool.i18n import _, gettext
from idtool.policy import Action
from idtool.session import Session
from ui.cases.list_model import local_time
from ui.cases.widgets import fit_columns, mark_row
from ui.documents.consent_dialog import ConsentDialog, organisation_titles
from ui.documents.tables import refill, table


def told_text(told: tuple[str, ...]) -> str:
    if set(told) == set(consent.TOLD):
        return _("All four points")
    if not told:
        return _("Nothing")
    return "; ".join(gettext(consent.TOLD_LABELS[t]) for t in consent.TOLD if t in told)


class ConsentSection(QGroupBox):
    """Group box "Consents" of the case view."""

    changed = Signal()

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Consents"), parent)
        self.setObjectName("case_consents")
        self.session = session
        self.case_uuid = case_uuid
        self.empty = QLabel(_("No consent recorded yet."))
        self.current_table = table(
            [
                _("Purpose"),
                _("Recipient"),
                _("Decision"),
                _("The person was told"),
                _("Child's assent"),
                _("Guardian or child protection"),
                _("Officer"),
                _("Recorded"),
            ],
            "consent_current_table",
            _("Current consents"),
        )
        self.history_caption = QLabel(_("History (newest first):"))
        self.history_table = table(
            [_("Recorded"), _("Purpose"), _("Recipient"), _("Decision"), _("State"), _("Officer")],
            "consent_history_table",
            _("Consent history"),
            max_rows=6,
        )
        self.record_button = QPushButton(_("Record &consent…"))
        self.record_button.setObjectName("consent_record")
        allowed = session.can(Action.SCREENING_INTERVIEW)
        self.record_button.setEnabled(allowed)
        if not allowed:
            self.record_button.setToolTip(_("Your role may not record consent."))
        self.record_button.clicked.connect(lambda: self.open_dialog())
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for w in (self.empty, self.current_table, self.history_caption, self.history_table):
            layout.addWidget(w)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        titles = organisation_titles(self.session)
        records = consent.history(self.session, self.case_uuid)
        current = consent.current(self.session, self.case_uuid)

        def purpose(rec: consent.ConsentRecord) -> str:
            return consent.purpose_label(rec.purpose)

        def recipient(rec: consent.ConsentRecord) -> str:
            return titles.get(rec.recipient_id, rec.recipient_id) if rec.recipient_id else "—"

        latest = sorted(current.values(), key=lambda r: (r.purpose, recipient(r)))
        refill(
            self.current_table,
            [
                [
                    purpose(r),
                    recipient(r),
                    consent.state_label(r.state),
                    told_text(r.told),
                    r.child_assent or "—",
                    r.guardian or "—",
                    r.officer_name,
                    local_time(r.recorded_at),
                ]
                for r in latest
            ],
        )
        for row, rec in enumerate(latest):
            mark_row(self.current_table, row, bold=rec.state == consent.State.GIVEN)
        fit_columns(self.current_table)  # again: bold text is wider
        current_ids = {r.uuid for r in current.values()}
        newest = list(reversed(records))
        refill(
            self.history_table,
            [
                [
                    local_time(r.recorded_at),
                    purpose(r),
                    recipient(r),
                    consent.state_label(r.state),
                    _("Current") if r.uuid in current_ids else _("Superseded"),
                    r.officer_name,
                ]
                for r in newest
            ],
            max_rows=6,
        )
        for row, rec in enumerate(newest):
            if rec.uuid not in current_ids:
                mark_row(self.history_table, row, italic=True, dim=True)
        self.empty.setVisible(not records)
        for w in (self.current_table, self.history_caption, self.history_table):
            w.setVisible(bool(records))

    def open_dialog(self, purpose: consent.Purpose | None = None, recipient_id: str = "") -> bool:
        dialog = ConsentDialog(
            self.session, self.case_uuid, self, purpose=purpose, recipient_id=recipient_id
        )
        if not dialog.exec():
            return False
        self.refresh()
        self.changed.emit()
        return True
