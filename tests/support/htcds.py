"""Cases whose HTCDS facts are known, and reading the files the HTCDS export writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

from idtool import cases, consent, decisions, interviews, referrals
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.htcds import standard
from idtool.htcds.toolkit import standard_name
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from tests.support.cases import STRONG, screen

# What an identification interview adds to the STRONG screening answers.
DETAILS: dict[str, Any] = {
    "sector": ["construction"],
    "sexual_exploitation_forms": ["webcam"],
    "recruitment_channel": ["online"],
    "recruiter": ["acquaintance"],
}


def known_case(
    session: Session,
    *,
    details: dict[str, Any] | None = None,
    screening: dict[str, Any] | None = None,
    refer_to: str = "",
    name: str = "Test Person",
) -> cases.Case:
    """A case screened with STRONG answers (or `screening`), with an identification interview
    holding `details`, identified as a victim; referred to `refer_to` when given."""
    case = cases.open_case(session, full_name=name, region="osh")
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    for question, value in (DETAILS if details is None else details).items():
        interviews.save_answer(session, ident, question, value)
    screen(session, case.uuid, STRONG if screening is None else screening)
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    if refer_to:
        consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=refer_to)
        referrals.make(session, case.uuid, refer_to, services=("legal_aid",))
    return case


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


# A partner's row as the validated toolkit fills it (labels, a country name, a day-first date).
GOOD: dict[str, Any] = {
    "prs_FirstName": "Айпери",
    "prs_SecondName": "Токтосунова",
    "prs_Birthdate": "12.04.1998",
    "prs_Gender": "Feminine",
    "prs_Citizenship": "KG",
    "vic_TraffickingStatus": "Actual victim of trafficking",
    "vic_TypeOfExploitation": "ForcedLabour; Child labour",
    "vic_MethodsOfControl": "Debt bondage;WithholdsDocuments",
    "vic_LocationOfExploitation": "Russian Federation",
    "cas_Status": "Active",
}


def partner_sheet(path: Path, rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> None:
    """A partner's toolkit spreadsheet: the toolkit's two header rows (with `extra` standard
    fields added at the end, as a partner may), then `rows` (field name -> cell), then a few of
    the toolkit's numbered empty rows."""
    kit = standard.toolkit()
    names = [*kit.names, *extra]
    labels = [*kit.labels, *(standard.field(e).label for e in extra)]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kit.sheet
    sheet.append(names)
    sheet.append(labels)
    where = {standard_name(n): i for i, n in enumerate(names) if n}
    for number, values in enumerate(rows, start=1):
        cells: list[object] = [None] * len(names)
        cells[0] = number
        for name, value in values.items():
            cells[where[name]] = value
        sheet.append(cells)
    for number in range(len(rows) + 1, 20):
        sheet.append([number])
    book.save(path)
