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
