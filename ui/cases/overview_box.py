"""The case view's "At a glance" box on its Summary tab: where the case stands (the latest
recommendation, the decision in force, the certificate, the referrals), each in one line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel

from idtool import case_assessments, decisions, directory, referrals
from idtool.assessment import recommendation_label
from idtool.certificate import ledger
from idtool.i18n import _
from idtool.session import Session
from ui.cases.widgets import group


def overview_box(session: Session, case_uuid: str, lang: str) -> QGroupBox:
    box, layout = group(_("At a glance"), "case_overview")
    latest = case_assessments.latest(session, case_uuid)
    history = decisions.history(session, case_uuid)
    cert = ledger.get(session, case_uuid)
    refs = referrals.for_case(session, case_uuid)
    names = {org.id: org.title() for org in directory.organisations(session)}
    if cert is None:
        certificate = _("Not issued")
    elif cert.revoked:
        certificate = _("{number} (revoked)").format(number=cert.number)
    else:
        certificate = cert.number
    rows = (
        (
            _("Recommendation:"),
            recommendation_label(latest.recommendation, lang)
            if latest
            else _("Not assessed yet: complete an interview."),
        ),
        (
            _("Decision:"),
            decisions.decision_label(history[-1].decision) if history else _("No decision yet."),
        ),
        (_("Certificate:"), certificate),
        (
            _("Referrals:"),
            "; ".join(
                f"{names.get(r.recipient_id, r.recipient_id)}: {referrals.status_label(r.status)}"
                for r in refs
            )
            or _("None yet"),
        ),
    )
    form = QFormLayout()
    for caption, value in rows:
        label = QLabel(value)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(caption, label)
    layout.addLayout(form)
    return box
