"""Cases as tests need them, through the core's own calls: screening answers that strongly
indicate trafficking, and a screened, an assessed, a decided or a documented case."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from idtool import cases, consent, database, decisions, demo, interviews
from idtool.assessment import VERSION_1, assess
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.interviews import Interview
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session

HOLDER = "Жылдызкан Түңгүчбаева"
BIRTH = "1998-04-12"
DOCUMENT = "ID7654321"

# Screening answers that lead to "presumed victim": the assessment recommends identification.
STRONG: dict[str, Any] = dict(demo.STRONG_SCREENING)

# The same person without a single sign of trafficking.
NONE: dict[str, Any] = dict(
    STRONG,
    fear_someone="no",
    documents_taken="no",
    debt="no",
    not_free="no",
    deceived_job="no",
    violence_threats="no",
    unpaid_wages="as_promised",
    excessive_hours="no",
    exploitation_type=["unknown"],
)

# What a child's screening answers differently: 15, a child when exploited, referred by law.
CHILD: dict[str, Any] = {
    "age_now": 15,
    "under_18_at_exploitation": "yes",
    "consent_referral": "child_protection",
}


def screen(
    session: Session,
    case_uuid: str,
    answers: dict[str, Any] = STRONG,
    *,
    language: str = "en",
    complete: bool = True,
) -> Interview:
    """A screening interview of the case with `answers`, completed (so assessed) unless told."""
    interview = interviews.start(session, case_uuid, load_shipped("nrm-screening"), language)
    computed = interviews.computed(session, interview)  # the age, from the date of birth
    for question, value in answers.items():
        if question not in computed:
            interviews.save_answer(session, interview, question, value)
    if complete:
        interviews.complete(session, interview)
    return interview


def assessed_case(
    session: Session,
    answers: dict[str, Any] = STRONG,
    *,
    name: str = "Test Person",
    region: str = "osh",
    birth: str = "",
) -> cases.Case:
    """A new case whose screening with `answers` is completed: it carries an assessment."""
    case = cases.open_case(session, full_name=name, region=region, birth_date=birth)
    screen(session, case.uuid, answers)
    return case


def decided_case(
    session: Session,
    decision: Decision = Decision.IDENTIFIED_VICTIM,
    *,
    name: str = HOLDER,
    birth: str = BIRTH,
) -> cases.Case:
    """An assessed case (STRONG answers) with `decision` recorded, with a reason where it
    departs from the recommendation."""
    case = assessed_case(session, name=name, birth=birth)
    reason = "" if decision == Decision.IDENTIFIED_VICTIM else "checked with the employer"
    decisions.record(session, case.uuid, decision, reason)
    return case


def person_case(
    session: Session,
    name: str = HOLDER,
    *,
    birth: str | None = None,
    document: str = DOCUMENT,
    child: bool = False,
    decide: bool = False,
) -> cases.Case:
    """A case with an identification interview (name, identity card) and a completed screening,
    a child's if `child` (born `birth`, else BIRTH or, for a child, 15 years ago); with
    `decide`, the person is identified as a victim."""
    if birth is None:
        birth = child_birth() if child else BIRTH
    case = cases.open_case(session, full_name=name, region="osh", birth_date=birth)
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
    for question, value in (
        ("full_name", name),
        ("document_type", "id_card"),
        ("document_number", document),
    ):
        interviews.save_answer(session, ident, question, value)
    screen(session, case.uuid, dict(STRONG, **CHILD) if child else STRONG)
    if decide:
        decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    return case


def child_birth(years: int = 15) -> str:
    """A date of birth `years` and about half a year ago."""
    return (date.today() - timedelta(days=365 * years + 190)).isoformat()


def agree(session: Session, case: cases.Case, *orgs: str, guardian: str = "") -> None:
    """The person consents to the interview and to a referral to each of `orgs`."""
    consent.record(session, case.uuid, Purpose.INTERVIEW, State.GIVEN)
    for org in orgs:
        consent.record(
            session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org, guardian=guardian
        )


def consent_to_referral(session: Session, case_uuid: str, org: str) -> None:
    """The person consents to a referral to `org` (and only that)."""
    consent.record(session, case_uuid, Purpose.REFERRAL, State.GIVEN, recipient_id=org)


# An ordinary migrant: version 1 presumed a victim, version 2 does not.
ORDINARY_MIGRANT = [
    "act.recruitment",
    "ec.excessive_hours",
    "ec.low_or_no_salary",
    "ec.bad_living_conditions",
    "rv.economic",
    "rv.family_situation",
    "rv.lack_of_information",
    "vd.unknown_area",
    "vd.economic",
    "vd.family_situation",
]


def case_assessed_under_v1(session: Session, ids: list[str] = ORDINARY_MIGRANT) -> cases.Case:
    """A case whose assessment was stored by the code of version 1 (the same row it wrote)."""
    case = cases.open_case(session, full_name="Test Person", region="osh")
    interview = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "en")
    old = assess(ids, rules_version=VERSION_1)
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO assessments (uuid, case_uuid, interview_uuid, rules_version,"
            " recommendation, result, created_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "a-v1",
                case.uuid,
                interview.uuid,
                old.rules_version,
                str(old.recommendation),
                json.dumps(old.to_dict(), ensure_ascii=False),
                "2024-01-01T00:00:00+00:00",
                session.device_id,
            ),
        )
    return case


def answer_unanswered(
    session: Session, interview_uuid: str, known: dict[str, Any], seed: int = 5
) -> set[str]:
    """Answer, through the core and page by page as an officer would, every question of an
    interview in progress that has no answer yet (`known` values where given, else a strong
    profile's); returns the questions it had to answer."""
    interview = interviews.get(session, interview_uuid)
    form = interviews.form_of(session, interview)
    pick = demo.AnswerPicker(random.Random(seed), "strong", known)
    asked: set[str] = set()

    def flow_for(answers: dict[str, object]) -> Flow:
        return Flow(form, {**interviews.answers(session, interview_uuid), **answers}, "en")

    def save(question: str, value: object) -> None:
        if question not in interviews.answers(session, interview_uuid):
            interviews.save_answer(session, interview, question, value)
            asked.add(question)

    demo.fill(flow_for, form, pick, save)
    return asked
