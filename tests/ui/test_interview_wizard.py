"""The interview wizard through its real widgets: typed, clicked and keyed through.

Every answer must be in the encrypted database the moment it is given; a wizard built again on
the same interview (after the session was closed and unlocked again) resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPlainTextEdit

from idtool import interviews
from idtool.errors import InvalidInput, StorageError
from idtool.i18n import set_language
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.ui.drive import block, choose, new_interview, stored, type_text
from ui.interview import InterviewWizard

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def shown(wizard: InterviewWizard, name: str) -> bool:
    return block(wizard, name).isVisible()


def edit_of(wizard: InterviewWizard, question: str) -> QLineEdit | QPlainTextEdit:
    return block(wizard, question).input.edit


def type_answer(qtbot, wizard: InterviewWizard, question: str, text: str) -> None:
    """Focus the input, type the text, and Tab away (editing finished)."""
    edit = edit_of(wizard, question)
    edit.setFocus()
    type_text(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def preset(session, uuid: str, answers: dict[str, object], section: str | None = None) -> None:
    """Answers given earlier (through the core), and the page the officer stopped on."""
    for name, value in answers.items():
        interviews.save_answer(session, interviews.get(session, uuid), name, value)
    if section:
        interviews.set_section(session, interviews.get(session, uuid), section)


def test_full_screening_interview(qtbot, session, make_wizard):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    assert wizard.current == "safety"
    assert [
        wizard.sections.item(i).text().split(" (")[0] for i in range(wizard.sections.count())
    ] == [
        "Urgent needs and safety",
        "Signs of trafficking",
        "The person and the exploitation",
        "Consent and referral",
    ]
    assert wizard.progress.value() == 0
    choose(qtbot, wizard, "urgent_medical", "no")
    assert stored(session, uuid) == {"urgent_medical": "no"}  # saved at once
    choose(qtbot, wizard, "safe_place", "yes")
    choose(qtbot, wizard, "fear_someone", "unsure")
    assert stored(session, uuid)["fear_someone"] == "unsure"
    assert wizard.progress.value() == 2
    assert "(2/2)" in wizard.sections.item(0).text()
    radio = block(wizard, "fear_someone").input.buttons["unsure"]
    qtbot.keyClick(radio, Qt.Key.Key_Return)  # Enter = Next
    assert wizard.current == "signs"

    for question, choice in (
        ("documents_taken", "yes"),
        ("debt", "no"),
        ("not_free", "yes"),
        ("deceived_job", "yes"),
        ("violence_threats", "threats"),
        ("unpaid_wages", "not_paid"),
        ("excessive_hours", "yes"),
    ):
        choose(qtbot, wizard, question, choice)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.current == "profile"

    choose(qtbot, wizard, "sex", "female")
    type_answer(qtbot, wizard, "age_now", "24")
    assert stored(session, uuid)["age_now"] == 24
    choose(qtbot, wizard, "under_18_at_exploitation", "no")
    choose(qtbot, wizard, "exploitation_type", "forced_labour")
    choose(qtbot, wizard, "exploitation_type", "sexual_exploitation")
    assert stored(session, uuid)["exploitation_type"] == ["sexual_exploitation", "forced_labour"]
    assert not shown(wizard, "exploitation_country_other")
    choose(qtbot, wizard, "exploitation_country", "other")
    assert shown(wizard, "exploitation_country_other")
    type_answer(qtbot, wizard, "exploitation_country_other", "Өзбекстан, Самарканд")
    assert stored(session, uuid)["exploitation_country_other"] == "Өзбекстан, Самарканд"
    qtbot.keyClick(edit_of(wizard, "exploitation_country_other"), Qt.Key.Key_Return)
    assert wizard.current == "referral"
    assert wizard.next.text() == "Check the answers"

    for choice in ("purpose", "data_use", "retention", "withdrawal", "voluntary"):
        choose(qtbot, wizard, "information_given", choice)
    choose(qtbot, wizard, "consent_referral", "given")
    assert shown(wizard, "referral_notes") and not shown(wizard, "refused_note")
    type_answer(qtbot, wizard, "referral_notes", "Кризистик борбор, эртең")
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.on_summary  # the summary asks first; nothing is completed yet
    assert interviews.get(session, uuid).state == "in_progress"
    with qtbot.waitSignal(wizard.completed, timeout=5000) as finished:
        qtbot.mouseClick(wizard.summary.confirm, Qt.MouseButton.LeftButton)
    assert finished.args == [uuid]
    done = interviews.get(session, uuid)
    assert done.state == "completed"
    assert stored(session, uuid)["referral_notes"] == "Кризистик борбор, эртең"
    assert wizard.notice.isVisible()
    assert not wizard.next.isEnabled()
    # Opened again, a completed interview is shown read-only.
    again = make_wizard(session, uuid)
    assert again.notice.isVisible() and not again.next.isEnabled()
    assert not block(again, "consent_referral").input.isEnabled()


def test_resume_after_restart(qtbot, made_vault, make_wizard):
    vault, _code = made_vault
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    uuid = new_interview(session, "nrm-identification", "ru")
    wizard = make_wizard(session, uuid)
    info = block(wizard, "information_given").input.buttons
    for name in list(info)[:2]:
        choose(qtbot, wizard, "information_given", name)
    qtbot.keyClick(wizard.next, Qt.Key.Key_Right, ALT)
    assert wizard.current == "consent"  # consent not yet answered: required
    choose(qtbot, wizard, "consent_interview", "given")
    choose(qtbot, wizard, "consent_form", "oral")
    qtbot.keyClick(wizard.next, Qt.Key.Key_Right, ALT)
    assert wizard.current == "setting"
    assert edit_of(wizard, "interview_date").text() == dt.date.today().isoformat()
    edit_of(wizard, "interview_date").clear()  # it starts as today
    type_answer(qtbot, wizard, "interview_date", "2025-03-14")
    choose(qtbot, wizard, "interview_place", "crisis_centre")
    choose(qtbot, wizard, "interview_language", "other")
    edit = edit_of(wizard, "interview_language_other")
    edit.setFocus()
    type_text(edit, "Дунган тили")  # the officer is still typing when the program dies
    assert "interview_language_other" not in stored(session, uuid)
    qtbot.waitUntil(lambda: "interview_language_other" in stored(session, uuid), timeout=3000)
    given = stored(session, uuid)
    assert given["interview_date"] == "2025-03-14"
    assert given["interview_language_other"] == "Дунган тили"

    # The program is torn down: widget destroyed, session closed, unlocked again.
    wizard.close()
    wizard.deleteLater()
    QApplication.processEvents()
    session.close()
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    try:
        again = make_wizard(session, uuid)
        assert again.current == "setting"
        assert again.stack.currentWidget() is again.pages["setting"]
        assert edit_of(again, "interview_date").text() == "2025-03-14"
        assert block(again, "interview_place").input.buttons["crisis_centre"].isChecked()
        assert shown(again, "interview_language_other")
        assert edit_of(again, "interview_language_other").text() == "Дунган тили"
        again.go_previous()
        assert again.current == "consent"
        checked = [
            n for n, b in block(again, "information_given").input.buttons.items() if b.isChecked()
        ]
        assert checked == list(info)[:2]
        assert block(again, "consent_interview").input.buttons["given"].isChecked()
        assert block(again, "consent_form").input.buttons["oral"].isChecked()
        assert stored(session, uuid) == given
    finally:
        session.close()


def test_skip_logic_live(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    wizard = make_wizard(session, uuid)
    assert shown(wizard, "consent_script")
    assert not shown(wizard, "consent_form") and not shown(wizard, "consent_refused_note")
    assert wizard.sections.count() == 15  # the child section only for a child
    choose(qtbot, wizard, "consent_interview", "refused")
    assert shown(wizard, "consent_refused_note") and not shown(wizard, "consent_form")
    assert wizard.sections.count() == 1  # nothing else is asked without consent
    assert wizard.next.text() == "Check the answers"
    choose(qtbot, wizard, "consent_interview", "given")
    assert shown(wizard, "consent_form") and not shown(wizard, "consent_refused_note")
    assert wizard.sections.count() == 15
    assert wizard.next.text() == "Next"
    # The answer can be taken back with the keyboard: the clear button.
    clear = block(wizard, "consent_interview").input.clear
    clear.setFocus()
    qtbot.keyClick(clear, Qt.Key.Key_Space)
    assert stored(session, uuid)["consent_interview"] is None
    assert not shown(wizard, "consent_form")
    assert wizard.current == "consent"


def test_choice_filter_and_child_section(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    preset(
        session, uuid, {"consent_interview": "given", "exploitation_country": "kyrgyzstan"}, "age"
    )
    wizard = make_wizard(session, uuid)
    assert wizard.current == "age"

    def listed() -> list[str]:
        return [
            wizard.sections.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(wizard.sections.count())
        ]

    assert "child" not in listed()
    type_answer(qtbot, wizard, "age_now", "19")
    type_answer(qtbot, wizard, "age_at_exploitation", "16")
    assert "child" in listed()  # the child section appears as soon as the age is given
    qtbot.waitUntil(lambda: "place" in wizard.pages)  # built while idle
    buttons = wizard.pages["place"].blocks["exploitation_region"].input.buttons
    assert buttons["abroad"].isHidden() and not buttons["bishkek"].isHidden()


def test_validation_blocks_next_with_a_message(qtbot, session, make_wizard):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    assert wizard.current == "safety"
    assert wizard.message.isVisible() and "Correct the marked answers" in wizard.message.text()
    error = block(wizard, "urgent_medical").error
    assert error.isVisible() and error.text() == "This question is required."
    assert block(wizard, "urgent_medical").input.buttons["yes"].hasFocus()
    assert not block(wizard, "fear_someone").error.isVisible()  # not required
    choose(qtbot, wizard, "urgent_medical", "yes")
    assert not error.isVisible()  # fixed answers clear their message at once
    assert block(wizard, "safe_place").error.isVisible()
    choose(qtbot, wizard, "safe_place", "no")
    wizard.go_next()
    wizard.go_next()
    assert wizard.current == "profile"
    type_answer(qtbot, wizard, "age_now", "150")
    choose(qtbot, wizard, "under_18_at_exploitation", "no")
    choose(qtbot, wizard, "exploitation_type", "unknown")
    choose(qtbot, wizard, "exploitation_type", "forced_labour")
    qtbot.keyClick(wizard.next, Qt.Key.Key_PageDown, CTRL)
    assert wizard.current == "profile"
    assert block(wizard, "age_now").error.text() == "Age must be between 0 and 120."
    assert "cannot be combined" in block(wizard, "exploitation_type").error.text()
    assert block(wizard, "age_now").error.isVisible()


def test_half_typed_date_is_not_stored_and_blocks_next(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    preset(
        session,
        uuid,
        {"consent_interview": "given", "consent_form": "oral", "information_given": ["purpose"]},
        "setting",
    )
    wizard = make_wizard(session, uuid)
    assert wizard.current == "setting"
    today = stored(session, uuid)["interview_date"]
    assert today == dt.date.today().isoformat()  # the interview date starts as today
    edit_of(wizard, "interview_date").clear()
    type_answer(qtbot, wizard, "interview_date", "2025-3")
    assert stored(session, uuid)["interview_date"] == today  # the half date is not stored
    wizard.go_next()
    refused = block(wizard, "interview_date").error.text()
    assert refused == "Enter a date as DD.MM.YYYY or YYYY-MM-DD."
    edit = edit_of(wizard, "interview_date")
    edit.clear()
    type_answer(qtbot, wizard, "interview_date", "14.03.2025")  # as often written here
    assert edit.text() == "2025-03-14"
    assert stored(session, uuid)["interview_date"] == "2025-03-14"


def test_keyboard_moves_between_sections(qtbot, session, make_wizard):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    first = block(wizard, "urgent_medical").input.buttons["yes"]
    assert first.hasFocus()  # the page opens on its first input
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert stored(session, uuid)["urgent_medical"] == "yes"
    safe = block(wizard, "safe_place").input.buttons["no"]
    safe.setFocus()
    qtbot.keyClick(safe, Qt.Key.Key_Space)
    qtbot.keyClick(safe, Qt.Key.Key_Right, ALT)
    assert wizard.current == "signs"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL)
    assert wizard.current == "profile"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, ALT)
    assert wizard.current == "signs"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, CTRL)
    assert wizard.current == "safety"
    # Tab order: the language box, then the page's inputs, then the buttons.
    wizard.language.setFocus()
    qtbot.keyClick(wizard.language, Qt.Key.Key_Tab)
    widget = QApplication.focusWidget()
    assert isinstance(widget, QAbstractButton)
    assert wizard.pages["safety"].block_of(widget).question.name == "urgent_medical"


def test_enter_in_multiline_text_stays(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    preset(session, uuid, {"consent_interview": "given"}, "recruitment")
    wizard = make_wizard(session, uuid)
    story = edit_of(wizard, "recruitment_story")
    assert isinstance(story, QPlainTextEdit)
    story.setFocus()
    type_text(story, "Первая строка")
    qtbot.keyClick(story, Qt.Key.Key_Return)
    type_text(story, "вторая")
    assert wizard.current == "recruitment"
    qtbot.keyClick(story, Qt.Key.Key_Tab)  # leaving the field saves it
    assert stored(session, uuid)["recruitment_story"] == "Первая строка\nвторая"


def test_interview_language_switch_keeps_answers(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-screening", "ru")
    wizard = make_wizard(session, uuid)
    label = block(wizard, "urgent_medical").label
    assert label.text() == "Нужна ли вам сейчас медицинская помощь? *"
    assert wizard.language.currentText() == "Русский"
    choose(qtbot, wizard, "urgent_medical", "yes")
    yes = block(wizard, "urgent_medical").input.buttons["yes"]
    assert yes.text() == "Да"
    wizard.language.setCurrentIndex(wizard.language.findData("ky"))
    assert label.text() == "Сизге азыр медициналык жардам керекпи? *"
    assert yes.text() == "Ооба" and yes.isChecked()
    assert yes.accessibleName() == "Ооба"
    assert wizard.pages["safety"].title.text() == "Шашылыш муктаждыктар жана коопсуздук"
    assert interviews.get(session, uuid).language == "ky"
    assert stored(session, uuid) == {"urgent_medical": "yes"}
    # The officer's guidance follows the focus, in the UI language (English here).
    block(wizard, "fear_someone").input.buttons["no"].setFocus()
    assert wizard.guidance.question_hint.text().startswith("Do not press for names")
    assert wizard.guidance.section_hint.text().startswith("First make sure")


def test_guidance_in_the_ui_language(qtbot, session, make_wizard):
    set_language("ru")
    wizard = make_wizard(session, new_interview(session, "nrm-screening", "ky"))
    assert wizard.guidance.section_hint.text().startswith("Сначала убедитесь")
    block(wizard, "fear_someone").input.buttons["yes"].setFocus()
    assert wizard.guidance.question_hint.text().startswith("Не заставляйте называть")
    assert block(wizard, "fear_someone").label.text().startswith("Өзүңүз же үй-бүлөңүз")


def test_every_input_has_an_accessible_name(qtbot, session, make_wizard):
    uuid = new_interview(session, "nrm-identification")
    wizard = make_wizard(session, uuid)
    qtbot.waitUntil(lambda: len(wizard.pages) == 16)
    inputs = [w for page in wizard.pages.values() for w in page.focus_widgets()]
    assert len(inputs) > 300
    assert all(w.accessibleName() for w in inputs)
    for widget in (wizard.language, wizard.next, wizard.back, wizard.pause, wizard.sections):
        assert widget.accessibleName() or widget.text()


def test_side_panel_jumps_back_only_to_reached_sections(qtbot, session, make_wizard):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    wizard.go_to("profile")  # not reached yet
    assert wizard.current == "safety"
    for question in ("urgent_medical", "safe_place"):
        choose(qtbot, wizard, question, "no")
    wizard.go_next()
    wizard.go_next()
    assert wizard.current == "profile"
    assert block(wizard, "sex").input.buttons["female"].hasFocus()  # first input of the page
    unreached = wizard.sections.item(3)
    assert not unreached.flags() & Qt.ItemFlag.ItemIsEnabled
    rect = wizard.sections.visualItemRect(wizard.sections.item(0))
    qtbot.mouseClick(wizard.sections.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert wizard.current == "safety"
    assert wizard.sections.currentRow() == 0
    rect = wizard.sections.visualItemRect(wizard.sections.item(2))
    qtbot.mouseClick(wizard.sections.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert wizard.current == "profile"  # reached before, and the pages between validate


def test_pause_emits_and_core_errors_show_inline(qtbot, session, make_wizard, monkeypatch):
    uuid = new_interview(session)
    wizard = make_wizard(session, uuid)
    with qtbot.waitSignal(wizard.paused, timeout=1000):
        qtbot.mouseClick(wizard.pause, Qt.MouseButton.LeftButton)

    def refuse(*_args: object) -> None:
        raise StorageError("The change could not be saved: the disk refused the write.")

    monkeypatch.setattr(interviews, "save_answer", refuse)
    choose(qtbot, wizard, "urgent_medical", "no")
    error = block(wizard, "urgent_medical").error
    assert error.isVisible() and "disk refused" in error.text()
    assert wizard.message.isVisible()
    assert "urgent_medical" not in wizard.answers
    monkeypatch.undo()
    choose(qtbot, wizard, "urgent_medical", "yes")
    choose(qtbot, wizard, "safe_place", "no")
    assert stored(session, uuid) == {"urgent_medical": "yes", "safe_place": "no"}
    # A refusal from the core on Finish is shown, not raised.
    preset(
        session,
        uuid,
        {
            "age_now": 30,
            "under_18_at_exploitation": "no",
            "exploitation_type": ["forced_labour"],
            "information_given": ["purpose"],
            "consent_referral": "refused",
        },
        "referral",
    )
    again = make_wizard(session, uuid)
    assert again.current == "referral" and again.next.text() == "Check the answers"

    def not_now(*_args: object) -> str:
        raise InvalidInput("1 answer(s) are missing or not valid.")

    monkeypatch.setattr(interviews, "complete", not_now)
    with qtbot.assertNotEmitted(again.completed):
        qtbot.mouseClick(again.next, Qt.MouseButton.LeftButton)
        assert again.on_summary
        qtbot.mouseClick(again.summary.confirm, Qt.MouseButton.LeftButton)
    assert again.message.isVisible() and "missing" in again.message.text()
    assert interviews.get(session, uuid).in_progress
