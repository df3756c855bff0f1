"""Criminal-justice statistics: what happened to identified victims' cases, by article."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool import dates
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session
from idtool.stats import facts, justice
from idtool.stats.suppress import DEFAULT_THRESHOLD
from ui.fields import error_label, failure_text, show_error
from ui.tasks import run_task


class JusticeDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Criminal-justice statistics"))
        self.resize(760, 520)
        self.period_from, self.period_to = QLineEdit(), QLineEdit()
        for edit, name in ((self.period_from, _("Period from")), (self.period_to, _("Period to"))):
            edit.setPlaceholderText(_("YYYY-MM-DD (optional)"))
            edit.setAccessibleName(name)
        self.threshold = QSpinBox()
        self.threshold.setRange(DEFAULT_THRESHOLD, 100)
        self.threshold.setAccessibleName(_("Suppression threshold"))
        self.compute_button = QPushButton(_("&Compute"))
        self.compute_button.setObjectName("justice_compute")
        self.compute_button.clicked.connect(self.start)
        period = QHBoxLayout()
        period.addWidget(self.period_from)
        period.addWidget(QLabel("–"))
        period.addWidget(self.period_to)
        form = QFormLayout()
        form.addRow(_("Period (cases opened)"), period)
        form.addRow(_("Suppression threshold"), self.threshold)
        self.figures = QLabel()
        self.figures.setObjectName("justice_figures")
        self.figures.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("justice_table")
        self.table.setHorizontalHeaderLabels(
            [_("Article"), _("Cases opened"), _("Of identified victims")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.error = error_label("justice_error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.compute_button)
        layout.addWidget(self.figures)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _scope(self) -> facts.Scope | None:
        found: list[date | None] = []
        for edit in (self.period_from, self.period_to):
            text = edit.text().strip()
            try:
                found.append(dates.parse(text) if text else None)
            except InvalidInput as refused:
                show_error(self.error, refused.message)
                return None
        return facts.Scope(found[0], found[1])

    def start(self) -> None:
        show_error(self.error, "")
        scope = self._scope()
        if scope is None:
            return
        threshold = self.threshold.value()
        self.compute_button.setEnabled(False)
        run_task(
            lambda worker, _state: justice.compute(worker, scope).published(threshold),
            self._shown,
            self._failed,
            session=self.session,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self.compute_button.setEnabled(True)
        show_error(self.error, failure_text(exc, _("The statistics could not be computed.")))

    def _shown(self, pub: object) -> None:
        assert isinstance(pub, justice.PublishedJustice)
        self.compute_button.setEnabled(True)
        share, days = pub.share_qualified, pub.median_days
        self.figures.setText(
            "\n".join(
                [
                    _("Identified victims: {n}").format(n=pub.text("identified")),
                    _(
                        "Of them, with a case qualified as trafficking or forced labour: "
                        "{n} ({share})"
                    ).format(
                        n=pub.text("qualified"), share="-" if share is None else f"{share:.0%}"
                    ),
                    _("Median days from identification to the criminal case: {days}").format(
                        days="-" if days is None else f"{days:g}"
                    ),
                    _("Discontinued cases: {n} (of identified victims: {m})").format(
                        n=pub.text("discontinued"), m=pub.text("discontinued_identified")
                    ),
                ]
            )
        )
        rows = justice.rows(pub)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
