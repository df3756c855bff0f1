"""Repeats in the interview wizard through its real widgets (issue 17, item 5): entries added
and removed with the buttons, typed into, checked per entry, fixed by a count or a list, kept
through the summary to the completed interview."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from idtool import cases, interviews
from idtool.i18n import set_language
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from tests.support import repeats
from tests.ui.drive import choose, click, stored, type_text
from ui.interview import InterviewWizard
from ui.interview.amend_dialog import AmendDialog
from ui.interview.page import QuestionBlock
from ui.interview.repeat_block import RepeatBlock

# The companions fixed by a count asked first (repeat_count), instead of added one by one.
COUNTED = repeats.TEXT.replace(
    """      - name: companions
        type: repeat
""",
    """      - name: how_many
        type: integer
        label:
          en: "How many travelled with you?"
          ru: "Сколько человек ехало с вами?"
          ky: "Сиз менен канча киши барды?"
      - name: companions
        type: repeat
        repeat_count: "${how_many}"
""",
)


def started(session: Session, text: str = repeats.TEXT) -> str:
    repeats.install(session, text)
    case = cases.open_case(session, full_name="Test Person", region="osh")
    form = load_shipped(repeats.FORM_ID, installed=session.installed_forms)
    return interviews.start(session, case.uuid, form, "en").uuid


def repeat_of(wizard: InterviewWizard, name: str) -> RepeatBlock:
    return wizard.pages[wizard.current].repeats[name]


def inner(wizard: InterviewWizard, repeat: str, entry: int, question: str) -> QuestionBlock:
    """The block of `question` in entry `entry` (1 for the first) of `repeat`."""
    return repeat_of(wizard, repeat).boxes[entry - 1].blocks[question]


def type_into(qtbot: Any, edit: QWidget, text: str) -> None:
    """Type into an input that has the focus already, then Tab away (editing finished)."""
    assert QApplication.focusWidget() is edit
    type_text(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def type_at(qtbot: Any, block: QuestionBlock, text: str) -> None:
    edit = block.input.edit
    edit.setFocus()
    edit.selectAll()
    type_text(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def press(qtbot: Any, button: QWidget) -> None:
    assert button.isVisible()
    click(qtbot, button)


def ask_with(monkeypatch: Any, answer: QMessageBox.StandardButton) -> list[str]:
    """Answer the confirmation `answer`; returns the questions asked."""
    asked: list[str] = []

    def question(_parent, _title, text, _buttons, default):
        assert default == QMessageBox.StandardButton.No  # a slip of Enter keeps the entry
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_entries_are_added_typed_checked_and_removed(qtbot, session, make_wizard, monkeypatch):
    uuid = started(session)
    wizard = make_wizard(session, uuid)
    companions = repeat_of(wizard, "companions")
    assert not companions.isVisible()  # asked only when the person did not travel alone
    choose(qtbot, wizard, "travelled_alone", "no")
    assert companions.isVisible() and companions.boxes == []
    assert companions.label.text() == "Companion"

    press(qtbot, companions.add)
    assert stored(session, uuid)["companions"] == [{}]
    assert [b.title() for b in companions.boxes] == ["Companion: entry 1"]
    assert "(1/2)" in wizard.sections.item(0).text()  # the entry's required name counts
    type_into(qtbot, inner(wizard, "companions", 1, "companion_name").input.edit, "Aibek")
    type_at(qtbot, inner(wizard, "companions", 1, "companion_age"), "12")
    press(qtbot, companions.add)
    type_into(qtbot, inner(wizard, "companions", 2, "companion_name").input.edit, "Dana")
    type_at(qtbot, inner(wizard, "companions", 2, "companion_age"), "30")
    assert stored(session, uuid)["companions"] == [
        {"companion_name": "Aibek", "companion_age": 12},
        {"companion_name": "Dana", "companion_age": 30},
    ]
    # Relevance, labels and the required mark are each entry's own.
    parent_1 = inner(wizard, "companions", 1, "parent_along")
    assert parent_1.isVisible()
    assert parent_1.label.text() == "Is a parent travelling with Aibek? *"
    assert not inner(wizard, "companions", 2, "parent_along").isVisible()

    wizard.go_next()  # refused: the child's entry lacks a required answer
    assert wizard.current == "journey"
    assert parent_1.error.isVisible()
    assert parent_1.error.text() == "This question is required."
    assert not inner(wizard, "companions", 2, "companion_name").error.isVisible()
    assert QApplication.focusWidget() is parent_1.input.buttons["yes"]
    qtbot.mouseClick(parent_1.input.buttons["yes"], Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert stored(session, uuid)["companions"][0]["parent_along"] == "yes"
    assert not parent_1.error.isVisible()  # the message goes once it is answered
    age_2 = inner(wizard, "companions", 2, "companion_age")
    type_at(qtbot, age_2, "-")  # a lone minus sign is no number: never stored
    wizard.go_next()
    assert wizard.current == "journey"
    assert age_2.error.isVisible() and age_2.error.text()
    assert not inner(wizard, "companions", 1, "companion_age").error.isVisible()
    assert QApplication.focusWidget() is age_2.input.edit
    type_at(qtbot, age_2, "30")

    asked = ask_with(monkeypatch, QMessageBox.StandardButton.No)
    press(qtbot, companions.boxes[0].remove)
    assert asked == ["Remove “Companion: entry 1” with its answers?"]
    assert len(stored(session, uuid)["companions"]) == 2  # kept: the officer said No
    asked = ask_with(monkeypatch, QMessageBox.StandardButton.Yes)
    press(qtbot, companions.boxes[0].remove)
    assert asked
    assert stored(session, uuid)["companions"] == [{"companion_name": "Dana", "companion_age": 30}]
    assert [b.title() for b in companions.boxes] == ["Companion: entry 1"]
    assert companions.boxes[0].blocks["companion_name"].input.edit.text() == "Dana"

    # An empty entry goes without a question.
    press(qtbot, companions.add)
    asked = ask_with(monkeypatch, QMessageBox.StandardButton.No)
    press(qtbot, companions.boxes[1].remove)
    assert asked == []
    assert stored(session, uuid)["companions"] == [{"companion_name": "Dana", "companion_age": 30}]
    assert len(companions.boxes) == 1


def test_a_count_fixes_the_entries(qtbot, session, make_wizard):
    uuid = started(session, COUNTED)
    wizard = make_wizard(session, uuid)
    choose(qtbot, wizard, "travelled_alone", "no")
    companions = repeat_of(wizard, "companions")
    assert companions.boxes == [] and not companions.add.isVisible()
    type_at(qtbot, wizard.pages["journey"].blocks["how_many"], "2")
    assert len(companions.boxes) == 2
    assert not companions.add.isVisible()  # the count decides, not the officer
    assert not any(b.remove.isVisible() for b in companions.boxes)
    type_at(qtbot, inner(wizard, "companions", 1, "companion_name"), "Aibek")
    type_at(qtbot, inner(wizard, "companions", 2, "companion_name"), "Dana")
    assert [e["companion_name"] for e in stored(session, uuid)["companions"]] == ["Aibek", "Dana"]

    type_at(qtbot, wizard.pages["journey"].blocks["how_many"], "1")
    assert [b.title() for b in companions.boxes] == ["Companion: entry 1"]
    type_at(qtbot, wizard.pages["journey"].blocks["how_many"], "3")
    assert len(companions.boxes) == 3
    names = [b.blocks["companion_name"].input.edit.text() for b in companions.boxes]
    assert names[0] == "Aibek"  # what was typed stays
    assert names[2] == ""


def test_a_loop_completes_and_the_summary_shows_each_entry(qtbot, session, make_wizard):
    uuid = started(session)
    wizard = make_wizard(session, uuid)
    choose(qtbot, wizard, "travelled_alone", "no")
    companions = repeat_of(wizard, "companions")
    press(qtbot, companions.add)
    type_into(qtbot, inner(wizard, "companions", 1, "companion_name").input.edit, "Dana")
    press(qtbot, companions.add)
    type_into(qtbot, inner(wizard, "companions", 2, "companion_name").input.edit, "Aibek")
    wizard.go_next()
    assert wizard.current == "route"
    transit = repeat_of(wizard, "transit")
    assert [b.title() for b in transit.boxes] == ["Kazakhstan", "Russia"]  # one per country
    assert not transit.add.isVisible()
    assert not any(b.remove.isVisible() for b in transit.boxes)
    assert inner(wizard, "transit", 2, "days").label.text() == "Days in Russia"
    type_at(qtbot, inner(wizard, "transit", 1, "days"), "3")
    type_at(qtbot, inner(wizard, "transit", 2, "days"), "40")
    wizard.go_next()
    assert wizard.on_summary
    summary = wizard.summary
    assert summary.findChild(QWidget, "summary_companions").text() == (
        "1. Name: Dana\n2. Name: Aibek"
    )
    assert summary.findChild(QWidget, "summary_transit").text() == (
        "Kazakhstan: Days in Kazakhstan: 3\nRussia: Days in Russia: 40"
    )
    click(qtbot, summary.change_buttons["companions"])  # back to the repeat's first input
    assert wizard.current == "journey" and not wizard.on_summary
    assert QApplication.focusWidget() is inner(wizard, "companions", 1, "companion_name").input.edit
    wizard.go_next()
    wizard.go_next()
    click(qtbot, wizard.summary.confirm)
    assert not interviews.get(session, uuid).in_progress
    assert stored(session, uuid)["companions"] == [
        {"companion_name": "Dana"},
        {"companion_name": "Aibek"},
    ]
    assert stored(session, uuid)["transit"] == [{"days": 3}, {"days": 40}]


def test_the_keyboard_reaches_every_entry_and_adds_one(qtbot, session, make_wizard):
    uuid = started(session)
    wizard = make_wizard(session, uuid)
    choose(qtbot, wizard, "travelled_alone", "no")
    companions = repeat_of(wizard, "companions")
    assert companions.add.text() == "&Add an entry"  # Alt+A (offscreen Qt has no mnemonics)
    radio = QApplication.focusWidget()
    qtbot.keyClick(radio, Qt.Key.Key_Tab)  # past "Clear answer"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is companions.add
    qtbot.keyClick(companions.add, Qt.Key.Key_Space)
    assert len(companions.boxes) == 1
    name = inner(wizard, "companions", 1, "companion_name").input.edit
    assert QApplication.focusWidget() is name  # the new entry's first input
    reached: list[QWidget] = []
    for _step in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    age = inner(wizard, "companions", 1, "companion_age").input.edit
    box = companions.boxes[0]
    assert reached[:3] == [age, box.remove, companions.add]
    assert reached[3] is wizard.back or reached[3] is wizard.pause
    qtbot.keyClick(companions.add, Qt.Key.Key_Return)  # Enter on Add adds, it does not move on
    assert wizard.current == "journey"
    assert len(companions.boxes) == 2
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    assert QApplication.focusWidget() is inner(wizard, "companions", 2, "companion_name").input.edit


def test_entries_follow_the_interview_language(qtbot, session, make_wizard):
    uuid = started(session)
    wizard = make_wizard(session, uuid)
    choose(qtbot, wizard, "travelled_alone", "no")
    press(qtbot, repeat_of(wizard, "companions").add)
    try:
        set_language("ru")
        wizard.language.setCurrentIndex(wizard.language.findData("ky"))
        companions = repeat_of(wizard, "companions")
        assert companions.label.text() == "Жол шериги"
        assert companions.boxes[0].title() == "Жол шериги: 1-жазуу"
        assert inner(wizard, "companions", 1, "companion_name").label.text() == "Аты *"
    finally:
        set_language("en")


def test_the_amend_dialog_shows_a_repeat_read_only(qtbot, session):
    uuid = started(session)
    interview = interviews.get(session, uuid)
    interviews.save_answer(session, interview, "travelled_alone", "no")
    interviews.save_answer(session, interview, "companions", [{"companion_name": "Dana"}])
    interviews.complete(session, interview)
    dialog = AmendDialog(session, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.add_button.isEnabled()
    dialog.question.setCurrentIndex(dialog.question.findData("companions"))
    assert dialog.current.text() == "1. Name: Dana"
    assert dialog.repeat_note.isVisible()
    assert dialog.input is None and not dialog.add_button.isEnabled()
    dialog.question.setCurrentIndex(dialog.question.findData("travelled_alone"))
    assert not dialog.repeat_note.isVisible() and dialog.add_button.isEnabled()
    assert dialog.input is not None


def test_an_answer_worked_out_in_each_entry_is_shown_read_only(
    qtbot: Any, session: Session
) -> None:
    text = repeats.TEXT.replace(
        "          - name: companion_place\n",
        "          - name: birth_year\n"
        "            type: integer\n"
        "            label: {en: Born in, ru: Год рождения, ky: Туулган жылы}\n"
        "            calculation: 2026 - ${companion_age}\n"
        "          - name: companion_place\n",
    )
    uuid = started(session, text)
    wizard = InterviewWizard(session, uuid)
    qtbot.addWidget(wizard)
    wizard.show()
    choose(qtbot, wizard, "travelled_alone", "no")
    click(qtbot, repeat_of(wizard, "companions").add)
    type_at(qtbot, inner(wizard, "companions", 1, "companion_age"), "12")
    born = inner(wizard, "companions", 1, "birth_year")
    assert not born.input.isEnabled() and born.computed_note.isVisible()
    assert born.input.edit.text() == "2014"
    type_at(qtbot, inner(wizard, "companions", 1, "companion_age"), "30")
    assert inner(wizard, "companions", 1, "birth_year").input.edit.text() == "1996"
    assert stored(session, uuid)["companions"] == [{"companion_age": 30}]  # never stored


def test_the_guidance_panel_shows_the_label_as_the_entry_shows_it(
    qtbot: Any, session: Session
) -> None:
    uuid = started(session)
    wizard = InterviewWizard(session, uuid)
    qtbot.addWidget(wizard)
    wizard.show()
    choose(qtbot, wizard, "travelled_alone", "no")
    for entry, (name, age) in enumerate((("Aibek", "30"), ("Dana", "9")), start=1):
        click(qtbot, repeat_of(wizard, "companions").add)
        type_at(qtbot, inner(wizard, "companions", entry, "companion_name"), name)
        type_at(qtbot, inner(wizard, "companions", entry, "companion_age"), age)
    parent = inner(wizard, "companions", 2, "parent_along")
    parent.input.buttons["yes"].setFocus()
    assert wizard.guidance.question_title.text() == "Is a parent travelling with Dana?"
