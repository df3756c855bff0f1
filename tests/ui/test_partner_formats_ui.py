"""Partner formats (HTCDS) through the window's widgets: the export, and a partner's
spreadsheet previewed, refused while a row does not fit, then imported."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from idtool import oversight
from tests.support.htcds import GOOD, csv_rows, known_case, partner_sheet
from tests.ui.drive import answer_files, click, in_dialog, show, type_text
from ui.partner.dialog import PartnerFormatsDialog


def test_export_chosen_columns_as_csv(qtbot, session, tmp_path, monkeypatch):
    for _n in range(11):
        known_case(session, details={})
    dialog = show(qtbot, PartnerFormatsDialog(session))
    tab = dialog.export_tab
    for i in range(tab.fields.count()):
        item = tab.fields.item(i)
        keep = item.data(Qt.ItemDataRole.UserRole) in ("vic_TraffickingStatus", "prs_Gender")
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    path = tmp_path / "out.csv"
    answer_files(monkeypatch, save=path)
    click(qtbot, tab.csv_button)
    qtbot.waitUntil(lambda: "Saved" in tab.status.text())
    assert "11 records" in tab.status.text()
    rows = csv_rows(path.read_bytes())
    assert list(rows[0]) == ["vic_TraffickingStatus", "prs_Gender"]
    assert {r["prs_Gender"] for r in rows} == {"Feminine"}


def test_no_column_chosen_says_so(qtbot, session, tmp_path, monkeypatch):
    dialog = show(qtbot, PartnerFormatsDialog(session))
    tab = dialog.export_tab
    for i in range(tab.fields.count()):
        tab.fields.item(i).setCheckState(Qt.CheckState.Unchecked)
    answer_files(monkeypatch, save=tmp_path / "never.csv")
    click(qtbot, tab.xlsx_button)
    assert "at least one column" in tab.error.text()
    assert not (tmp_path / "never.csv").exists()


def test_a_partners_sheet_is_previewed_then_imported(qtbot, session, tmp_path, monkeypatch):
    dialog = show(qtbot, PartnerFormatsDialog(session))
    tab = dialog.import_tab
    assert tab is not None
    bad = tmp_path / "bad.xlsx"
    partner_sheet(bad, [GOOD, dict(GOOD, prs_Gender="Female")])
    answer_files(monkeypatch, open_=bad)
    click(qtbot, tab.choose_button)
    qtbot.waitUntil(lambda: tab.rejected.rowCount() == 1)
    assert tab.rejected.item(0, 1).text() == "prs_Gender"
    type_text(tab.source, "NGO Ak-Jol")
    assert not tab.import_button.isEnabled()  # a row does not fit

    good = tmp_path / "good.xlsx"
    partner_sheet(good, [GOOD, dict(GOOD, prs_FirstName="Nurlan", prs_Gender="Masculine")])
    answer_files(monkeypatch, open_=good)
    click(qtbot, tab.choose_button)
    qtbot.waitUntil(lambda: tab.cases.rowCount() == 2 and tab.rejected.rowCount() == 0)
    assert tab.cases.item(0, 1).text() == "Айпери Токтосунова"
    assert tab.import_button.isEnabled()
    in_dialog(QMessageBox, lambda box: click(qtbot, box.button(QMessageBox.StandardButton.Yes)))
    click(qtbot, tab.import_button)
    qtbot.waitUntil(lambda: "2 cases imported" in tab.status.text())
    waiting = [i for i in oversight.queue(session) if i.kind == oversight.Kind.PARTNER_CONSENT]
    assert len(waiting) == 2
