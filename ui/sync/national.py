"""Statistics reports between coordinators: a region writes its report package for the national
coordinator (suppressed figures only); the national coordinator sees the merged figures of the
latest period reports were received for. Trust is set up on the command line
(`idtool stats-report trust-national | trust-region`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.session import Session
from idtool.stats import report
from idtool.sync import stats_report
from ui.fields import failure_text
from ui.sync.common import notify
from ui.sync.write_flows import WriteFlow
from ui.tasks import TaskState


class StatsReportFlow(WriteFlow):
    """Regional coordinator: write the statistics report package (all cases, k = 11)."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(session, parent)
        self.title = _("Statistics report for the national coordinator")
        self.folder_prompt = _(
            "Choose the folder for the statistics report (for example the USB stick)"
        )
        self.busy_text = _("Writing the statistics report…")
        self.done_text = _(
            "The statistics report {name} was written to the folder {folder}. It holds only "
            "suppressed figures, no record of a person: take it to the national coordinator."
        )
        self.failed_text = _("The statistics report was not written: {reason}")

    def write(self, session: Session, folder: str, state: TaskState) -> Path:
        return stats_report.export_report(
            session, folder, progress=state.progress, cancelled=state.cancelled
        )


def national_text(session: Session) -> str:
    """The merged national figures of the latest period reports cover, as lines of text."""
    found = stats_report.periods(session)
    if not found:
        return _("No statistics report was received yet.")
    start, end, regions = found[-1]
    pub = stats_report.national(session, start, end)
    lines = [report.period_text(pub), _("Regions: {n}").format(n=regions), ""]
    lines += [f"{label}: {value}" for label, value in report.headline(pub)]
    lines += ["", report.rule_text(pub)]
    return "\n".join(lines)


def show_national(session: Session, parent: QWidget) -> QMessageBox:
    """National coordinator: the merged figures in a message box (kept by the caller)."""
    title = _("National figures")
    try:
        text = national_text(session)
    except IdtoolError as exc:
        return notify(parent, title, failure_text(exc), warning=True)
    return notify(parent, title, text, object_name="national_figures")
