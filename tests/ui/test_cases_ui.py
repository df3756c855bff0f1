"""The cases screens through their real widgets: list, search, new case, case view, review."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QGroupBox, QRadioButton

from benchmarks.cases_bench import fill_cases
from idtool import case_assessments, case_list, cases, decisions, demo, interviews, officers
from idtool.assessment import recommendation_label
from idtool.questionnaire.registry import load_shipped
from tests.support.cases import STRONG, screen
from tests.ui.drive import click_scrolled as click
from tests.ui.drive import show, type_text
from ui.cases.case_view import CaseView
from ui.cases.decision_page import DecisionPage
from ui.cases.list_model import REVIEW_ROLE, UUID_ROLE, CaseListModel, CaseListProxy
from ui.cases.list_page import CaseListPage
from ui.cases.new_case_dialog import NewCaseDialog

GUARD, GUARD_PASS = "Guard One", "guard-pass-1"
# The exploitation country first given as another one, named.
OTHER_COUNTRY = dict(STRONG, exploitation_country="other", exploitation_country_other="Atlantis")


def screened_case(session, language: str = "ru", complete: bool = True):
    """A case with a screening interview; completed ones carry an assessment."""
    case = cases.open_case(session, full_name="Айгүл Өмүрбекова", region="osh")
    interview = screen(session, case.uuid, OTHER_COUNTRY, language=language, complete=False)
    # The country changes: the "other country" answer stays stored but is no longer relevant.
    interviews.save_answer(session, interview, "exploitation_country", "russia")
    if complete:
        interviews.complete(session, interview)
    return case, interview


# -- the list model ----------------------------------------------------------------------------
def test_list_model_passes_the_model_tester_empty(qtmodeltester, session):
    model = CaseListModel(session)
    assert model.rowCount() == 0 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_list_model_passes_the_model_tester_with_demo_cases(qtmodeltester, session):
    demo.generate(session, 60, seed=11)
    model = CaseListModel(session, page_size=25)
    assert model.rowCount() == 25 and model.total == 60 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 60
    qtmodeltester.check(model)
    uuids = {model.index(r, 0).data(UUID_ROLE) for r in range(60)}
    assert len(uuids) == 60
    # Cases decided against the recommendation are marked for review (bold, with a tip).
    marked = [r for r in range(60) if model.index(r, 0).data(REVIEW_ROLE)]
    assert marked
    index = model.index(marked[0], CaseListModel.COL_STATUS)
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    assert "review" in index.data(Qt.ItemDataRole.ToolTipRole)
    statuses = {model.index(r, CaseListModel.COL_STATUS).data() for r in range(60)}
    assert "Possible victim" in statuses
    assert model.headerData(CaseListModel.COL_NEXT, Qt.Orientation.Horizontal) == "Next step"
    proxy = CaseListProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_lazy_fetching_reads_one_page_at_a_time(qtbot, session):
    fill_cases(session, 1000)
    page = show(qtbot, CaseListPage(session))
    model = page.model
    assert model.total == 1000
    assert model.rowCount() == 200  # never the whole table
    model.fetchMore()
    assert model.rowCount() == 400
    # Scrolling the view to the end makes it ask for more.
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 400)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 1000 and not model.canFetchMore()
    assert page.count.text() == "Cases found: 1000"


def test_sorting_by_a_header_is_done_by_the_database(qtbot, session):
    for name in ("Бакыт Садыров", "Асел Токтогулова", "Улан Осмонов"):
        cases.open_case(session, full_name=name, region="naryn")
    page = show(qtbot, CaseListPage(session))
    model = page.model
    numbers = [model.index(r, CaseListModel.COL_NUMBER).data() for r in range(3)]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    header = page.table.horizontalHeader()

    def click(column):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )

    click(CaseListModel.COL_NUMBER)
    first = [page.proxy.index(r, CaseListModel.COL_NUMBER).data() for r in range(3)]
    click(CaseListModel.COL_NUMBER)
    second = [page.proxy.index(r, CaseListModel.COL_NUMBER).data() for r in range(3)]
    assert sorted([first, second]) == [sorted(numbers), sorted(numbers, reverse=True)]
    assert model.sort_column == CaseListModel.COL_NUMBER
    # The next step cannot be ordered in SQL: the order and the arrow stay as they were.
    click(CaseListModel.COL_NEXT)
    assert [page.proxy.index(r, 0).data() for r in range(3)] == second
    assert header.sortIndicatorSection() == CaseListModel.COL_NUMBER


# -- the list page -----------------------------------------------------------------------------
def test_transliterated_search_finds_the_person_both_ways(qtbot, session):
    aigul = cases.open_case(session, full_name="Айгүл Өмүрбекова", region="osh")
    nurlan = cases.open_case(session, full_name="Nurlan Khanov", region="chuy")
    cases.open_case(session, full_name="Бермет Асанова", region="talas")
    page = show(qtbot, CaseListPage(session))
    assert page.model.rowCount() == 3

    def shown():
        return [page.proxy.index(r, 0).data(UUID_ROLE) for r in range(page.proxy.rowCount())]

    type_text(page.search, "aigul omurbekova")
    qtbot.waitUntil(lambda: shown() == [aigul.uuid], timeout=2000)
    assert page.proxy.index(0, CaseListModel.COL_PERSON).data() == "Айгүл Өмүрбекова"
    page.search.clear()
    qtbot.waitUntil(lambda: len(shown()) == 3, timeout=2000)
    type_text(page.search, "Нурлан Ханов")
    qtbot.waitUntil(lambda: shown() == [nurlan.uuid], timeout=2000)
    assert page.count.text() == "Cases found: 1"
    # Enter applies the filter at once; the case number is searched too.
    page.search.clear()
    type_text(page.search, aigul.number[-5:])
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert shown() == [aigul.uuid]


def test_status_filter_activation_and_new_case_signal(qtbot, session):
    first = cases.open_case(session, full_name="Асел Токтогулова", region="osh")
    page = show(qtbot, CaseListPage(session))
    page.status.setCurrentIndex(page.status.findData("identified"))
    assert page.model.rowCount() == 0
    page.status.setCurrentIndex(page.status.findData("possible"))
    assert page.model.rowCount() == 0  # nothing assessed yet: the case is new
    page.status.setCurrentIndex(page.status.findData("new"))
    assert page.model.rowCount() == 1
    with qtbot.waitSignal(page.open_case) as opened:
        page.table.setFocus()
        page.table.setCurrentIndex(page.proxy.index(0, 0))
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [first.uuid]
    rect = page.table.visualRect(page.proxy.index(0, 1))
    with qtbot.waitSignal(page.open_case) as opened:
        # A double click is a press and release followed by the double-click event.
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [first.uuid]
    with qtbot.waitSignal(page.new_case):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)


# -- the new-case dialog -----------------------------------------------------------------------
def test_new_case_dialog_opens_the_case_and_starts_the_interview(qtbot, session):
    dialog = show(qtbot, NewCaseDialog(session))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.region_error.isVisible()
    assert "region" in dialog.region_error.text()
    assert case_list.CaseQuery().count(session) == 0
    type_text(dialog.full_name, "Чолпон Сыдыкова")
    type_text(dialog.birth_date, "31.13.2000")
    dialog.region.setCurrentIndex(dialog.region.findData("batken"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.birth_error.isVisible() and "DD.MM.YYYY" in dialog.birth_error.text()
    assert not dialog.region_error.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.birth_date.clear()
    type_text(dialog.birth_date, "31.12.2000")  # as printed on a Kyrgyz passport
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    titles = [dialog.form.itemText(i) for i in range(dialog.form.count())]
    assert "First-contact screening for signs of trafficking (NRM)" in titles
    dialog.form.setCurrentIndex(dialog.form.findData("nrm-identification"))
    dialog.language.setCurrentIndex(dialog.language.findData("ky"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    case = cases.get_case(session, dialog.case_uuid)
    assert (case.person.full_name, case.person.birth_date, case.person.sex, case.region) == (
        "Чолпон Сыдыкова",
        "2000-12-31",
        "female",
        "batken",
    )
    interview = interviews.get(session, dialog.interview_uuid)
    assert (interview.case_uuid, interview.form_id, interview.language) == (
        case.uuid,
        "nrm-identification",
        "ky",
    )


def test_new_case_dialog_refuses_a_pasted_name_with_an_invisible_character(qtbot, session):
    """A zero-width joiner cannot be typed, but it comes with a pasted name."""
    dialog = show(qtbot, NewCaseDialog(session))
    dialog.region.setCurrentIndex(dialog.region.findData("osh"))
    QApplication.clipboard().setText("Nurgul Asan\u200dova")
    dialog.full_name.setFocus()
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.full_name.text() == "Nurgul Asan\u200dova"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisible()
    assert "invisible" in dialog.error.text() and "Nurgul" not in dialog.error.text()
    assert case_list.CaseQuery().count(session) == 0
    # Retyped without it, the case opens.
    dialog.full_name.clear()
    type_text(dialog.full_name, "Nurgul Asanova")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert cases.get_case(session, dialog.case_uuid).person.full_name == "Nurgul Asanova"


def test_new_case_dialog_offers_only_the_role_s_questionnaires(qtbot, session, made_vault):
    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    vault, _ = made_vault
    with vault.unlock(GUARD, GUARD_PASS) as guard:
        dialog = show(qtbot, NewCaseDialog(guard))
        assert [dialog.form.itemData(i) for i in range(dialog.form.count())] == ["nrm-screening"]
        dialog.region.setCurrentIndex(dialog.region.findData("batken"))
        qtbot.keyClick(dialog.ok_button, Qt.Key.Key_Space)  # no name: the person gave none
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert cases.get_case(guard, dialog.case_uuid).person.full_name == ""


# -- the case view -----------------------------------------------------------------------------
def test_case_view_lists_interviews_and_resumes(qtbot, session):
    case, interview = screened_case(session, complete=False)
    view = show(qtbot, CaseView(session, case.uuid))
    assert view.interviews_table.rowCount() == 1
    version = interview.form_version
    assert f"nrm-screening version {version}" in view.interviews_table.item(0, 1).text()
    assert view.interviews_table.item(0, 3).text() == "In progress"
    assert view.resume_button.isEnabled() and not view.review_button.isEnabled()
    with qtbot.waitSignal(view.resume_interview) as resumed:
        click(qtbot, view, view.resume_button)
    assert resumed.args == [interview.uuid]
    with qtbot.waitSignal(view.new_interview) as new:
        click(qtbot, view, view.new_interview_button)
    assert new.args == [case.uuid]
    with qtbot.waitSignal(view.back):
        click(qtbot, view, view.back_button)
    titles = {
        box.objectName(): box.title()
        for box in (
            view.findChild(QGroupBox, n)
            for n in ("case_consents", "case_certificate", "case_referrals")
        )
    }
    assert titles == {
        "case_consents": "Consents",
        "case_certificate": "Certificate",
        "case_referrals": "Referrals",
    }
    actions = [view.audit_table.item(r, 2).text() for r in range(view.audit_table.rowCount())]
    assert {"Case opened", "Interview started", "Case viewed"} <= set(actions)


# -- review and decision -----------------------------------------------------------------------
def test_diverging_decision_needs_a_reason_and_decisions_supersede(qtbot, session):
    case, _interview = screened_case(session, language="ru")
    form = load_shipped("nrm-screening")
    page = show(qtbot, DecisionPage(session, case.uuid))
    # In the officer's language first; the interview's language (Russian) beside it.
    assessment = case_assessments.latest(session, case.uuid)
    assert page.language.currentText() == "English"
    assert form.question("debt").label["en"] in page.answers.text()
    assert page.recommendation.text().endswith(recommendation_label("presumed_victim", "en"))
    assert page.reasons.text() == assessment.explain("en", form)
    page.language.setFocus()
    qtbot.keyClick(page.language, Qt.Key.Key_Down)
    assert page.language.currentData() == "ru"
    answers = page.answers.text()
    assert form.question("debt").label["ru"] in answers
    assert "Atlantis" not in answers  # stored, but no longer relevant
    assert page.recommendation.text().endswith(recommendation_label("presumed_victim", "ru"))
    assert page.reasons.text() == assessment.explain("ru", form)
    assert page.reasons.text() != assessment.explain("en", form)

    click(qtbot, page, page.radios[decisions.Decision.NOT_VICTIM])
    assert page.departs_note.isVisible()
    assert "required" in page.reason_caption.text()
    click(qtbot, page, page.save_button)
    assert page.error.isVisible() and "reason" in page.error.text()
    assert decisions.history(session, case.uuid) == []

    type_text(page.reason, "Works legally; contract checked")
    with qtbot.waitSignal(page.decided) as decided:
        click(qtbot, page, page.save_button)
    assert decided.args == [case.uuid]
    assert not page.error.isVisible()
    assert "supervisor review" in page.saved.text()
    assert cases.get_case(session, case.uuid).review

    click(qtbot, page, page.radios[decisions.Decision.IDENTIFIED_VICTIM])
    assert not page.departs_note.isVisible()
    assert "required" not in page.reason_caption.text()
    click(qtbot, page, page.save_button)
    first, second = decisions.history(session, case.uuid)
    assert first.against_recommendation and second.supersedes == first.uuid
    assert "Identified victim" in page.current.text()

    view = show(qtbot, CaseView(session, case.uuid))
    table = view.decisions_table
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    assert [r[2] for r in rows] == ["Current", "Superseded"]
    assert (
        rows[1][1] == "Not identified as a victim"
        and rows[1][4] == "Works legally; contract checked"
    )
    assert rows[1][3].startswith("Yes")
    assert table.item(1, 0).font().italic()
    assert view.assessment_tree.topLevelItemCount() == 1
    assert view.assessment_tree.topLevelItem(0).childCount() > 3  # the reasons, expandable


def test_saving_without_a_choice_says_so(qtbot, session):
    case, _interview = screened_case(session, language="en")
    page = show(qtbot, DecisionPage(session, case.uuid))
    click(qtbot, page, page.save_button)
    assert page.error.text() == "Choose a decision."
    assert decisions.history(session, case.uuid) == []


def test_border_guard_sees_no_decision_controls(qtbot, session, made_vault):
    officers.add_officer(session, GUARD, "border_guard", GUARD_PASS)
    vault, _ = made_vault
    with vault.unlock(GUARD, GUARD_PASS) as guard:
        case, _interview = screened_case(guard, language="ky")
        page = show(qtbot, DecisionPage(guard, case.uuid))
        assert page.findChildren(QRadioButton) == []
        assert page.save_button is None
        note = page.findChild(type(page.answers), "review_not_permitted")
        assert note.isVisible() and "may not record a decision" in note.text()
        debt = load_shipped("nrm-screening").question("debt").label
        assert debt["en"] in page.answers.text()  # in the officer's language
        page.language.setCurrentIndex(page.language.findData("ky"))  # the interview's
        assert debt["ky"] in page.answers.text()
