"""The retention schedule, edited: for each case status, how many years after the last thing
recorded in a case its person's data is kept (or kept until erased on request). Changing it
erases nothing: the retention review lists what it makes due, and erases only when confirmed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from idtool import cases, policy_options, retention
from idtool.i18n import _
from idtool.session import Session
from ui.fields import error_label, failure_text, show_error


class ScheduleDialog(QDialog):
    """One spin box per status: 0 keeps the data until it is erased on request."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Retention schedule"))
        intro = QLabel(
            _(
                "How many years after the last thing recorded in a case the person's data is "
                "kept, by the case's status. Changing the schedule erases nothing: the "
                "retention review lists the cases it makes due, and erases them only when you "
                "confirm."
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.boxes: dict[str, QSpinBox] = {}
        current = retention.periods(session)
        for status in policy_options.RETENTION_STATUSES:
            box = QSpinBox()
            box.setObjectName(f"retention_years_{status}")
            box.setRange(0, policy_options.MAX_RETENTION_YEARS)
            box.setSpecialValueText(_("until erased on request"))
            box.setSuffix(_(" year(s)"))
            box.setValue(current.get(status, 0))
            box.setAccessibleName(cases.status_label(status))
            shown = box.fontMetrics().horizontalAdvance(box.specialValueText())
            box.setMinimumWidth(shown + 48)  # the words "until erased on request" in full
            form.addRow(cases.status_label(status) + ":", box)
            self.boxes[status] = box
        self.error = error_label("retention_schedule_error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def periods(self) -> dict[str, int]:
        return {status: box.value() for status, box in self.boxes.items() if box.value()}

    def _save(self) -> None:
        try:
            retention.set_schedule(self.session, self.periods())
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc, _("The schedule was not changed.")))
            return
        self.accept()
