"""The case's assessments: each recommendation with the rules version that gave it, and its
reasons under that version; a supervisor may re-assess a case under the current rules.

A stored assessment is never re-scored (see `idtool.case_assessments`): re-assessing adds a new
assessment beside the old one, after a confirmation, and the audit trail records it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtool import case_assessments
from idtool.assessment import QuestionSource, current_version, recommendation_label
from idtool.i18n import _, current_language
from idtool.policy import Action
from idtool.session import Session
from ui.cases.list_model import local_time
from ui.fields import error_label, failure_text, show_error

FormFor = Callable[[str], QuestionSource | None]  # interview uuid -> its form


def version_text(version: str) -> str:
    """The rules version as the case view shows it: current or earlier."""
    if version == current_version():
        return _("{version} (current rules)").format(version=version)
    return _("{version} (earlier rules)").format(version=version)


class AssessmentsSection(QGroupBox):
    """Group box "Assessments" of the case view."""

    changed = Signal()

    def __init__(
        self,
        session: Session,
        case_uuid: str,
        case_number: str,
        form_for: FormFor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Assessments"), parent)
        self.setObjectName("case_assessments")
        self.session = session
        self.case_uuid = case_uuid
        self.case_number = case_number
        self.form_for = form_for
        self.lang = current_language()
        self.assessments: list[case_assessments.StoredAssessment] = []

        self.rules_note = QLabel(
            _(
                "Each recommendation is shown with the rules version that gave it and is"
                " explained under that version; a stored assessment is never re-scored."
            )
        )
        self.rules_note.setObjectName("case_rules_note")
        self.rules_note.setWordWrap(True)
        self.empty = QLabel(_("No assessment yet: it is made when an interview is completed."))
        self.tree = QTreeWidget()
        self.tree.setObjectName("case_assessment_tree")
        self.tree.setAccessibleName(_("Assessments"))
        self.tree.setHeaderLabels([_("Date"), _("Recommendation"), _("Rules version")])
        self.tree.setWordWrap(True)
        self.earlier_note = QLabel()
        self.earlier_note.setObjectName("case_earlier_rules_note")
        self.earlier_note.setWordWrap(True)
        self.reassess_button = QPushButton(_("Re-&assess under the current rules…"))
        self.reassess_button.setObjectName("case_reassess")
        self.reassess_button.clicked.connect(self.reassess)
        self.error = error_label("case_reassess_error")
        self.message = QLabel()
        self.message.setObjectName("case_reassess_message")
        self.message.setWordWrap(True)
        self.message.hide()

        layout = QVBoxLayout(self)
        for widget in (self.rules_note, self.empty, self.tree, self.earlier_note):
            layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reassess_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        self.assessments = case_assessments.for_case(self.session, self.case_uuid)
        self.tree.clear()
        for stored in reversed(self.assessments):  # newest first
            item = QTreeWidgetItem(
                [
                    local_time(stored.created_at),
                    recommendation_label(stored.recommendation, self.lang),
                    version_text(stored.rules_version),
                ]
            )
            item.setToolTip(0, _("Expand to see the reasons"))
            self.tree.addTopLevelItem(item)
            form = self.form_for(stored.interview_uuid)
            for line in stored.explain(self.lang, form).splitlines():
                if line.strip():
                    child = QTreeWidgetItem([line])
                    child.setToolTip(0, line)
                    item.addChild(child)
                    child.setFirstColumnSpanned(True)  # only once the item is in the tree
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
        if self.tree.topLevelItemCount():
            self.tree.topLevelItem(0).setExpanded(True)  # the newest one, with its reasons
        self.tree.setMinimumHeight(260 if self.assessments else 60)
        self.empty.setVisible(not self.assessments)
        self._show_earlier_rules()

    def _show_earlier_rules(self) -> None:
        latest = self.assessments[-1] if self.assessments else None
        earlier = latest is not None and not latest.current
        allowed = self.session.can(Action.REASSESS)
        self.reassess_button.setVisible(earlier and allowed)
        self.earlier_note.setVisible(earlier)
        if latest is None or not earlier:
            return
        if allowed:
            text = _(
                "The latest recommendation was made under earlier rules ({old}). You may"
                " assess the case again under the current rules ({new}); the earlier"
                " assessment is kept."
            )
        else:
            text = _(
                "The latest recommendation was made under earlier rules ({old}). A supervisor"
                " may assess the case again under the current rules ({new})."
            )
        self.earlier_note.setText(text.format(old=latest.rules_version, new=current_version()))

    def reassess(self) -> None:
        """Ask, then store a new assessment under the current rules."""
        latest = self.assessments[-1] if self.assessments else None
        if latest is None:
            return
        answer = QMessageBox.question(
            self,
            _("Re-assess under the current rules"),
            _("Assess case {number} again under the current rules ({new})?").format(
                number=self.case_number, new=current_version()
            )
            + "\n\n"
            + _(
                "The answers already recorded are scored again. The assessment made under"
                " {old} is kept as it was, and so is any decision already recorded; the new"
                " recommendation is added beside it and the audit trail records it."
            ).format(old=latest.rules_version),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            new = case_assessments.reassess(self.session, self.case_uuid)
        except Exception as exc:  # the core's message, never a traceback
            show_error(self.error, failure_text(exc))
            return
        show_error(self.error, "")
        message = _(
            "New assessment stored under rules {version}: {recommendation}."
            " The earlier assessment is kept."
        ).format(
            version=new.rules_version,
            recommendation=recommendation_label(new.recommendation, self.lang),
        )
        if new.recommendation != latest.recommendation:
            message += " " + _("The recommendation changed: review the decision on this case.")
        self.message.setText(message)
        self.message.show()
        self.refresh()
        self.changed.emit()
