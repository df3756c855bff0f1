"""The HTCDS commands: export-htcds (CSV or toolkit workbook), import-htcds, confirm-consent."""

from __future__ import annotations

import openpyxl

from idtool.cli import main
from idtool.htcds import partner, standard
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.htcds import csv_rows, known_case, partner_sheet


def _cli(data_dir, *args):
    return main(["--data", str(data_dir), "--officer", SUPERVISOR, "--lang", "en", *args])


def test_export_csv_and_workbook(session, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    for _n in range(11):
        known_case(session, details={})
    out = tmp_path / "h.csv"
    assert _cli(data_dir, "export-htcds", "--out", str(out)) == 0
    assert "11 records saved" in capsys.readouterr().out
    assert csv_rows(out.read_bytes())[0]["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    book = tmp_path / "h.xlsx"
    assert _cli(data_dir, "export-htcds", "--xlsx", "--out", str(book)) == 0
    assert openpyxl.load_workbook(book).worksheets[0].title == standard.toolkit().sheet
    narrow = tmp_path / "n.csv"
    assert _cli(data_dir, "export-htcds", "--fields", "prs_Gender", "--out", str(narrow)) == 0
    assert narrow.read_text().splitlines()[0] == "prs_Gender"
    capsys.readouterr()
    wrong = tmp_path / "w.csv"
    assert _cli(data_dir, "export-htcds", "--fields", "prs_Name", "--out", str(wrong)) != 0
    err = capsys.readouterr().err
    assert "Unknown HTCDS column: prs_Name" in err and "Traceback" not in err
    assert not wrong.exists()


ROW = {
    "prs_FirstName": "Айпери",
    "prs_SecondName": "Токтосунова",
    "prs_Gender": "Feminine",
    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    "vic_TypeOfExploitation": "ForcedLabour",
}


def test_import_preview_then_import_then_confirm(session, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [ROW, dict(ROW, prs_Gender="Female")])
    assert _cli(data_dir, "import-htcds", str(path), "--dry-run") == 1
    out = capsys.readouterr().out
    assert "Row 4, prs_Gender:" in out and "1 rows can be imported; 1 rows do not fit" in out
    assert _cli(data_dir, "import-htcds", str(path), "--source", "NGO", "--region", "osh") != 0
    assert "nothing was imported" in capsys.readouterr().err
    assert session.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    partner_sheet(path, [ROW])
    assert _cli(data_dir, "import-htcds", str(path)) != 0  # no --source / --region
    assert "--source" in capsys.readouterr().err
    args = ("import-htcds", str(path), "--source", "Partner NGO", "--region", "osh")
    assert _cli(data_dir, *args) == 0
    assert "1 cases imported" in capsys.readouterr().out
    (waiting,) = partner.awaiting_consent(session)
    assert _cli(data_dir, "confirm-consent", waiting.number) == 0
    assert partner.awaiting_consent(session) == []
    assert _cli(data_dir, "confirm-consent", waiting.number) != 0
    assert "already confirmed" in capsys.readouterr().err
