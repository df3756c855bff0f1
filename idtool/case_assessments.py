"""Assessments stored with the case: the indicators an interview gave, scored by the rules
version in force, kept with that version so an old assessment can always be explained.

A stored assessment is never re-scored: it is explained again under the version it was made
with (`StoredAssessment.explain`). When the rules change, a supervisor may re-assess a case
under the current version (`reassess`): a new assessment beside the old one, audited.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from idtool import database
from idtool.assessment import AssessmentResult, QuestionSource, assess, current_version
from idtool.cases import now_iso
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
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

    @property
    def current(self) -> bool:
        """Made under the rules new assessments use."""
        return self.rules_version == current_version()

    def rebuilt(self) -> AssessmentResult:
        """The result again, from the stored indicators under the stored rules version.

        ValueError (a RulesError for a version this program does not have) when it cannot be.
        """
        indicators = self.result.get("indicators", [])
        return assess(
            [str(i) for i in indicators] if isinstance(indicators, list) else [],
            child=bool(self.result.get("child")),
            exploitation=str(self.result.get("exploitation", "labour")),
            rules_version=self.rules_version,
        )

    def explain(self, lang: str | None = None, form: QuestionSource | None = None) -> str:
        """The reasons under the rules version it was made with (any language); with the
        interview's `form`, which of its questions would establish what is missing."""
        try:
            return self.rebuilt().explain(lang, form)
        except ValueError:
            return _(
                "This assessment was made under rules {version}, which this copy of the program"
                " cannot read: its reasons cannot be shown here."
            ).format(version=self.rules_version)


def evaluate(flow: Flow) -> AssessmentResult:
    """Score the relevant answers of an interview (irrelevant ones are left out)."""
    return assess(flow.indicators(), child=bool(flow.child()), exploitation=flow.exploitation())


def store(session: Session, case_uuid: str, interview_uuid: str, flow: Flow) -> str:
    """Save the assessment of `flow`, the interview `interview_uuid` of the case; call inside
    the caller's transaction."""
    result = evaluate(flow)
    assessment_uuid, _created_at = _insert(session, case_uuid, interview_uuid, result)
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


def reassess(session: Session, case_uuid: str) -> StoredAssessment:
    """Assess the case again under the current rules, as a new assessment (supervisors).

    The latest assessment's indicators, age group and kind of exploitation are scored again;
    it stays as it was, with its version, and so do the decisions already recorded. Refused
    when the latest assessment already uses the current rules.
    """
    session.require(Action.REASSESS)
    with database.transaction(session.conn):
        previous = latest(session, case_uuid)
        version = current_version()
        if previous is None:
            raise InvalidInput(_("This case has no assessment yet: complete an interview first."))
        if previous.rules_version == version:
            raise InvalidInput(
                _("The latest assessment already uses the current rules ({version}).").format(
                    version=version
                )
            )
        try:
            before = previous.rebuilt()
        except ValueError:
            raise InvalidInput(
                _("The stored assessment cannot be read, so it cannot be assessed again.")
            ) from None
        result = assess(before.indicators, child=before.child, exploitation=before.exploitation)
        assessment_uuid, created_at = _insert(session, case_uuid, previous.interview_uuid, result)
        session.audit(
            "assessment.reassess",
            case_uuid,
            {
                "assessment": assessment_uuid,
                "rules": result.rules_version,
                "recommendation": str(result.recommendation),
                "previous": previous.uuid,
                "previous_rules": previous.rules_version,
                "previous_recommendation": previous.recommendation,
            },
        )
    stored = json.loads(json.dumps(result.to_dict()))
    return StoredAssessment(
        assessment_uuid,
        case_uuid,
        previous.interview_uuid,
        result.rules_version,
        str(result.recommendation),
        stored,
        created_at,
    )


def _insert(
    session: Session, case_uuid: str, interview_uuid: str, result: AssessmentResult
) -> tuple[str, str]:
    assessment_uuid = str(uuid.uuid4())
    created_at = now_iso()
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
            created_at,
            session.device_id,
        ),
    )
    return assessment_uuid, created_at


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
