"""HTCDS 2.0: every exported column and value is the standard's, the toolkit's layout, and a
partner's filled toolkit spreadsheet imported as cases."""

from __future__ import annotations

import json
from collections import Counter

import openpyxl
import pytest

from idtool import cases, kdf
from idtool.errors import InvalidInput, NotPermitted
from idtool.htcds import importer, partner, standard
from idtool.htcds.export import K_ANONYMITY, export_htcds
from idtool.htcds.rows import COLUMNS, case_rows
from idtool.htcds.toolkit import export_toolkit, standard_name
from idtool.vault import Vault
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import STRONG
from tests.support.htcds import GOOD, csv_rows, known_case, partner_sheet, sheet_rows

STANDARD = standard.fields()


def test_the_shipped_standard_is_htcds_2():
    # A few names as the standard writes them (Field Definitions.md, HTCDS Field Standards 2.0).
    assert STANDARD["prs_Gender"].values[:2] == ("Feminine", "Masculine")
    assert "PossibleVictimOfTrafficking" in STANDARD["vic_TraffickingStatus"].values
    assert {"ForcedLabour", "SexualExploitation"} <= set(STANDARD["vic_TypeOfExploitation"].values)
    assert STANDARD["vic_MethodsOfControl"].multiple
    assert not STANDARD["vic_ForcedLabourIndustry"].multiple
    assert standard.toolkit().sheet == "Sheet1"
    assert standard.toolkit().countries["KG"] == "Kyrgyzstan"


def test_every_column_is_a_standard_field_or_ours():
    for column in COLUMNS:
        assert column in STANDARD or column.startswith(standard.OURS), column


def test_every_exported_value_is_the_standards(session):
    known_case(session, refer_to="ombudsman")
    known_case(
        session,
        screening=dict(
            STRONG,
            sex="male",
            exploitation_type=["sexual_exploitation", "forced_labour"],
            exploitation_country="kazakhstan",
        ),
    )
    known_case(session, details={"sector": ["textile", "trade"]})
    rows = case_rows(session)  # the records before k-anonymity keeps or drops them
    assert len(rows) == 3
    for row in rows:
        assert tuple(row) == COLUMNS
        for column, value in row.items():
            assert standard.valid(column, value), (column, value)
    seen = {c: {r[c] for r in rows} for c in COLUMNS}
    assert seen["vic_TraffickingStatus"] == {"ActualVictimOfTrafficking"}
    assert seen["vic_TraffickingStatusDecisionMakingOrg"] == {"NonPoliceGovernmentalOrganization"}
    assert seen["prs_Gender"] == {"Feminine", "Masculine"}
    assert seen["vic_TypeOfExploitation"] == {"ForcedLabour", "ForcedLabour;SexualExploitation"}
    assert seen["vic_LocationOfExploitation"] == {"RU", "KZ"}
    # One industry is named; two different ones leave the single-choice field empty.
    assert seen["vic_ForcedLabourIndustry"] == {"F_Construction", ""}
    assert seen["vic_TypeOfSexExploitation"] == {"RemoteInteractiveServices", ""}
    assert seen["vic_MethodOfRecruitment"] == {
        "ThroughFriendsOrSocialEvents;ThroughOnlineSocialNetworks",
        "",
    }
    control = {v for r in rows for v in r["vic_MethodsOfControl"].split(";")}
    assert {"DebtBondage", "WithholdsDocuments", "FalsePromises"} <= control
    # The referral names the recipient's type, never the organisation.
    assert seen["cas_ReferredOrganisation"] == {"CentralGovernmentOrganisation", ""}
    assert seen["cas_Status"] <= set(STANDARD["cas_Status"].values)
    text = repr(rows)
    assert "Test Person" not in text and "ombudsman" not in text


def test_the_deciders_role_gives_the_deciding_organisation(session):
    from idtool import officers

    officers.add_officer(session, "Police One", "police", "police-pass-1")
    police = session.vault.unlock("Police One", "police-pass-1")
    known_case(police)
    police.close()
    rows = case_rows(session)
    assert rows[0]["vic_TraffickingStatusDecisionMakingOrg"] == "Police"


def test_k_anonymity_holds_and_fewer_fields_keep_more(session):
    for _n in range(11):
        known_case(session, details={})
    known_case(session, details={"sector": ["mining"]})
    made = export_htcds(session)
    assert (made.rows, made.dropped) == (11, 1)
    counts = Counter(tuple(r.values()) for r in csv_rows(bytes(made)))
    assert all(n >= 11 for n in counts.values())
    narrow = export_htcds(session, fields=["vic_TraffickingStatus", "prs_Gender"])
    assert (narrow.rows, narrow.dropped) == (12, 0)
    assert tuple(csv_rows(bytes(narrow))[0]) == ("vic_TraffickingStatus", "prs_Gender")
    with pytest.raises(InvalidInput, match="prs_FirstName"):
        export_htcds(session, fields=["prs_FirstName"])


def test_only_supervisors_export_or_import(session, tmp_path):
    from idtool import officers

    officers.add_officer(session, "Police One", "police", "police-pass-1")
    police = session.vault.unlock("Police One", "police-pass-1")
    with pytest.raises(NotPermitted):
        export_htcds(police)
    with pytest.raises(NotPermitted):
        export_toolkit(police)
    with pytest.raises(NotPermitted):
        importer.preview(police, tmp_path / "x.xlsx")
    police.close()


def test_the_workbook_has_the_toolkits_layout(session, tmp_path):
    for _n in range(K_ANONYMITY):
        known_case(session, details={})
    path = tmp_path / "toolkit.xlsx"
    path.write_bytes(bytes(export_toolkit(session)))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    kit = standard.toolkit()
    assert sheet.title == kit.sheet and sheet.row_dimensions[1].hidden
    rows = sheet_rows(path)
    width = len(kit.names)
    assert tuple(v or "" for v in rows[0][:width]) == kit.names
    assert tuple(v or "" for v in rows[1][:width]) == kit.labels
    assert rows[0][width:] == tuple(c for c in COLUMNS if c.startswith("x_"))
    record = dict(zip((standard_name(str(n or "")) for n in rows[0]), rows[2], strict=True))
    assert rows[2][0] == 1
    assert record["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert record["vic_TraffickingStatusDecisionMakingOrg"] == "NonPoliceGovernmentalOrganization"
    assert record["prs_FirstName"] in (None, "") and record["prs_Birthdate"] in (None, "")


def _other_session(tmp_path):
    vault = Vault(tmp_path / "partner-side", kdf_params=kdf.FAST_PARAMS)
    made, _code = vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    made.close()
    return vault.unlock(SUPERVISOR, SUPERVISOR_PASS)


def _toolkit_facts(session):
    columns = [c for c in COLUMNS if not c.startswith("x_")]
    return Counter(tuple(r[c] for c in columns) for r in csv_rows(bytes(export_htcds(session))))


def test_round_trip_export_toolkit_import_gives_the_same_facts(session, tmp_path):
    for _n in range(K_ANONYMITY):
        known_case(session, details={})
        known_case(session, details={"sector": ["agriculture"], "recruiter": ["relative"]})
    path = tmp_path / "toolkit.xlsx"
    path.write_bytes(bytes(export_toolkit(session)))
    other = _other_session(tmp_path)
    try:
        found = importer.preview(other, path)
        assert found.rejected == () and len(found.cases) == 2 * K_ANONYMITY
        importer.import_cases(other, found, "Partner NGO", "osh")
        assert _toolkit_facts(other) == _toolkit_facts(session)
    finally:
        other.close()


def test_a_partners_sheet_is_previewed_and_imported_as_cases(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD, dict(GOOD, prs_FirstName="Nurlan", prs_Gender="Masculine")])
    found = importer.preview(session, path)
    assert found.rejected == ()
    first = found.cases[0]
    assert (first.line, first.full_name, first.birth_date) == (
        3,
        "Айпери Токтосунова",
        "1998-04-12",
    )
    assert first.facts["vic_TypeOfExploitation"] == "ForcedLabour;ChildLabour"
    assert first.facts["vic_LocationOfExploitation"] == "RU"
    assert first.sex == "female" and first.citizenship == "kyrgyzstan"
    made = importer.import_cases(session, found, "Partner NGO", "osh")
    assert len(made) == 2
    case = cases.get_case(session, made[0])
    assert case.person.full_name == "Айпери Токтосунова" and case.status == cases.Status.IDENTIFIED
    waiting = partner.awaiting_consent(session)
    assert {w.case_uuid for w in waiting} == set(made)
    partner.confirm_consent(session, made[0], "confirmed in person")
    assert {w.case_uuid for w in partner.awaiting_consent(session)} == {made[1]}
    with pytest.raises(InvalidInput):
        partner.confirm_consent(session, made[0], "confirmed in person")
    stored = session.conn.execute(
        "SELECT facts FROM partner_imports WHERE case_uuid = ?", (made[0],)
    ).fetchone()[0]
    assert "Айпери" not in stored and json.loads(stored)["cas_Status"] == "Active"


def test_rows_that_do_not_fit_are_listed_and_nothing_is_imported(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    bad = [
        GOOD,
        dict(GOOD, prs_Gender="Female"),  # not a value of the standard
        dict(GOOD, vic_TypeOfExploitation="ForcedLabour;Trafficking"),
        dict(GOOD, prs_Birthdate="31.02.1990"),
        dict(GOOD, prs_Citizenship="Atlantis"),
        dict(GOOD, prs_FirstName="Ai\u202eper"),  # a text-direction control character
    ]
    partner_sheet(path, bad)
    found = importer.preview(session, path)
    assert len(found.cases) == 1
    listed = {(r.line, r.column) for r in found.rejected}
    assert listed == {
        (4, "prs_Gender"),
        (5, "vic_TypeOfExploitation"),
        (6, "prs_Birthdate"),
        (7, "prs_Citizenship"),
        (8, "prs_FirstName"),
    }
    assert all(r.reason and "Ai" not in r.reason for r in found.rejected)
    before = session.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    with pytest.raises(InvalidInput, match="5 rows"):
        importer.import_cases(session, found, "Partner NGO", "osh")
    assert session.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == before


def test_an_import_finds_the_same_person_in_another_script(session, tmp_path):
    cases.open_case(session, full_name="Aiperi Toktosunova", region="osh", birth_date="1998-04-12")
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD, dict(GOOD, prs_Birthdate="1999-01-01")])
    found = importer.preview(session, path)
    assert len(found.cases[0].duplicates) == 1 and found.cases[1].duplicates == ()


@pytest.mark.parametrize(
    "content", [b"not a workbook", b"PK\x03\x04 broken zip", b""], ids=["text", "zip", "empty"]
)
def test_a_file_that_is_not_a_workbook_is_one_clear_error(session, tmp_path, content):
    path = tmp_path / "partner.xlsx"
    path.write_bytes(content)
    with pytest.raises(InvalidInput):
        importer.preview(session, path)


def test_a_workbook_without_htcds_columns_is_refused(session, tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "Age", "Town"])
    book.save(path)
    with pytest.raises(InvalidInput, match="HTCDS"):
        importer.preview(session, path)


def test_import_needs_a_source_and_a_known_region(session, tmp_path):
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    found = importer.preview(session, path)
    with pytest.raises(InvalidInput):
        importer.import_cases(session, found, " ", "osh")
    with pytest.raises(InvalidInput):
        importer.import_cases(session, found, "Partner NGO", "atlantis")


def test_imported_cases_wait_in_the_review_queue_until_consent_is_confirmed(session, tmp_path):
    from idtool import oversight

    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [GOOD])
    (made,) = importer.import_cases(session, importer.preview(session, path), "NGO Ak-Jol", "osh")
    (item,) = [i for i in oversight.queue(session) if i.kind == oversight.Kind.PARTNER_CONSENT]
    assert item.case_uuid == made and "NGO Ak-Jol" in oversight.describe(session, item, "en")
    with pytest.raises(InvalidInput):
        oversight.resolve(session, item, "  ")
    oversight.resolve(session, item, "Confirmed in person at the shelter")
    assert not [i for i in oversight.queue(session) if i.kind == oversight.Kind.PARTNER_CONSENT]
    note = session.conn.execute("SELECT consent_note FROM partner_imports").fetchone()[0]
    assert note == "Confirmed in person at the shelter"


def test_a_document_number_column_is_read_and_matched(session, tmp_path):
    other = cases.open_case(session, full_name="Other Name", region="osh")
    cases.set_details(
        session,
        other.uuid,
        full_name="Other Name",
        birth_date="",
        document_number="AN1234567",
        working_name="",
    )
    path = tmp_path / "partner.xlsx"
    partner_sheet(path, [dict(GOOD, prs_IdentityNumber="AN1234567")], extra=("prs_IdentityNumber",))
    (found,) = importer.preview(session, path).cases
    assert found.document_number == "AN1234567" and len(found.duplicates) == 1


def test_no_caller_can_lower_k_below_eleven(session):
    """Attack: a caller passing a smaller k (k=1) would get one person's unique record."""
    known_case(session, details={"sector": ["mining"]})
    for weak in (1, 5, 10, float("nan"), 10.5):
        with pytest.raises(InvalidInput, match="at least 11"):
            export_htcds(session, k=weak)
        with pytest.raises(InvalidInput, match="at least 11"):
            export_toolkit(session, k=weak)
    made = export_htcds(session, k=20)  # a stricter k is allowed
    assert (made.rows, made.dropped) == (0, 1)
