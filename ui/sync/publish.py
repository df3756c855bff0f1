"""Coordinator: publish a questionnaire (YAML or an XLSForm) so that the next update carries it
to every device (`sync.questionnaires.publish`), after saying which form and version it is and
that a published version never changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from idtool.errors import IdtoolError
from idtool.i18n import _, current_language
from idtool.questionnaire.loader import load_form
from idtool.session import Session
from idtool.sync import questionnaires
from ui.fields import failure_text
from ui.sync.common import default_folder, notify

SHOWN_WARNINGS = 20


def publish_questionnaire(session: Session, parent: QWidget) -> QMessageBox | None:
    """Ask for the file, confirm, publish; the message box (kept by the caller), or None when
    the officer chose nothing or said no."""
    title = _("Publish a questionnaire")
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Choose the questionnaire to publish"),
        default_folder(),
        _("Questionnaires (*.xlsx *.yaml *.yml)"),
    )
    if not chosen:
        return None
    try:
        form = load_form(Path(chosen))
    except (IdtoolError, OSError) as exc:
        return notify(parent, title, failure_text(exc), warning=True, object_name="publish_result")
    name = form.title.get(current_language(), form.default_language)
    answer = QMessageBox.question(
        parent,
        title,
        _(
            "Publish “{name}” ({form_id}, version {version})? The next update carries it to "
            "every device. A published version never changes: a correction needs a new version."
        ).format(name=name, form_id=form.form_id, version=form.version),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        form_id, version, warnings = questionnaires.publish(session, Path(chosen))
    except (IdtoolError, OSError) as exc:
        return notify(parent, title, failure_text(exc), warning=True, object_name="publish_result")
    text = _(
        "Questionnaire {form_id} version {version} is published. Send updates to all devices "
        "to carry it to them."
    ).format(form_id=form_id, version=version)
    box = notify(parent, title, text, object_name="publish_result")
    if warnings:
        box.setInformativeText(
            _("{count} warning(s): what the devices will not ask is listed below.").format(
                count=len(warnings)
            )
        )
        lines = [str(w) for w in warnings[:SHOWN_WARNINGS]]
        if len(warnings) > SHOWN_WARNINGS:
            lines.append("…")
        box.setDetailedText("\n".join(lines))
    return box
