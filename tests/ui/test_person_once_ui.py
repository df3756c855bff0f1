"""Nobody asks twice (issue 15, items 1-3), walked through the real widgets: an officer opens a
new case, runs the identification interview, and refers the person. Nothing typed in "New
case" is asked again in the interview; the age is worked out; the consent given on the consent
page is the consent record; "Refer…" comes with the recipient the person consented to and the
packet language chosen in the case view; the packet names the person. A second "New case" for
the same person (in Latin letters) warns and opens the case already there."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from idtool import case_list, cases, consent, interviews, referrals
from idtool.consent import Purpose, State
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import answer_unanswered
from tests.ui.drive import block, choose, click, in_dialog, pdf_text, save_to, show, type_text
from ui.cases.case_view import CaseView
from ui.cases.new_case_dialog import NewCaseDialog
from ui.documents.referral_dialog import ReferralDialog
from ui.interview import InterviewWizard
from ui.workspace import Workspace

NAME = "Чолпон Сыдыкова"
BORN = "1996-03-10"
DOC = "AN1234567"
SHELTER = "crisis-centre-osh"


def full_years(born: str, on: date) -> int:
    b = date.fromisoformat(born)
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def open_new_case(qtbot, workspace: Workspace, name: str, *, form: str = "nrm-identification"):
    def fill(dialog: NewCaseDialog) -> None:
        type_text(dialog.full_name, name)
        dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
        type_text(dialog.birth_date, BORN)
        type_text(dialog.document, DOC)
        dialog.region.setCurrentIndex(dialog.region.findData("osh"))
        dialog.form.setCurrentIndex(dialog.form.findData(form))
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        click(qtbot, dialog.ok_button)
        fill.dialog = dialog  # type: ignore[attr-defined]

    in_dialog(NewCaseDialog, fill)
    workspace.new_case()
    return fill.dialog  # type: ignore[attr-defined]


# The story pages, answered through the core as an officer would over an hour (the pages this
# test looks at are driven through the widgets).
STORY = {
    "interview_date": date.today().isoformat(),
    "age_at_exploitation": 22,
    "possibly_under_18": "no",
    "document_type": "passport",
}


def test_an_officer_types_each_value_once_from_new_case_to_referral(
    qtbot, session, monkeypatch, tmp_path
):
    workspace = show(qtbot, Workspace(session))
    workspace.resize(1200, 800)
    dialog = open_new_case(qtbot, workspace, NAME)
    assert dialog.result() == QDialog.DialogCode.Accepted
    case_uuid, uuid = dialog.case_uuid, dialog.interview_uuid
    wizard = workspace.stack.currentWidget()
    assert isinstance(wizard, InterviewWizard) and wizard.interview.uuid == uuid
    age = full_years(BORN, date.today())
    # Before a single question is asked, the interview knows what "New case" was told.
    assert interviews.answers(session, uuid) == {
        "full_name": NAME,
        "sex": "female",
        "date_of_birth": BORN,
        "document_number": DOC,
        "age_now": age,
    }

    # The consent page, as the officer clicks it.
    assert wizard.current == "consent"
    for point in ("purpose", "data_use", "retention", "withdrawal", "voluntary"):
        choose(qtbot, wizard, "information_given", point)
    choose(qtbot, wizard, "consent_interview", "given")
    choose(qtbot, wizard, "consent_form", "oral")
    click(qtbot, wizard.pause)  # a break; the story is told over the next hour
    asked = answer_unanswered(session, uuid, STORY)
    given_once = {"full_name", "sex", "date_of_birth", "document_number", "age_now"}
    given_once |= {"information_given", "consent_interview", "consent_form"}
    assert not asked & given_once, asked & given_once  # nothing known was asked again

    workspace.show_interview(uuid)  # resumed
    wizard = workspace.stack.currentWidget()
    assert isinstance(wizard, InterviewWizard)
    seen: set[str] = set()
    while True:
        page = wizard.current
        seen.add(page)
        if page == "age":  # worked out from the date of birth: shown, not asked
            age_now = block(wizard, "age_now")
            assert age_now.input.edit.text() == str(age)
            assert not age_now.input.isEnabled() and age_now.computed_note.isVisible()
        if page == "personal":  # prefilled from "New case"
            assert block(wizard, "full_name").input.edit.text() == NAME
            assert block(wizard, "sex").input.buttons["female"].isChecked()
            assert block(wizard, "date_of_birth").input.edit.text() == BORN
            assert block(wizard, "document_number").input.edit.text() == DOC
        if wizard.next.text() == "Finish":
            break
        click(qtbot, wizard.next)
        assert wizard.current != page, page
    assert {"age", "personal"} <= seen
    with qtbot.waitSignal(wizard.completed, timeout=10_000):
        click(qtbot, wizard.next)
    assert interviews.get(session, uuid).state == "completed"

    # The consent page is the consent record, recorded once, never asked again.
    records = consent.history(session, case_uuid)
    assert [(r.purpose, r.state) for r in records] == [("interview", "given")]
    workspace.show_case(case_uuid)
    view = workspace.stack.currentWidget()
    assert isinstance(view, CaseView)
    assert consent.is_given(session, case_uuid, Purpose.INTERVIEW)

    # The person agrees to the shelter; the officer chooses a Russian packet in the case view.
    consent.record(session, case_uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=SHELTER)
    view.referral_section.refresh()
    language = view.referral_section.language
    language.setCurrentIndex(language.findData("ru"))
    packet = tmp_path / "packet.pdf"
    save_to(monkeypatch, packet)
    made: list[object] = []

    def refer(referral: ReferralDialog) -> None:
        assert referral.recipient.currentData() == SHELTER  # the one consented to
        assert referral.language.currentData() == "ru"  # as chosen in the case view
        referral.set_services(("shelter",))
        type_text(referral.reason, "Нужен безопасный приют")
        click(qtbot, referral.make_button)
        qtbot.waitUntil(
            lambda: referral.result() == QDialog.DialogCode.Accepted or referral.error.isVisible(),
            timeout=10_000,
        )
        made.append(referral.made)

    in_dialog(ReferralDialog, refer)
    click(qtbot, view.referral_section.refer_button)
    assert made and made[0] is not None
    assert [r.recipient_id for r in referrals.for_case(session, case_uuid)] == [SHELTER]
    text = pdf_text(packet)
    for expected in (NAME, "Женский", "10.03.1996", DOC):
        assert expected in text, expected
    assert len(consent.history(session, case_uuid)) == 2  # the interview's, and the referral's


def test_a_second_new_case_for_the_same_person_warns_and_opens_the_first(qtbot, session):
    first = cases.open_case(
        session, full_name=NAME, region="osh", birth_date=BORN, document_number=DOC
    )
    workspace = show(qtbot, Workspace(session))
    seen: list[str] = []

    def fill(dialog: NewCaseDialog) -> None:
        type_text(dialog.full_name, "Cholpon Sydykova")  # the same name in Latin letters
        type_text(dialog.birth_date, BORN)
        dialog.region.setCurrentIndex(dialog.region.findData("osh"))
        click(qtbot, dialog.ok_button)
        assert dialog.result() != QDialog.DialogCode.Accepted  # not opened: warned first
        assert dialog.matches_box.isVisible()
        seen.extend(dialog.matches.item(i).text() for i in range(dialog.matches.count()))
        assert dialog.ok_button.text() == "Open a new case anyway"
        click(qtbot, dialog.open_existing)

    in_dialog(NewCaseDialog, fill)
    workspace.new_case()
    assert seen == [f"{first.number} · {NAME} · 10.03.1996"]
    view = workspace.stack.currentWidget()
    assert isinstance(view, CaseView) and view.case_uuid == first.uuid
    assert cases_of(session) == 1  # no second case


def test_the_officer_may_still_open_a_new_case_for_a_namesake(qtbot, session):
    cases.open_case(session, full_name=NAME, region="osh", birth_date=BORN)
    dialog = show(qtbot, NewCaseDialog(session))
    type_text(dialog.full_name, NAME)
    type_text(dialog.birth_date, BORN)
    dialog.region.setCurrentIndex(dialog.region.findData("osh"))
    click(qtbot, dialog.ok_button)
    assert dialog.matches_box.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    click(qtbot, dialog.ok_button)  # "Open a new case anyway"
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert cases_of(session) == 2


def cases_of(session) -> int:
    return case_list.CaseQuery().count(session)


def test_a_new_date_of_birth_in_the_interview_updates_the_age_shown(qtbot, session, make_wizard):
    case = cases.open_case(session, full_name=NAME, region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    wizard = make_wizard(session, interview.uuid)
    wizard._page("age")
    wizard._page("personal")
    age_now = wizard.pages["age"].blocks["age_now"]
    assert age_now.input.isEnabled()  # no date of birth yet: asked
    edit = wizard.pages["personal"].blocks["date_of_birth"].input.edit
    wizard.pages["personal"].blocks["date_of_birth"].input.set_value(None)
    edit.setText("2000-01-15")
    edit.editingFinished.emit()
    assert cases.get_case(session, case.uuid).person.birth_date == "2000-01-15"
    assert age_now.input.edit.text() == str(full_years("2000-01-15", date.today()))
    assert not age_now.input.isEnabled() and not age_now.computed_note.isHidden()
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_a_cleared_date_of_birth_is_answered_again_from_the_person_record(
    qtbot, session, make_wizard
):
    case = cases.open_case(session, full_name=NAME, region="osh", birth_date=BORN)
    interview = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    wizard = make_wizard(session, interview.uuid)
    wizard._page("personal")
    born = wizard.pages["personal"].blocks["date_of_birth"].input
    assert born.edit.text() == BORN
    born.edit.clear()
    born.edit.editingFinished.emit()
    # The record keeps it (correct it in the person's details): shown again, as stored.
    assert interviews.answers(session, interview.uuid)["date_of_birth"] == BORN
    assert born.edit.text() == BORN
