"""A partner's filled HTCDS toolkit spreadsheet: previewed row by row, then imported as cases.

Nothing is written until the supervisor has seen the preview, named the partner and the region
and confirmed; while any row does not fit the standard, Import stays disabled and the rows are
listed with the reason. Each imported case waits in the review queue for the person's consent.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool.cases import status_label
from idtool.htcds import importer
from idtool.i18n import _
from idtool.regions import REGIONS, region_label
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error
from ui.tasks import run_task


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()


class ImportTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: importer.Preview | None = None
        intro = QLabel(
            _(
                "Import the cases of a partner organisation's filled HTCDS toolkit "
                "spreadsheet. You see every row first; nothing is imported while a row does "
                "not fit the standard. Each imported case waits in the review queue until "
                "the person has confirmed their consent."
            )
        )
        intro.setWordWrap(True)
        self.choose_button = QPushButton(_("C&hoose spreadsheet…"))
        self.choose_button.setObjectName("htcds_choose")
        self.choose_button.clicked.connect(self.choose)
        self.cases = _table(
            "htcds_preview",
            [_("Row"), _("Name"), _("Status here"), _("Possible duplicate")],
        )
        self.cases.setAccessibleName(_("Rows to import"))
        self.rejected = _table("htcds_rejected", [_("Row"), _("Field"), _("Reason")])
        self.rejected.setAccessibleName(_("Rows that do not fit"))
        self.source = QLineEdit()
        self.source.setObjectName("htcds_source")
        self.source.setAccessibleName(_("Partner organisation"))
        self.source.textChanged.connect(self._update)
        self.region = QComboBox()
        self.region.setObjectName("htcds_region")
        self.region.setAccessibleName(_("Region"))
        for code in REGIONS:
            self.region.addItem(region_label(code), code)
        form = QFormLayout()
        form.addRow(_("Partner organisation"), self.source)
        form.addRow(_("Region"), self.region)
        self.import_button = QPushButton(_("&Import"))
        self.import_button.setObjectName("htcds_import")
        self.import_button.clicked.connect(self.start_import)
        self.status = QLabel()
        self.status.setObjectName("htcds_import_status")
        self.status.setWordWrap(True)
        self.error = error_label("htcds_import_error")
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.cases, 2)
        layout.addWidget(QLabel(_("Rows that do not fit the standard")))
        layout.addWidget(self.rejected, 1)
        layout.addLayout(form)
        for widget in (self.status, self.error):
            layout.addWidget(widget)
        layout.addLayout(bottom)
        self._update()

    def _update(self) -> None:
        ready = (
            self.preview is not None
            and bool(self.preview.cases)
            and not self.preview.rejected
            and bool(self.source.text().strip())
        )
        self.import_button.setEnabled(ready)

    def choose(self) -> None:
        show_error(self.error, "")
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the partner's spreadsheet"), "", _("Excel workbooks (*.xlsx)")
        )
        if not chosen:
            return
        path = Path(chosen)
        self.choose_button.setEnabled(False)
        self.status.setText(_("Reading the spreadsheet…"))
        run_task(
            lambda worker, _state: importer.preview(worker, path),
            self._previewed,
            lambda exc: self._failed(exc, _("The spreadsheet could not be read.")),
            session=self.session,
            owner=self,
        )

    def _failed(self, exc: BaseException, fallback: str) -> None:
        self.choose_button.setEnabled(True)
        self.status.setText("")
        show_error(self.error, failure_text(exc, fallback))
        self._update()

    def _previewed(self, found: object) -> None:
        assert isinstance(found, importer.Preview)
        self.choose_button.setEnabled(True)
        self.preview = found
        _fill(
            self.cases,
            [
                [
                    str(c.line),
                    c.full_name or "—",
                    status_label(
                        "identified"
                        if c.facts.get("vic_TraffickingStatus") == "ActualVictimOfTrafficking"
                        else "possible"
                    ),
                    ", ".join(c.duplicates),
                ]
                for c in found.cases
            ],
        )
        _fill(self.rejected, [[str(r.line), r.column, r.reason] for r in found.rejected])
        bad = len({r.line for r in found.rejected})
        self.status.setText(
            _("{n} rows can be imported; {bad} rows do not fit the standard.").format(
                n=len(found.cases), bad=bad
            )
        )
        self._update()

    def start_import(self) -> None:
        found = self.preview
        if found is None or found.rejected:
            return
        asked = QMessageBox.question(
            self,
            _("Import cases"),
            _("Import {n} cases from {source}?").format(
                n=len(found.cases), source=self.source.text().strip()
            ),
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        source, region = self.source.text(), str(self.region.currentData())
        self.import_button.setEnabled(False)
        self.status.setText(_("Importing…"))
        run_task(
            lambda worker, _state: importer.import_cases(worker, found, source, region),
            self._imported,
            lambda exc: self._failed(exc, _("The cases could not be imported.")),
            session=self.session,
            owner=self,
        )

    def _imported(self, made: object) -> None:
        assert isinstance(made, list)
        self.preview = None
        _fill(self.cases, [])
        self.status.setText(
            _("{n} cases imported; each waits for the person's consent to be confirmed.").format(
                n=len(made)
            )
        )
        self._update()
