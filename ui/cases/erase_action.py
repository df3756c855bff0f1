"""The case view's "Erase person's data…" button and its dialog: erasure on request, for the
roles the policy allows (supervisors by default), with a reason and a confirmation."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

from idtool import erasure
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from ui.documents.reason_dialog import ReasonDialog


class EraseDialog(ReasonDialog):
    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        self.session = session
        self.case_uuid = case_uuid
        self.erased: erasure.Erased | None = None
        numbers = ", ".join(n for _u, n in erasure.to_erase(session, case_uuid))
        super().__init__(
            "erase",
            _("Erase the person's data"),
            _(
                "On the person's request, their data is erased from every case of theirs: "
                "{cases}. Who they are and everything they said is removed from this "
                "computer now, and from the coordinator and the organisations the case was "
                "referred to when the next exchange packages reach them. A record that the "
                "case was erased stays, without their data. This cannot be undone."
            ).format(cases=numbers),
            _("&Reason (kept in the audit log; do not write the person's name):"),
            _("Reason for the erasure"),
            _("&Erase…"),
            parent,
        )

    def missing_reason(self) -> str:
        return _("Give the reason for the erasure (for example, the request's date).")

    def question(self) -> str:
        return _("Erase the person's data now? This cannot be undone.")

    def failed(self) -> str:
        return _("The data could not be erased.")

    def record(self, reason: str) -> None:
        self.erased = erasure.erase_on_request(self.session, self.case_uuid, reason)


def erase_button(
    session: Session, case_uuid: str, erased: Callable[[], None], layout: QBoxLayout
) -> QPushButton | None:
    """The button, added to `layout`; None (nothing added) for a role the policy does not allow
    to erase, or a case already erased. `erased` is called once the data is gone (the view then
    leaves the case)."""
    if not session.can(Action.ERASE_DATA) or erasure.is_erased(session, case_uuid):
        return None
    button = QPushButton(_("Erase person's &data…"))
    button.setObjectName("case_erase")

    def clicked() -> None:
        dialog = EraseDialog(session, case_uuid, button.window())
        if dialog.exec():
            erased()

    button.clicked.connect(clicked)
    layout.addWidget(button)
    return button
