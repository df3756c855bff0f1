"""Supervisor: NRM statistics of a period - headline figures, breakdowns with bar charts, and
CSV / PDF reports.

Only published values reach the screen and the files: every table, figure and bar comes from
`Statistics.published(threshold)`, so a suppressed count shows as "<threshold" and is never
drawn at its true size. The exact `Statistics` stay in this dialog's memory only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from idtool import dates
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.regions import REGIONS, region_label
from idtool.stats import DEFAULT_THRESHOLD, Published, Statistics, compute, report
from idtool.stats.compute import COLUMNS
from idtool.stats.labels import DIMENSIONS, dimension_label, outcome_label
from ui.fields import error_label, failure_text, show_error
from ui.stats.chart import CHART_COLUMN, BarChart, chart_bars
from ui.tasks import run_task

if TYPE_CHECKING:
    from idtool.session import Session

MAX_THRESHOLD = 100


def _read_only_table(object_name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):  # figure columns as wide as their headings
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setAccessibleName(object_name)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _default_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


class StatsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, demo: bool = False) -> None:
        super().__init__(parent)
        self.demo = demo  # the demo program counts its fictional cases
        self.session = session
        self.stats: Statistics | None = None
        self.published: Published | None = None
        self.busy = False
        self.setWindowTitle(_("NRM statistics"))
        self.resize(860, 720)
        layout = QVBoxLayout(self)

        form = QFormLayout()
        self.period_from = QLineEdit()
        self.period_from.setObjectName("stats_from")
        self.period_from.setPlaceholderText(_("YYYY-MM-DD (optional)"))
        self.period_from.setAccessibleName(_("Period from"))
        self.period_to = QLineEdit()
        self.period_to.setObjectName("stats_to")
        self.period_to.setPlaceholderText(_("YYYY-MM-DD (optional)"))
        self.period_to.setAccessibleName(_("Period to"))
        period = QHBoxLayout()
        period.addWidget(self.period_from)
        period.addWidget(QLabel("–"))
        period.addWidget(self.period_to)
        form.addRow(_("Period (cases opened)"), period)
        self.region = QComboBox()
        self.region.setObjectName("stats_region")
        self.region.setAccessibleName(_("Region"))
        self.region.addItem(_("All regions"), "")
        for code in REGIONS:
            self.region.addItem(region_label(code), code)
        form.addRow(_("Region"), self.region)
        self.threshold = QSpinBox()
        self.threshold.setObjectName("stats_threshold")
        self.threshold.setAccessibleName(_("Suppression threshold"))
        # Counts below the threshold are hidden; it can be raised, never lowered below 5.
        self.threshold.setRange(DEFAULT_THRESHOLD, MAX_THRESHOLD)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.valueChanged.connect(self._republish)
        form.addRow(_("Suppression threshold"), self.threshold)
        layout.addLayout(form)

        run_row = QHBoxLayout()
        self.compute_button = QPushButton(_("&Compute"))
        self.compute_button.setObjectName("stats_compute")
        self.compute_button.clicked.connect(self.start)
        run_row.addWidget(self.compute_button)
        self.status = QLabel()
        self.status.setObjectName("stats_status")
        self.status.setWordWrap(True)
        run_row.addWidget(self.status, 1)
        layout.addLayout(run_row)
        self.error = error_label("stats_error", self)
        layout.addWidget(self.error)

        self.rule = QLabel()
        self.rule.setObjectName("stats_rule")
        self.rule.setWordWrap(True)
        layout.addWidget(self.rule)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("stats_tabs")
        self.figures = _read_only_table("stats_figures", [_("Figure"), _("Value")])
        self.tabs.addTab(self.figures, _("Figures"))
        self.tables: dict[str, QTableWidget] = {}
        self.charts: dict[str, BarChart] = {}
        headers = [outcome_label(c) for c in COLUMNS]
        for dim in DIMENSIONS:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            table = _read_only_table(f"stats_table_{dim}", [dimension_label(dim), *headers])
            chart = BarChart(page)
            chart.setObjectName(f"stats_chart_{dim}")
            page_layout.addWidget(table, 1)
            page_layout.addWidget(chart)
            self.tables[dim] = table
            self.charts[dim] = chart
            self.tabs.addTab(page, dimension_label(dim))
        layout.addWidget(self.tabs, 1)

        warning = QLabel(
            _(
                "Saved reports are NOT encrypted: they hold only published "
                "(suppressed) figures, but keep them where they are safe."
            )
        )
        warning.setObjectName("stats_file_warning")
        warning.setWordWrap(True)
        layout.addWidget(warning)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.csv_button = QPushButton(_("Save &CSV…"))
        self.csv_button.setObjectName("stats_save_csv")
        self.csv_button.clicked.connect(self.save_csv)
        self.pdf_button = QPushButton(_("Save &PDF…"))
        self.pdf_button.setObjectName("stats_save_pdf")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton(_("P&rint…"))
        self.print_button.setObjectName("stats_print")
        self.print_button.clicked.connect(self.print_report)
        for button in (self.csv_button, self.pdf_button, self.print_button):
            button.setEnabled(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    # -- computing ---------------------------------------------------------------------------
    def _dates(self) -> tuple[date | None, date | None] | None:
        out: list[date | None] = []
        for edit in (self.period_from, self.period_to):
            text = edit.text().strip()
            if not text:
                out.append(None)
                continue
            try:
                out.append(dates.parse(text))
            except InvalidInput as refused:
                show_error(self.error, refused.message)
                edit.setFocus()
                return None
        start, end = out
        if start and end and start > end:
            show_error(self.error, _("The start of the period is after its end."))
            return None
        return start, end

    def start(self) -> None:
        """Compute the statistics off the GUI thread."""
        if self.busy:
            return
        show_error(self.error, "")
        dates = self._dates()
        if dates is None:
            return
        start, end = dates
        region = self.region.currentData() or None
        session = self.session
        self._set_busy(True)
        demo = self.demo
        run_task(
            lambda worker, _state: compute(worker, start, end, region, demo=demo),
            self._computed,
            lambda exc: self._failed(exc, _("The statistics could not be computed.")),
            session=session,
            owner=self,
        )

    def _failed(self, exc: BaseException, fallback: str) -> None:
        self._set_busy(False)
        show_error(self.error, failure_text(exc, fallback))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.compute_button.setEnabled(not busy)
        ready = not busy and self.published is not None
        self.csv_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.status.setText(_("Computing…") if busy else "")

    def _computed(self, stats: object) -> None:
        assert isinstance(stats, Statistics)
        self._set_busy(False)
        self.stats = stats
        self._republish()

    def _republish(self) -> None:
        """Show the current statistics as published at the chosen threshold."""
        if self.stats is None:
            return
        pub = self.stats.published(self.threshold.value())
        self.published = pub
        self.rule.setText(report.period_text(pub) + "\n" + report.rule_text(pub))
        _fill(self.figures, [list(row) for row in report.headline(pub)])
        axis = _("{outcome} (cases)").format(outcome=outcome_label(CHART_COLUMN))
        for dim in DIMENSIONS:
            _fill(self.tables[dim], report.breakdown_rows(pub, dim))
            self.charts[dim].set_data(chart_bars(pub, dim), axis, pub.threshold)
        self._set_busy(self.busy)

    # -- saving ------------------------------------------------------------------------------
    def _ask_path(self, title: str, name: str, file_filter: str, suffix: str) -> Path | None:
        caption = _("{title} - the file is NOT encrypted").format(title=title)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            caption,
            str(_default_folder() / name),
            file_filter,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        if path.exists():
            show_error(
                self.error,
                _("{name} already exists; choose another name (nothing was overwritten).").format(
                    name=path.name
                ),
            )
            return None
        if not path.parent.is_dir():
            show_error(self.error, _("The folder for the report does not exist."))
            return None
        return path

    def _file_name(self, suffix: str) -> str:
        scope = self.stats.scope if self.stats is not None else None
        parts = ["nrm-statistics"]
        if scope is not None:
            parts += [d.isoformat() for d in (scope.period_from, scope.period_to) if d]
        return "_".join(parts) + suffix

    def save_csv(self) -> None:
        pub = self.published
        if pub is None or self.busy:
            return
        show_error(self.error, "")
        path = self._ask_path(
            _("Save statistics as CSV"), self._file_name(".csv"), _("CSV files (*.csv)"), ".csv"
        )
        if path is not None:
            self._write(path, report.to_csv(pub))

    def save_pdf(self) -> None:
        pub = self.published
        if pub is None or self.busy:
            return
        show_error(self.error, "")
        path = self._ask_path(
            _("Save statistics as PDF"), self._file_name(".pdf"), _("PDF documents (*.pdf)"), ".pdf"
        )
        if path is None:
            return
        self._set_busy(True)
        self.status.setText(_("Making the PDF…"))
        run_task(
            lambda _state: report.to_pdf(pub),
            lambda data: self._pdf_made(path, data),
            lambda exc: self._failed(exc, _("The PDF could not be made.")),
            owner=self,
        )

    def print_report(self) -> None:
        """The PDF report, straight to a printer (drawn in memory, no file)."""
        from ui.documents.printing import choose_printer, print_pdf  # Qt's printing, when asked

        pub = self.published
        if pub is None or self.busy:
            return
        show_error(self.error, "")
        printer = choose_printer(self, _("Print the statistics"))
        if printer is None:
            return
        self._set_busy(True)
        self.status.setText(_("Printing…"))
        run_task(
            lambda _state: print_pdf(printer, report.to_pdf(pub)),
            self._printed,
            lambda exc: self._failed(exc, _("The report could not be printed.")),
            owner=self,
        )

    def _printed(self, pages: object) -> None:
        self._set_busy(False)
        self.status.setText(_("Sent to the printer (pages: {pages}).").format(pages=pages))

    def _pdf_made(self, path: Path, data: object) -> None:
        self._set_busy(False)
        self._write(path, data)

    def _write(self, path: Path, data: object) -> None:
        from idtool.atomic import write_atomic

        assert isinstance(data, bytes)
        if path.exists():  # appeared meanwhile
            show_error(
                self.error,
                _("{name} already exists; choose another name (nothing was overwritten).").format(
                    name=path.name
                ),
            )
            return
        try:
            write_atomic(path, data)
        except OSError:
            show_error(self.error, _("The report could not be saved there."))
            return
        self.status.setText(
            _("Saved {name}. The file is not encrypted: keep it safe.").format(name=path.name)
        )
