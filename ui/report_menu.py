"""The reports beside Statistics: criminal-justice statistics and partner formats (HTCDS)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from idtool.i18n import _
from idtool.session import Session


def add_report_actions(window: QWidget, menu: QMenu, session: Session) -> None:
    def justice() -> None:
        from ui.stats.justice_dialog import JusticeDialog

        JusticeDialog(session, window).exec()

    def partner_formats() -> None:
        from ui.partner.dialog import PartnerFormatsDialog

        PartnerFormatsDialog(session, window).exec()

    for name, text, slot in (
        ("action_justice_statistics", _("C&riminal-justice statistics…"), justice),
        ("action_partner_formats", _("&Partner formats (HTCDS)…"), partner_formats),
    ):
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
