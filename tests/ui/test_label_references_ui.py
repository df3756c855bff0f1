"""An XLSForm label that names another answer (${name}) shows that answer on the page."""

from __future__ import annotations

import datetime as dt

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from tests.support.xlsforms import write_form
from tests.ui.drive import show
from ui.interview.page import SectionPage


def test_a_label_shows_the_answer_it_names(qtbot, tmp_path):
    survey = [
        ["type", "name", "label"],
        ["text", "name", "Name"],
        ["note", "hello", "Hello ${name}"],
    ]
    form = load_form(write_form(tmp_path, survey))
    section = form.sections[0]
    today = dt.date(2026, 12, 5)
    page = show(qtbot, SectionPage(form, section, Flow(form, {}, "en", today)))
    page.apply(Flow(form, {"name": "Aigul"}, "en", today), "en")
    assert page.blocks["hello"].label.text() == "Hello Aigul"
    page.apply(Flow(form, {"name": "Nurlan"}, "en", today), "en")
    assert page.blocks["hello"].label.text() == "Hello Nurlan"
