"""The case view's "Addenda" box: every amendment of a completed interview, one row per
changed answer, with the answer before and after and the officer's reason."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel

from idtool import addenda, interviews
from idtool.errors import IdtoolError
from idtool.i18n import _
from idtool.questionnaire.answer_text import answer_text
from idtool.questionnaire.model import Form
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from ui.cases.list_model import local_time
from ui.cases.widgets import fit_columns, form_title, group, read_only_table


def _form(session: Session, interview: interviews.Interview | None) -> Form | None:
    if interview is None:
        return None
    try:
        return load_shipped(
            interview.form_id, interview.form_version, installed=session.installed_forms
        )
    except IdtoolError:
        return None


def addenda_rows(
    session: Session, case_uuid: str, interview_list: list[interviews.Interview], lang: str
) -> list[list[str]]:
    """Newest addendum first: recorded, officer, questionnaire, question, before, after,
    reason."""
    by_uuid = {i.uuid: i for i in interview_list}
    rows = []
    for made in reversed(addenda.for_case(session, case_uuid)):
        interview = by_uuid.get(made.interview_uuid)
        form = _form(session, interview)
        title = form_title(form, interview.form_id if interview else "", lang)
        for change in made.changes:
            rows.append(
                [
                    local_time(made.created_at),
                    made.officer_name,
                    title,
                    addenda.question_label(form, change.question, lang),
                    answer_text(form, change.question, change.before, lang) or "—",
                    answer_text(form, change.question, change.after, lang) or "—",
                    made.reason,
                ]
            )
    return rows


def addenda_box(
    session: Session, case_uuid: str, interview_list: list[interviews.Interview], lang: str
) -> QGroupBox:
    box, layout = group(_("Addenda"), "case_addenda")
    rows = addenda_rows(session, case_uuid, interview_list, lang)
    headers = [
        _("Recorded"),
        _("Officer"),
        _("Questionnaire"),
        _("Question"),
        _("Before"),
        _("After"),
        _("Reason"),
    ]
    if not rows:
        layout.addWidget(QLabel(_("No addendum: no completed interview has been amended.")))
    table = read_only_table(headers, rows, "case_addenda_table", _("Addenda"), max_rows=8)
    fit_columns(table, widest=260)
    table.setVisible(bool(rows))
    layout.addWidget(table)
    return box
