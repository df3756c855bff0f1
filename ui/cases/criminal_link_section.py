"""The case's criminal-justice link on the case view.

Police officers, prosecutors and the coordinator (`Action.CRIMINAL_LINK`) see the link, the
prosecutors' reviews and a button to record or change it; a prosecutor also records a review.
Everyone else sees only whether a criminal case exists.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from idtool import cj_link
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from ui.cases.criminal_link_dialog import LinkDialog, ReviewDialog
from ui.cases.widgets import group


class CriminalLinkSection(QWidget):
    changed = Signal()

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.case_uuid = session, case_uuid
        self.box, self.layout_ = group(_("Criminal case"), "case_criminal_link")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)
        self.summary = QFormLayout()
        self.layout_.addLayout(self.summary)
        self.record_button = QPushButton(_("Record the criminal &case…"))
        self.record_button.setObjectName("case_link_record")
        self.record_button.clicked.connect(self.edit)
        self.review_button = QPushButton(_("Record the prosecutor's re&view…"))
        self.review_button.setObjectName("case_link_review")
        self.review_button.clicked.connect(self.review)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.review_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.refresh()

    def _rows(self) -> list[tuple[str, str]]:
        if not self.session.can(Action.CRIMINAL_LINK):
            exists = cj_link.exists(self.session, self.case_uuid)
            return [(_("Criminal case:"), _("A criminal case exists.") if exists else "—")]
        link = cj_link.get(self.session, self.case_uuid)
        if link is None:
            return [(_("Criminal case:"), _("Nothing recorded yet."))]
        articles = {a.id: a for a in cj_link.article_list(self.session)}
        stages = "; ".join(
            f"{cj_link.label(cj_link.STAGE_LABELS, s)} {d}"
            for s, d in sorted(link.stage_dates.items(), key=lambda item: item[1])
        )
        rows = [
            (_("Proceedings:"), cj_link.label(cj_link.OPENED_LABELS, link.opened)),
            (
                _("Articles:"),
                "\n".join(articles[a].label() if a in articles else a for a in link.articles),
            ),
            (_("Prosecution:"), cj_link.label(cj_link.PROSECUTION_LABELS, link.prosecution)),
            (_("Stages:"), stages),
            (_("The person's role:"), cj_link.label(cj_link.ROLE_LABELS, link.role)),
        ]
        for found in cj_link.reviews(self.session, self.case_uuid):
            rows.append(
                (
                    _("Prosecutor's review:"),
                    f"{found.reviewed_at[:10]} "
                    f"{cj_link.label(cj_link.OUTCOME_LABELS, found.outcome)} {found.note}",
                )
            )
        return rows

    def refresh(self) -> None:
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for caption, value in self._rows():
            label = QLabel(value or "—")
            label.setWordWrap(True)
            self.summary.addRow(caption, label)
        may_record = self.session.can(Action.CRIMINAL_LINK)
        self.record_button.setVisible(may_record)
        self.review_button.setVisible(self.session.can(Action.PROSECUTOR_REVIEW))
        self.review_button.setEnabled(
            may_record and cj_link.get(self.session, self.case_uuid) is not None
        )

    def edit(self) -> None:
        dialog = LinkDialog(
            self.session, self.case_uuid, cj_link.get(self.session, self.case_uuid), self
        )
        if dialog.exec():
            self.refresh()
            self.changed.emit()

    def review(self) -> None:
        if ReviewDialog(self.session, self.case_uuid, self).exec():
            self.refresh()
            self.changed.emit()
