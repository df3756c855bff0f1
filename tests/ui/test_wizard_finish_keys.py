"""Finishing an interview and working it with the keyboard, through the real widgets: the
summary with its "Change" buttons and the confirmation (Enter never completes), every box of a
multi-answer question a Tab stop toggled with Space, dates typed day first or picked from the
calendar, the interview date filled in with today, ages that contradict each other flagged, and
a guidance panel that keeps its width."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget

from idtool import interviews
from idtool.demo import STRONG_SCREENING
from tests.ui.drive import block, new_interview, stored, type_text
from ui.interview import InterviewWizard


def at_last_page(session, make_wizard) -> tuple[str, InterviewWizard]:
    """A screening interview with every answer given, open on its last section."""
    uuid = new_interview(session)
    interview = interviews.get(session, uuid)
    for name, value in STRONG_SCREENING.items():
        interviews.save_answer(session, interview, name, value)
    interviews.set_section(session, interview, "referral")
    return uuid, make_wizard(session, uuid)


def focused():
    return QApplication.focusWidget()


def test_summary_lists_the_answers_and_only_the_button_completes(qtbot, session, make_wizard):
    uuid, wizard = at_last_page(session, make_wizard)
    assert wizard.next.text() == "Check the answers"
    box = block(wizard, "consent_referral").input.buttons["given"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter on the last page: the summary, not the end
    assert wizard.on_summary and wizard.summary.isVisible()
    assert interviews.get(session, uuid).state == "in_progress"
    assert wizard.summary.findChild(type(wizard.message), "summary_age_now").text() == "24"
    assert (
        "Forced labour"
        in wizard.summary.findChild(type(wizard.message), "summary_exploitation_type").text()
    )
    # Enter again, wherever it lands but a Change button, completes nothing.
    for widget in (wizard.summary.confirm, wizard.back, wizard):
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert interviews.get(session, uuid).state == "in_progress"

    # "Change" goes to the question's page with the question focused; the change shows.
    change = wizard.summary.change_buttons["age_now"]
    assert change.accessibleName().startswith("Change: ")
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    assert not wizard.on_summary and wizard.current == "profile"
    edit = block(wizard, "age_now").input.edit
    assert focused() is edit
    edit.selectAll()
    type_text(edit, "25")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert stored(session, uuid)["age_now"] == 25
    wizard.go_next()
    wizard.go_next()
    assert wizard.on_summary
    assert wizard.summary.findChild(type(wizard.message), "summary_age_now").text() == "25"
    # Back from the summary returns to the last page.
    qtbot.mouseClick(wizard.back, Qt.MouseButton.LeftButton)
    assert not wizard.on_summary and wizard.current == "referral"
    wizard.go_next()
    with qtbot.waitSignal(wizard.completed, timeout=5000):
        qtbot.mouseClick(wizard.summary.confirm, Qt.MouseButton.LeftButton)
    assert interviews.get(session, uuid).state == "completed"
    assert not wizard.summary.confirm.isEnabled()


def test_every_box_of_a_multi_answer_is_a_tab_stop_and_space_toggles(qtbot, session, make_wizard):
    uuid = new_interview(session)
    interviews.set_section(session, interviews.get(session, uuid), "referral")
    wizard = make_wizard(session, uuid)
    boxes = list(block(wizard, "information_given").input.buttons.values())
    assert len(boxes) == 5
    boxes[0].setFocus(Qt.FocusReason.TabFocusReason)
    for box in boxes[1:]:
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is box
    qtbot.keyClick(focused(), Qt.Key.Key_Backtab)
    assert focused() is boxes[3]
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert focused() is boxes[2]
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    assert focused() is boxes[4]
    names = list(block(wizard, "information_given").input.buttons)
    assert stored(session, uuid)["information_given"] == [names[2], names[3]]
    qtbot.keyClick(boxes[3], Qt.Key.Key_Space)  # and off again
    assert stored(session, uuid)["information_given"] == [names[2]]
    # A single-answer question stays one Tab stop with arrows inside (the platform's way).
    radios = list(block(wizard, "consent_referral").input.buttons.values())
    radios[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() not in radios[1:]


def identification(session, make_wizard, section: str) -> tuple[str, InterviewWizard]:
    uuid = new_interview(session, "nrm-identification")
    interviews.set_section(session, interviews.get(session, uuid), section)
    return uuid, make_wizard(session, uuid)


def test_dates_day_first_iso_and_calendar_and_today(qtbot, session, make_wizard):
    uuid, wizard = identification(session, make_wizard, "setting")
    date_input = block(wizard, "interview_date").input
    today = dt.date.today().isoformat()
    assert date_input.edit.text() == today  # the interview date starts as today
    assert stored(session, uuid)["interview_date"] == today
    date_input.edit.selectAll()
    type_text(date_input.edit, "14.03.2025")  # as printed on a Kyrgyz passport
    qtbot.keyClick(date_input.edit, Qt.Key.Key_Tab)
    assert stored(session, uuid)["interview_date"] == "2025-03-14"
    assert date_input.edit.text() == "2025-03-14"  # shown as it is stored, unambiguous
    date_input.edit.setFocus()
    date_input.edit.selectAll()
    type_text(date_input.edit, "2024-02-29")
    qtbot.keyClick(date_input.edit, Qt.Key.Key_Tab)
    assert stored(session, uuid)["interview_date"] == "2024-02-29"
    # The calendar: opened from its button, a day chosen with the keyboard.
    assert date_input.calendar_button.isVisible()
    qtbot.mouseClick(date_input.calendar_button, Qt.MouseButton.LeftButton)
    calendar = date_input.findChild(QCalendarWidget) or next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QCalendarWidget)
    )
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.selectedDate().toString("yyyy-MM-dd") == "2024-02-29"
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Left)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert stored(session, uuid)["interview_date"] == "2024-02-28"
    assert date_input.edit.text() == "2024-02-28"
    assert focused() is date_input.edit


def test_ages_that_contradict_each_other_are_flagged(qtbot, session, make_wizard):
    uuid, wizard = identification(session, make_wizard, "age")
    assert not wizard.warning.isVisible()
    for question, text in (("age_now", "27"), ("age_at_exploitation", "30")):
        edit = block(wizard, question).input.edit
        edit.setFocus()
        type_text(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert stored(session, uuid)["age_at_exploitation"] == 30
    assert wizard.warning.isVisible()
    assert "higher than the age now" in wizard.warning.text()
    edit = block(wizard, "age_at_exploitation").input.edit
    edit.setFocus()
    edit.selectAll()
    type_text(edit, "20")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not wizard.warning.isVisible()


def test_guidance_panel_and_next_keep_their_place(qtbot, session, make_wizard):
    _uuid, wizard = identification(session, make_wizard, "age")
    places = set()
    for page_block in wizard.pages[wizard.current].blocks.values():
        if page_block.input is None or not page_block.isVisible():
            continue
        page_block.input.focus_widgets()[0].setFocus()
        QApplication.processEvents()
        assert wizard.guidance.question_title.text()
        places.add(
            (wizard.guidance.width(), wizard.next.mapTo(wizard, wizard.next.rect().topLeft()).x())
        )
    wizard.go_previous()
    QApplication.processEvents()
    places.add(
        (wizard.guidance.width(), wizard.next.mapTo(wizard, wizard.next.rect().topLeft()).x())
    )
    assert len(places) == 1, places
