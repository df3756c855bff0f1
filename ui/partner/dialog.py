"""Partner formats (HTCDS): the export, and for those who may import cases, the import."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from ui.partner.export_tab import ExportTab
from ui.partner.import_tab import ImportTab


class PartnerFormatsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Partner formats (HTCDS)"))
        self.resize(820, 620)
        self.tabs = QTabWidget()
        self.export_tab = ExportTab(session)
        self.tabs.addTab(self.export_tab, _("Export"))
        self.import_tab: ImportTab | None = None
        if session.can(Action.IMPORT_CASE_BUNDLE):
            self.import_tab = ImportTab(session)
            self.tabs.addTab(self.import_tab, _("Import a partner's spreadsheet"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
