"""The officer's decision on a case. The assessment advises; the officer decides.

Decisions are never edited or deleted (triggers forbid it): a new decision supersedes the
previous one and both are kept. A decision that departs from the recommendation needs a reason
and puts the case in the supervisor's review queue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from idtool import case_assessments, cases, database
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session


class Decision(StrEnum):
    POSSIBLE_VICTIM = "possible_victim"
    IDENTIFIED_VICTIM = "identified_victim"
    NOT_VICTIM = "not_victim"
    NEEDS_INFORMATION = "needs_information"


DECISION_LABELS = {
    Decision.POSSIBLE_VICTIM: N_("Possible victim"),
    Decision.IDENTIFIED_VICTIM: N_("Identified victim"),
    Decision.NOT_VICTIM: N_("Not identified as a victim"),
    Decision.NEEDS_INFORMATION: N_("Needs more information"),
}

# The decision that follows the recommendation; any other departs from it.
MATCHING_DECISION = {
    "presumed_victim": Decision.IDENTIFIED_VICTIM,
    "possible_victim": Decision.POSSIBLE_VICTIM,
    "no_indication": Decision.NOT_VICTIM,
}

STATUS_FOR = {
    Decision.POSSIBLE_VICTIM: cases.Status.POSSIBLE,
    Decision.IDENTIFIED_VICTIM: cases.Status.IDENTIFIED,
    Decision.NOT_VICTIM: cases.Status.NOT_IDENTIFIED,
    Decision.NEEDS_INFORMATION: cases.Status.NEEDS_INFORMATION,
}


def decision_label(decision: str, lang: str | None = None) -> str:
    return gettext(DECISION_LABELS[Decision(decision)], lang)


@dataclass(frozen=True)
class DecisionRecord:
    uuid: str
    case_uuid: str
    decision: str
    recommendation: str
    against_recommendation: bool
    reason: str
    supersedes: str | None
    officer_uuid: str
    officer_name: str
    decided_at: str
    assessment_uuid: str | None


def departs(decision: Decision, recommendation: str) -> bool:
    return MATCHING_DECISION.get(recommendation) != decision


def record(
    session: Session, case_uuid: str, decision: Decision, reason: str = ""
) -> DecisionRecord:
    """Record the officer's decision on the latest assessment of the case."""
    session.require(Action.DECIDE_STATUS)
    latest = case_assessments.latest(session, case_uuid)
    if latest is None:
        raise InvalidInput(_("Complete an interview before deciding."))
    reason = reason.strip()
    against = departs(decision, latest.recommendation)
    if against and not reason:
        raise InvalidInput(_("The decision differs from the recommendation: give the reason."))
    previous = history(session, case_uuid)
    rec = DecisionRecord(
        str(uuid.uuid4()),
        case_uuid,
        decision.value,
        latest.recommendation,
        against,
        reason,
        previous[-1].uuid if previous else None,
        session.officer.uuid,
        session.officer.name,
        cases.now_iso(),
        latest.uuid,
    )
    with database.transaction(session.conn):
        session.conn.execute(
            "INSERT INTO decisions (uuid, case_uuid, assessment_uuid, decision, recommendation,"
            " against_recommendation, reason, supersedes, officer_uuid, decided_at, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec.uuid,
                case_uuid,
                rec.assessment_uuid,
                rec.decision,
                rec.recommendation,
                int(against),
                reason,
                rec.supersedes,
                rec.officer_uuid,
                rec.decided_at,
                session.device_id,
            ),
        )
        cases.set_status(session, case_uuid, STATUS_FOR[decision], review=against)
        session.audit(
            "decision.record",
            case_uuid,
            {
                "decision": rec.decision,
                "recommendation": rec.recommendation,
                "against_recommendation": against,
                "supersedes": rec.supersedes,
            },
        )
    return rec


def history(session: Session, case_uuid: str) -> list[DecisionRecord]:
    rows = session.conn.execute(
        "SELECT d.uuid, d.case_uuid, d.decision, d.recommendation, d.against_recommendation,"
        " d.reason, d.supersedes, d.officer_uuid, o.name, d.decided_at, d.assessment_uuid"
        " FROM decisions d JOIN officers o ON o.uuid = d.officer_uuid"
        " WHERE d.case_uuid = ? ORDER BY d.decided_at, d.rowid",
        (case_uuid,),
    ).fetchall()
    return [
        DecisionRecord(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], r[8], r[9], r[10])
        for r in rows
    ]
