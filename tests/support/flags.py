"""Cases with and without a non-punishment flag: a complete identification interview of an
adult, with or without the answers that the person was punished for acts they were made to
commit."""

from __future__ import annotations

from typing import Any

from idtool import cases, interviews
from idtool.interviews import Interview
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session

# A complete identification interview of an adult (every required answer given).
IDENTIFICATION: dict[str, Any] = {
    "information_given": [
        "purpose",
        "data_use",
        "retention",
        "withdrawal",
        "voluntary",
        "no_case_needed",
    ],
    "consent_interview": "given",
    "consent_form": "oral",
    "interview_date": "2025-05-01",
    "interview_place": "police",
    "private_room": "yes",
    "others_present": ["nobody"],
    "interview_language": "ru",
    "interpreter_used": "no",
    "same_sex_officer": "already",
    "fit_for_interview": "yes",
    "age_now": 30,
    "age_at_exploitation": 29,
    "age_basis": "document",
    "recruited": "yes",
    "left_home": "yes",
    "exploitation_type": ["forced_labour"],
    "exploitation_country": "russia",
    "needs": ["legal_aid"],
    "interview_outcome": "completed",
}
# Made to cross a border irregularly, then detained and deported for it.
PUNISHED: dict[str, Any] = {
    "forced_offences": ["irregular_border"],
    "authority_measures": ["detained", "deported"],
}


def interview(
    session: Session,
    case_uuid: str,
    answers: dict[str, Any],
    form_id: str = "nrm-identification",
    complete: bool = True,
) -> Interview:
    """An interview of `form_id` with `answers`, completed unless told."""
    started = interviews.start(session, case_uuid, load_shipped(form_id), "en")
    for question, value in answers.items():
        interviews.save_answer(session, started, question, value)
    if complete:
        interviews.complete(session, started)
    return started


def interviewed_case(
    session: Session,
    answers: dict[str, Any],
    form_id: str = "nrm-identification",
    complete: bool = True,
    name: str = "Test Person",
) -> cases.Case:
    case = cases.open_case(session, full_name=name, region="osh")
    interview(session, case.uuid, answers, form_id, complete)
    return case


def flagged_case(session: Session, name: str = "Асел Кадырова") -> cases.Case:
    """An adult detained and deported for an irregular crossing they were made to make."""
    return interviewed_case(session, {**IDENTIFICATION, **PUNISHED}, name=name)
