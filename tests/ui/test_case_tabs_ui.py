"""The case view in tabs, the "new" state of a case nothing was assessed in, and the case list's
sorting and empty state, through real widgets."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTabBar, QTableWidget

from idtool import case_list, cases, consent
from idtool.consent import Purpose, State
from tests.support.cases import STRONG, decided_case, person_case, screen
from tests.ui.drive import click_scrolled, show, type_text
from ui.cases.case_view import TABS, CaseView
from ui.cases.list_model import CaseListModel
from ui.cases.list_page import CaseListPage


def test_the_case_view_is_in_five_tabs(qtbot, session):
    case = decided_case(session)
    view = show(qtbot, CaseView(session, case.uuid))
    bar = view.tabs.findChild(QTabBar)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles == [
        "Summary",
        "Interviews",
        "Decision and certificate",
        "Consent and referrals",
        "History",
    ]
    assert view.tab_name == "summary" and view.person_box.isVisible()
    glance = [w.text() for w in view.overview.findChildren(QLabel)]
    assert "Identified victim" in glance  # the decision in force
    assert "Not issued" in glance and "None yet" in glance
    assert not view.certificate_section.isVisible() and not view.audit_table.isVisible()
    # Each section is on its tab; a click on the tab bar shows it.
    where = {
        "interviews": view.interviews_table,
        "decision": view.certificate_section,
        "consent": view.referral_section,
        "history": view.audit_table,
    }
    for name, widget in where.items():
        index = TABS.index(name)
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert view.tab_name == name and widget.isVisible()
    # The header stays above the tabs.
    assert view.status.isVisible() and view.review_button.isVisible()
    # Clicking a button on another tab (as the test driver does) shows that tab first.
    with qtbot.waitSignal(view.new_interview):
        click_scrolled(qtbot, view, view.new_interview_button)
    assert view.tab_name == "interviews"


def test_an_action_can_be_added_to_the_case_view(qtbot, session):
    case = decided_case(session)
    view = show(qtbot, CaseView(session, case.uuid, tab="history"))
    extra = QPushButton("Extra")
    view.add_action(extra)
    row = [view.actions.itemAt(i).widget() for i in range(view.actions.count())]
    assert row.index(extra) == row.index(view.review_button) - 1
    assert extra.isVisible() and view.tab_name == "history"


def test_tables_fit_the_width_of_the_case_view(qtbot, session):
    case = person_case(session, decide=True)
    for org in ("crisis-centre-osh", "crisis-centre-bishkek"):
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org)
    view = CaseView(session, case.uuid, tab="consent")
    view.resize(1000, 700)
    show(qtbot, view)
    for tab in TABS:
        view.show_tab(tab)
        for table in view.tabs.currentWidget().findChildren(QTableWidget):
            if table.isVisible():
                qtbot.waitUntil(lambda t=table: t.viewport().width() > 0)
                assert table.horizontalHeader().length() <= table.viewport().width() + 1, (
                    table.objectName()
                )
    # The short columns keep their text whole; the long ones are cut, whole in the tooltip.
    table = view.consent_section.findChild(QTableWidget)
    metrics = table.fontMetrics()
    decision = table.horizontalHeaderItem(2).text()
    assert table.columnWidth(2) >= metrics.horizontalAdvance(decision)


def test_a_brand_new_case_is_new_until_something_is_assessed(qtbot, session):
    case = cases.open_case(session, full_name="Асел Токтогулова", region="osh")
    view = show(qtbot, CaseView(session, case.uuid))
    assert view.status.text() == "Status: New"
    page = show(qtbot, CaseListPage(session))
    status = page.model.index(0, CaseListModel.COL_STATUS).data()
    assert status == "New"
    assert page.model.index(0, CaseListModel.COL_NEXT).data() == "Screening interview"
    screen(session, case.uuid, STRONG)  # a completed screening: assessed
    assert show(qtbot, CaseView(session, case.uuid)).status.text() == "Status: Possible victim"
    page.refresh()
    assert page.model.index(0, CaseListModel.COL_STATUS).data() == "Possible victim"
    assert case_list.CaseQuery(status="new").count(session) == 0
    assert case_list.CaseQuery(status="possible").count(session) == 1


def test_an_empty_list_says_what_to_do_first(qtbot, session):
    page = show(qtbot, CaseListPage(session))
    assert page.empty.isVisible() and "New case…" in page.empty.text()
    cases.open_case(session, full_name="Асел Токтогулова", region="osh")
    page.refresh()
    assert not page.empty.isVisible()
    type_text(page.search, "zzzzzz")
    page.apply_filter()
    assert page.empty.isVisible() and "Clear the search" in page.empty.text()


def test_the_list_sorts_by_person_too(qtbot, session):
    for name in ("Бакыт Садыров", "Асел Токтогулова", "Улан Осмонов"):
        cases.open_case(session, full_name=name, region="naryn")
    page = show(qtbot, CaseListPage(session))
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(CaseListModel.COL_PERSON) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    names = [page.proxy.index(r, CaseListModel.COL_PERSON).data() for r in range(3)]
    assert page.model.sort_column == CaseListModel.COL_PERSON
    assert names in (sorted(names), sorted(names, reverse=True))
    assert names[0] in ("Асел Токтогулова", "Улан Осмонов")
    tip = page.model.headerData(
        CaseListModel.COL_NEXT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "sort by Status" in tip


def test_an_action_hidden_on_purpose_stays_hidden(qtbot, session):
    case = decided_case(session)
    view = show(qtbot, CaseView(session, case.uuid))
    extra = QPushButton("Supervisor only")
    extra.hide()
    view.add_action(extra)
    assert not extra.isVisible()
