"""The case view's "History" tab: the decisions, newest first, and the case's audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from idtool import audit, decisions
from idtool.assessment import recommendation_label
from idtool.i18n import _, gettext
from idtool.session import Session
from ui.cases.audit_labels import AUDIT_ACTIONS
from ui.cases.list_model import local_time
from ui.cases.widgets import fit_columns, group, mark_row, read_only_table
from ui.documents.tables import refill

AUDIT_ROWS = 12


def decisions_box(history: list[decisions.Decision], lang: str) -> tuple[QGroupBox, QWidget]:
    """The "Decisions" box and its table (newest first; superseded ones dimmed)."""
    box, layout = group(_("Decisions"), "case_decisions")
    superseded = {d.supersedes for d in history if d.supersedes}
    newest_first = list(reversed(history))
    rows = [
        [
            local_time(d.decided_at),
            decisions.decision_label(d.decision),
            _("Superseded") if d.uuid in superseded else _("Current"),
            _("Yes: against the recommendation") if d.against_recommendation else _("No"),
            d.reason,
            d.officer_name,
            recommendation_label(d.recommendation, lang),
        ]
        for d in newest_first
    ]
    headers = [
        _("Decided"),
        _("Decision"),
        _("State"),
        _("Differs from recommendation"),
        _("Reason"),
        _("Officer"),
        _("Recommendation"),
    ]
    table = read_only_table(headers, rows, "case_decision_table", _("Decision history"))
    for r, d in enumerate(newest_first):
        if d.uuid in superseded:
            mark_row(table, r, italic=True, dim=True)
        else:
            mark_row(table, r, bold=True)
    fit_columns(table)
    if not history:
        layout.addWidget(QLabel(_("No decision yet.")))
    layout.addWidget(table)
    return box, table


class AuditBox(QGroupBox):
    """Group box "Audit trail": who did what to the case, and when."""

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Audit trail"), parent)
        self.setObjectName("case_audit")
        self.session = session
        self.case_uuid = case_uuid
        self.table = read_only_table(
            [_("Time"), _("Officer"), _("Action")],
            self.rows(),
            "case_audit_table",
            _("Audit trail"),
            max_rows=AUDIT_ROWS,
        )
        QVBoxLayout(self).addWidget(self.table)

    def rows(self) -> list[list[str]]:
        return [
            [
                local_time(e.ts),
                e.officer or "—",
                gettext(AUDIT_ACTIONS[e.action]) if e.action in AUDIT_ACTIONS else e.action,
            ]
            for e in audit.trail(self.session, self.case_uuid)
        ]

    def refresh(self) -> None:
        refill(self.table, self.rows(), max_rows=AUDIT_ROWS)
