"""Revoking a certificate: the reason, asked and confirmed before the core records it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from idtool.certificate import issuance
from idtool.i18n import _
from idtool.session import Session
from ui.documents.reason_dialog import ReasonDialog


class RevokeDialog(ReasonDialog):
    """Revoke with a reason (required) and a confirmation."""

    def __init__(
        self, session: Session, case_uuid: str, number: str, parent: QWidget | None = None
    ) -> None:
        self.session = session
        self.case_uuid = case_uuid
        self.number = number
        super().__init__(
            "revoke",
            _("Revoke certificate"),
            _(
                "Revoking certificate {number} is recorded and cannot be undone: the "
                "certificate then verifies as revoked and is not reprinted."
            ).format(number=number),
            _("&Reason (required):"),
            _("Reason for revoking"),
            _("Re&voke certificate"),
            parent,
        )

    def missing_reason(self) -> str:
        return _("Give the reason for revoking the certificate.")

    def question(self) -> str:
        return _("Revoke certificate {number}? This cannot be undone.").format(number=self.number)

    def failed(self) -> str:
        return _("The certificate could not be revoked.")

    def record(self, reason: str) -> None:
        issuance.revoke(self.session, self.case_uuid, reason)
