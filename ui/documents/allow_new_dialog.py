"""The coordinator allows a new certificate for a person who had one: a reason (required), what
it does, and a confirmation. The rule and the record are the core's (`certificate.reissue`)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from idtool.certificate import reissue
from idtool.i18n import _
from idtool.session import Session
from ui.documents.reason_dialog import ReasonDialog


class AllowNewDialog(ReasonDialog):
    """Allow a new certificate after `numbers` (the certificates standing in its way)."""

    def __init__(
        self,
        session: Session,
        case_uuid: str,
        numbers: list[str],
        parent: QWidget | None = None,
    ) -> None:
        self.session = session
        self.case_uuid = case_uuid
        self.numbers = ", ".join(numbers)
        self.allowed: list[reissue.Allowance] = []
        super().__init__(
            "allow_new",
            _("Allow a new certificate"),
            _(
                "A person gets one certificate. After a revocation, or when the person was "
                "trafficked again, you may allow a new one with a new number after "
                "{numbers}. It is recorded and cannot be undone; the next update package "
                "brings it to the devices, so the post that issued {numbers} can issue the "
                "new one. A certificate still valid is revoked when the new one is issued: "
                "one valid certificate per person at a time."
            ).format(numbers=self.numbers),
            _("&Reason (required, no names):"),
            _("Reason for allowing a new certificate"),
            _("Allo&w a new certificate"),
            parent,
        )

    def missing_reason(self) -> str:
        return _("Give the reason for allowing a new certificate.")

    def question(self) -> str:
        return _("Allow a new certificate after {numbers}? This cannot be undone.").format(
            numbers=self.numbers
        )

    def failed(self) -> str:
        return _("The new certificate could not be allowed.")

    def record(self, reason: str) -> None:
        self.allowed = reissue.allow(self.session, self.case_uuid, reason)
