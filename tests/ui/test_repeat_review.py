"""The decision page's review of the answers shows a repeat's entries one per line."""

from __future__ import annotations

from pathlib import Path

from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from tests.support import repeats
from ui.cases.decision_page import answers_html


def test_the_review_shows_each_entry_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(repeats.TEXT, encoding="utf-8")
    answers = {
        "travelled_alone": "no",
        "companions": [
            {"companion_name": "Aibek <b>", "companion_age": 12, "parent_along": "yes"},
            {"companion_name": "Dana", "companion_age": 30},
        ],
    }
    shown = answers_html(Flow(load_form(path), answers, "ky"))
    assert (
        "1. Аты: Aibek &lt;b&gt;; Жашы: 12; Aibek &lt;b&gt; менен ата-энесинин бири барабы?: Ооба"
        "<br>2. Аты: Dana; Жашы: 30"
    ) in shown
    assert "Жол шериги" in shown  # the repeat's own label
