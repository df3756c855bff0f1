"""Saving the anonymised HTCDS records: as CSV or in the layout of the HTCDS Excel toolkit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtool.atomic import write_atomic
from idtool.htcds import standard
from idtool.htcds.export import K_ANONYMITY, HtcdsExport, export_htcds
from idtool.htcds.rows import COLUMNS
from idtool.htcds.toolkit import OUR_LABELS, export_toolkit
from idtool.i18n import _
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error
from ui.tasks import run_task


def _label(column: str) -> str:
    found = standard.fields().get(column)
    return f"{column}: {found.label if found else OUR_LABELS.get(column, column)}"


class ExportTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        intro = QLabel(
            _(
                "Anonymised records with the field and value names of HTCDS 2.0, for partners "
                "and their HTCDS toolkit. No name, date, number or free text leaves. A record "
                "whose combination of values is shared by fewer than {k} cases is left out: "
                "the fewer columns you choose, the more records are kept."
            ).format(k=K_ANONYMITY)
        )
        intro.setWordWrap(True)
        self.fields = QListWidget()
        self.fields.setObjectName("htcds_fields")
        self.fields.setAccessibleName(_("Columns to export"))
        for column in COLUMNS:
            item = QListWidgetItem(_label(column))
            item.setData(Qt.ItemDataRole.UserRole, column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.fields.addItem(item)
        self.csv_button = QPushButton(_("Save &CSV…"))
        self.csv_button.setObjectName("htcds_save_csv")
        self.csv_button.clicked.connect(lambda: self.save(False))
        self.xlsx_button = QPushButton(_("Save for the HTCDS &Excel toolkit…"))
        self.xlsx_button.setObjectName("htcds_save_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.save(True))
        warning = QLabel(
            _(
                "The saved file is NOT encrypted: it holds only anonymised records, but "
                "keep it safe."
            )
        )
        warning.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("htcds_status")
        self.status.setWordWrap(True)
        self.error = error_label("htcds_export_error")
        row = QHBoxLayout()
        row.addWidget(self.csv_button)
        row.addWidget(self.xlsx_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(_("Columns to export")))
        layout.addWidget(self.fields, 1)
        for widget in (warning, self.status, self.error):
            layout.addWidget(widget)
        layout.addLayout(row)

    def chosen(self) -> list[str]:
        items = (self.fields.item(i) for i in range(self.fields.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _ask(self, xlsx: bool) -> Path | None:
        suffix = ".xlsx" if xlsx else ".csv"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the HTCDS records - the file is NOT encrypted"),
            str(Path(folder or Path.home()) / f"htcds{suffix}"),
            _("Excel workbooks (*.xlsx)") if xlsx else _("CSV files (*.csv)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not chosen:
            return None
        path = Path(chosen)
        path = path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)
        if path.exists():
            show_error(
                self.error,
                _("{name} already exists; choose another name (nothing was overwritten).").format(
                    name=path.name
                ),
            )
            return None
        return path

    def save(self, xlsx: bool) -> None:
        show_error(self.error, "")
        columns = self.chosen()
        if not columns:
            show_error(self.error, _("Choose at least one column."))
            return
        path = self._ask(xlsx)
        if path is None:
            return
        make: Callable[..., HtcdsExport] = export_toolkit if xlsx else export_htcds
        self._busy(True)
        run_task(
            lambda worker, _state: make(worker, fields=columns),
            lambda made: self._write(path, made),
            self._failed,
            session=self.session,
            owner=self,
        )

    def _busy(self, busy: bool) -> None:
        self.csv_button.setEnabled(not busy)
        self.xlsx_button.setEnabled(not busy)
        self.status.setText(_("Preparing the records…") if busy else "")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        show_error(self.error, failure_text(exc, _("The records could not be exported.")))

    def _write(self, path: Path, made: object) -> None:
        self._busy(False)
        assert isinstance(made, HtcdsExport)
        try:
            write_atomic(path, bytes(made))
        except OSError:
            show_error(self.error, _("The file could not be saved."))
            return
        self.status.setText(
            _(
                "Saved {name}: {rows} records; {dropped} records in groups smaller than {k} "
                "were left out."
            ).format(name=path.name, rows=made.rows, dropped=made.dropped, k=made.k)
        )
