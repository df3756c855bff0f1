"""Assessments stored with the case: the indicators an interview gave, scored by the rules
version in force, kept with that version so an old assessment can always be explained."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from idtool.assessment import AssessmentResult, assess
from idtool.cases import now_iso
from idtool.questionnaire.flow import Flow
from idtool.session import Session


@dataclass(frozen=True)
class StoredAssessment:
    uuid: str
    case_uuid: str
    interview_uuid: str
    rules_version: str
    recommendation: str
    result: dict[str, object]
    created_at: str

    def explain(self, lang: str | None = None) -> str:
        """The reasons, rebuilt from the stored indicators (same rules file, any language)."""
        indicators = self.result.get("indicators", [])
        return assess(
            [str(i) for i in indicators] if isinstance(indicators, list) else [],
            child=bool(self.result.get("child")),
            exploitation=str(self.result.get("exploitation", "labour")),
        ).explain(lang)


def evaluate(flow: Flow) -> AssessmentResult:
    """Score the relevant answers of an interview (irrelevant ones are left out)."""
    return assess(flow.indicators(), child=bool(flow.child()), exploitation=flow.exploitation())


def store(session: Session, case_uuid: str, interview_uuid: str, flow: Flow) -> str:
    """Save the assessment of `flow`, the interview `interview_uuid` of the case; call inside
    the caller's transaction."""
    result = evaluate(flow)
    assessment_uuid = str(uuid.uuid4())
    session.conn.execute(
        "INSERT INTO assessments (uuid, case_uuid, interview_uuid, rules_version,"
        " recommendation, result, created_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            assessment_uuid,
            case_uuid,
            interview_uuid,
            result.rules_version,
            str(result.recommendation),
            json.dumps(result.to_dict(), ensure_ascii=False),
            now_iso(),
            session.device_id,
        ),
    )
    session.audit(
        "assessment.store",
        case_uuid,
        {
            "assessment": assessment_uuid,
            "rules": result.rules_version,
            "recommendation": str(result.recommendation),
        },
    )
    return assessment_uuid


def for_case(session: Session, case_uuid: str) -> list[StoredAssessment]:
    rows = session.conn.execute(
        "SELECT uuid, case_uuid, interview_uuid, rules_version, recommendation, result,"
        " created_at FROM assessments WHERE case_uuid = ? ORDER BY created_at, rowid",
        (case_uuid,),
    ).fetchall()
    return [StoredAssessment(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in rows]


def latest(session: Session, case_uuid: str) -> StoredAssessment | None:
    found = for_case(session, case_uuid)
    return found[-1] if found else None
