"""Recording what the police and prosecutors did about a case, and a prosecutor's review.

The choices are the core's (`cj_link`): whether a case was opened, the articles (the list kept
as data, with the coordinator's numbers), public or private prosecution, the stage reached and
its date, the person's role. The core checks everything again; its message is shown here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from idtool import cj_link
from idtool.cj_link import Link
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.session import Session
from ui.fields import error_label, show_error


def _combo(name: str, accessible: str, table: dict[str, str], empty: str | None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    if empty is not None:
        combo.addItem(empty, "")
    for code in table:
        combo.addItem(cj_link.label(table, code), code)
    return combo


def _select(combo: QComboBox, code: str) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


class LinkDialog(QDialog):
    def __init__(
        self, session: Session, case_uuid: str, link: Link | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.case_uuid = session, case_uuid
        self.setWindowTitle(_("Criminal case"))
        self.resize(780, 560)
        self.opened = _combo("link_opened", _("Proceedings"), cj_link.OPENED_LABELS, None)
        self.articles = QListWidget()
        self.articles.setObjectName("link_articles")
        self.articles.setAccessibleName(_("Articles"))
        chosen = set(link.articles) if link else set()
        for article in cj_link.article_list(session):
            item = QListWidgetItem(article.label())
            item.setData(Qt.ItemDataRole.UserRole, article.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if article.id in chosen else Qt.CheckState.Unchecked
            )
            self.articles.addItem(item)
        self.prosecution = _combo(
            "link_prosecution", _("Prosecution"), cj_link.PROSECUTION_LABELS, _("Not known")
        )
        self.stage = _combo("link_stage", _("Stage"), cj_link.STAGE_LABELS, _("Not known"))
        self.stage_date = QLineEdit()
        self.stage_date.setObjectName("link_stage_date")
        self.stage_date.setAccessibleName(_("Date the stage was reached"))
        self.stage_date.setPlaceholderText(_("YYYY-MM-DD (empty: today)"))
        self.role = _combo("link_role", _("The person's role"), cj_link.ROLE_LABELS, _("Not known"))
        if link is not None:
            _select(self.opened, link.opened)
            _select(self.prosecution, link.prosecution)
            _select(self.stage, link.stage)
            _select(self.role, link.role)
            self.stage_date.setText(link.stage_dates.get(link.stage, ""))
        form = QFormLayout()
        form.addRow(_("Proceedings"), self.opened)
        form.addRow(_("Articles"), self.articles)
        form.addRow(_("Prosecution"), self.prosecution)
        form.addRow(_("Stage"), self.stage)
        form.addRow(_("Date the stage was reached"), self.stage_date)
        form.addRow(_("The person's role"), self.role)
        self.error = error_label("link_error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("link_save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_articles(self) -> tuple[str, ...]:
        items = (self.articles.item(i) for i in range(self.articles.count()))
        return tuple(
            str(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        )

    def save(self) -> None:
        try:
            cj_link.record(
                self.session,
                self.case_uuid,
                opened=str(self.opened.currentData()),
                articles=self.chosen_articles(),
                prosecution=str(self.prosecution.currentData()),
                stage=str(self.stage.currentData()),
                stage_date=self.stage_date.text().strip(),
                role=str(self.role.currentData()),
            )
        except IdtoolError as refused:
            show_error(self.error, refused.message)
            return
        self.accept()


class ReviewDialog(QDialog):
    """A prosecutor's review outcome, with a note."""

    def __init__(self, session: Session, case_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.case_uuid = session, case_uuid
        self.setWindowTitle(_("Prosecutor's review"))
        intro = QLabel(
            _(
                "Record the outcome of your review of how the case is qualified. The "
                "review queue's alarm about the case ends until the link changes again."
            )
        )
        intro.setWordWrap(True)
        self.outcome = _combo("review_outcome", _("Outcome"), cj_link.OUTCOME_LABELS, None)
        self.note = QPlainTextEdit()
        self.note.setObjectName("review_note")
        self.note.setAccessibleName(_("Note"))
        self.note.setTabChangesFocus(True)
        self.error = error_label("review_error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("review_save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            cj_link.record_review(
                self.session,
                self.case_uuid,
                str(self.outcome.currentData()),
                self.note.toPlainText(),
            )
        except IdtoolError as refused:
            show_error(self.error, refused.message)
            return
        self.accept()
