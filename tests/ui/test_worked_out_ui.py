"""Answers the form works out, in the wizard: a computed answer is shown read-only with a note
and follows the answers it reads; typing into a trigger question fills the triggered question
on the page, which stays editable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from idtool import cases, interviews
from tests.support.installed import install, worked_out_form
from tests.ui.drive import block, stored, type_text


def started(session, tmp_path: Path) -> str:
    form = install(session, worked_out_form(tmp_path))
    case = cases.open_case(session, full_name="Айдай Мисалова", region="osh")
    return interviews.start(session, case.uuid, form, "en").uuid


def type_answer(qtbot, wizard, question: str, text: str) -> None:
    edit = block(wizard, question).input.edit
    edit.setFocus()
    type_text(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_a_computed_answer_is_shown_read_only_and_follows_what_it_reads(
    qtbot, session, make_wizard, tmp_path: Path
) -> None:
    uuid = started(session, tmp_path)
    wizard = make_wizard(session, uuid)
    double = block(wizard, "double")
    assert not double.input.isEnabled() and double.computed_note.isVisible()
    assert double.computed_note.text() == "Worked out from the other answers."
    type_answer(qtbot, wizard, "n", "21")
    assert double.input.edit.text() == "42"
    assert stored(session, uuid)["double"] == 42
    greeting = block(wizard, "greeting")
    assert greeting.input.isEnabled() and greeting.computed_note.isHidden()


def test_typing_into_the_trigger_question_fills_the_triggered_one_on_the_page(
    qtbot, session, make_wizard, tmp_path: Path
) -> None:
    uuid = started(session, tmp_path)
    wizard = make_wizard(session, uuid)
    type_answer(qtbot, wizard, "n", "3")
    assert block(wizard, "greeting").input.edit.text() == ""  # n does not trigger it
    type_answer(qtbot, wizard, "place", "Osh")
    assert block(wizard, "greeting").input.edit.text() == "from Osh 3"
    assert stored(session, uuid)["greeting"] == "from Osh 3"
    block(wizard, "greeting").input.edit.selectAll()
    type_answer(qtbot, wizard, "greeting", "typed by hand")  # the officer may change it
    assert stored(session, uuid)["greeting"] == "typed by hand"
    type_answer(qtbot, wizard, "n", "4")  # not recomputed
    assert block(wizard, "greeting").input.edit.text() == "typed by hand"
