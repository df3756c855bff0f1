"""Import exchange packages behind a progress dialog with Cancel; the import report is shown in
words and counts.

Several files may be imported at once, in any order: a package refused only because an
earlier one from the same device is missing is tried again after the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from idtool.errors import BundleError, IdtoolError
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import importer
from idtool.sync.referral_in import ReceivedReferral, opened_case
from idtool.sync.report import ImportReport
from ui.fields import failure_text
from ui.sync.common import BUNDLE_FILTER, default_folder, notify
from ui.tasks import Task, TaskState, run_task


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: a report, or the one-line reason it was refused."""

    path: Path
    report: ImportReport | None = None
    refused: str = ""
    referral: ReceivedReferral | None = None


def import_files(session: Session, paths: list[Path], state: TaskState) -> list[Outcome]:
    """Worker side: import each file; retry those refused as a gap while others succeed."""
    done: dict[Path, Outcome] = {}
    pending = list(paths)
    step = 0
    total = max(1, len(paths)) * 1000

    def progress_for(base: int) -> Callable[[int, int], None]:
        def report(d: int, t: int) -> None:
            state.progress(base + (int(d * 1000 / t) if t else 0), total)

        return report

    while pending:
        retry: list[tuple[Path, str]] = []
        for path in pending:
            if state.cancelled():
                done[path] = Outcome(path, refused=_("Cancelled: this file was not imported."))
                continue
            try:
                report = importer.import_bundle(
                    session, path, progress_for(step * 1000), state.cancelled
                )
            except BundleError as exc:
                if exc.reason == "gap":
                    retry.append((path, exc.message))
                    continue
                done[path] = Outcome(path, refused=exc.message)
            except IdtoolError as exc:
                done[path] = Outcome(path, refused=exc.message)
            else:
                done[path] = Outcome(path, report, referral=opened_case(session, report))
            step = min(step + 1, len(paths) - 1)
        if len(retry) == len(pending):  # no progress: the missing packages are not here
            for path, message in retry:
                done[path] = Outcome(path, refused=message)
            break
        pending = [path for path, _message in retry]
    state.progress(total, total)
    return [done[p] for p in paths]


class ImportFlow:
    """Choose one or more files, import them off the GUI thread, show the report."""

    def __init__(
        self, session: Session, parent: QWidget, on_imported: Callable[[], None] | None = None
    ) -> None:
        self.session, self.parent = session, parent
        self.on_imported = on_imported
        self.run: Task | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.message: QMessageBox | None = None

    def start(self) -> bool:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self.parent,
            _("Choose exchange packages to import"),
            default_folder(),
            _("Exchange packages ({pattern});;All files (*)").format(pattern=BUNDLE_FILTER),
        )
        if not chosen:
            return False
        paths = [Path(p) for p in chosen]
        self.run = run_task(
            lambda worker, state: import_files(worker, paths, state),
            self._done,
            self._failed,
            session=self.session,
            owner=self.parent,
            progress=_("Importing exchange packages…"),
            title=_("Exchange packages"),
            name="exchange",
        )
        return True

    def _done(self, outcomes: list[Outcome]) -> None:
        if self.on_imported is not None and any(o.report for o in outcomes):
            self.on_imported()
        review = self.session.can(Action.IMPORT_CASE_BUNDLE)
        self.report_dialog = ImportReportDialog(outcomes, review, self.parent)
        self.report_dialog.open()

    def _failed(self, exc: BaseException) -> None:
        self.message = notify(
            self.parent,
            _("Import exchange packages"),
            _("Nothing was imported: {reason}").format(reason=failure_text(exc)),
            warning=True,
        )


COUNTS = (
    ("imported", lambda r: r.imported),
    ("unchanged", lambda r: r.unchanged),
    ("conflicts", lambda r: r.conflicts),
    ("duplicates", lambda r: r.duplicates),
    ("quarantined", lambda r: r.quarantined),
)


def count_labels() -> dict[str, str]:
    return {
        "imported": _("Imported"),
        "unchanged": _("Unchanged"),
        "conflicts": _("Conflicts to resolve"),
        "duplicates": _("Possible duplicates"),
        "quarantined": _("Quarantined records"),
    }


class ImportReportDialog(QDialog):
    """One box per file: the counts, or in red the reason the package was refused."""

    def __init__(
        self, outcomes: list[Outcome], can_review: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_report")
        self.setWindowTitle(_("Import report"))
        self.resize(560, 420)
        body = QWidget()
        column = QVBoxLayout(body)
        names = count_labels()
        needs_review = False
        for index, outcome in enumerate(outcomes):
            box = QGroupBox(outcome.path.name)
            box.setObjectName(f"report_{index}")
            form = QFormLayout(box)
            if outcome.report is None:
                line = QLabel(_("Refused: {reason}").format(reason=outcome.refused))
                line.setObjectName("refused")
                line.setWordWrap(True)
                line.setStyleSheet("color: #b00020; font-weight: bold;")
                line.setAccessibleName(line.text())
                form.addRow(line)
            elif outcome.report.already_imported:
                line = QLabel(_("Already imported earlier; nothing was changed."))
                line.setObjectName("already_imported")
                form.addRow(line)
            else:
                report = outcome.report
                if outcome.referral is not None:
                    line = QLabel(
                        _(
                            "Referral received: case {number} was opened here for the "
                            "person (case {source} of the sending device). The answers "
                            "came with it and need not be asked again."
                        ).format(
                            number=outcome.referral.case_number,
                            source=outcome.referral.source_case_number,
                        )
                    )
                    line.setObjectName("referral_received")
                    line.setWordWrap(True)
                    line.setStyleSheet("font-weight: bold;")
                    line.setAccessibleName(line.text())
                    form.addRow(line)
                if report.audit_findings:
                    line = QLabel(
                        _(
                            "The audit log of this device does not match what it sent "
                            "before, or is damaged: see the review queue."
                        )
                    )
                    line.setObjectName("audit_findings")
                    line.setWordWrap(True)
                    line.setStyleSheet("color: #b00020; font-weight: bold;")
                    line.setAccessibleName(line.text())
                    form.addRow(line)
                for key, get in COUNTS:
                    value = QLabel(str(get(report)))
                    value.setObjectName(f"count_{key}")
                    value.setAccessibleName(f"{names[key]}: {get(report)}")
                    form.addRow(names[key] + ":", value)
                    if key in ("conflicts", "duplicates", "quarantined") and get(report):
                        needs_review = True
                details = QLabel("\n".join(report.lines()[2:]))
                details.setObjectName("report_details")
                details.setWordWrap(True)
                details.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse
                    | Qt.TextInteractionFlag.TextSelectableByKeyboard
                )
                if details.text():
                    form.addRow(details)
            column.addWidget(box)
        if needs_review and can_review:
            hint = QLabel(
                _(
                    "Some records need a person's decision: open Exchange > Review "
                    "conflicts and duplicates."
                )
            )
            hint.setObjectName("review_hint")
            hint.setWordWrap(True)
            column.addWidget(hint)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)

    def counts(self, index: int = 0) -> dict[str, int]:
        box = self.findChild(QGroupBox, f"report_{index}")
        return {key: int(box.findChild(QLabel, f"count_{key}").text()) for key, _get in COUNTS}

    def refused_text(self, index: int = 0) -> str:
        box = self.findChild(QGroupBox, f"report_{index}")
        label = box.findChild(QLabel, "refused")
        return label.text() if label is not None else ""

    def referral_text(self, index: int = 0) -> str:
        box = self.findChild(QGroupBox, f"report_{index}")
        label = box.findChild(QLabel, "referral_received")
        return label.text() if label is not None else ""
