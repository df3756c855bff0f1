"""The facts of each screened case as HTCDS 2.0 values: no name, date, number or free text.

The statistics' cached facts give the year, first-responder type, outcome, sex, age group,
citizenship, country and types of exploitation (`stats.facts.htcds_rows`); the rest is read here
once for all cases: the latest answers about the industry, the sexual exploitation and the
recruitment, the indicators of the latest assessment (methods of control), the role of the
officer of the latest decision, the case's status and the types of the organisations it was
referred to. A case imported from a partner's spreadsheet keeps the partner's facts for what
our own records do not say.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from idtool import directory
from idtool.htcds import mapping as m
from idtool.htcds.standard import OURS, SEPARATOR
from idtool.session import Session
from idtool.stats import facts
from idtool.stats.labels import iso_code

COLUMNS = (
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferredOrganisation",
    f"{OURS}year",
    f"{OURS}age_group",
    f"{OURS}is_minor",
    f"{OURS}first_responder_type",
)
ANSWERS = ("sector", "sexual_exploitation_forms", *m.RECRUITMENT_QUESTIONS)

Row = dict[str, str]


def _joined(found: Iterable[str]) -> str:
    return SEPARATOR.join(sorted(found))


def _codes(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    try:
        loaded = json.loads(value)
    except ValueError:
        return ()
    items = loaded if isinstance(loaded, list) else [loaded]
    return tuple(str(v) for v in items if isinstance(v, str))


def _country(list_name: str, code: str) -> str:
    return iso_code(list_name, code) if code not in ("unknown", "other", "stateless") else ""


def _minor(age_group: str) -> str:
    if age_group == "unknown":
        return "unknown"
    return "true" if age_group in ("0-11", "12-17") else "false"


def _answers(session: Session) -> dict[str, dict[str, tuple[str, ...]]]:
    marks = ", ".join("?" * len(ANSWERS))
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for case, question, value in session.conn.execute(
        "SELECT i.case_uuid, a.question, a.value FROM answers a"
        " JOIN interviews i ON i.uuid = a.interview_uuid"
        f" WHERE a.question IN ({marks}) ORDER BY i.started_at, i.rowid",
        ANSWERS,
    ):
        out.setdefault(case, {})[question] = _codes(value)  # the latest interview wins
    return out


def _indicators(session: Session) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for case, result in session.conn.execute(
        "SELECT case_uuid, result FROM assessments ORDER BY created_at, rowid"
    ):
        loaded = json.loads(result)
        out[case] = tuple(str(i) for i in loaded.get("indicators", ()))
    return out


def _deciders(session: Session) -> dict[str, str]:
    return {
        str(case): str(role)
        for case, role in session.conn.execute(
            "SELECT d.case_uuid, o.role FROM decisions d JOIN officers o ON o.uuid = d.officer_uuid"
            " ORDER BY d.decided_at, d.rowid"
        )
    }


def _referred(session: Session) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    types: dict[str, str] = {}
    for case, recipient in session.conn.execute("SELECT case_uuid, recipient_id FROM referrals"):
        if recipient not in types:
            org = directory.find(session.conn, recipient)
            types[recipient] = org.type if org is not None else ""
        value = m.ORGANISATION.get(types[recipient], "")
        if value:
            out.setdefault(case, set()).add(value)
    return out


def _statuses(session: Session) -> dict[str, str]:
    return {str(c): str(s) for c, s in session.conn.execute("SELECT uuid, status FROM cases")}


def _partner(session: Session) -> dict[str, dict[str, Any]]:
    return {
        str(case): json.loads(found)
        for case, found in session.conn.execute("SELECT case_uuid, facts FROM partner_imports")
    }


# What a partner's spreadsheet said of the status holds until a decision or a referral is made
# here; any other fact of theirs fills only what our own records leave empty.
_STATUS_FIELDS = ("vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", "cas_Status")


def _fill(row: Row, theirs: dict[str, Any], decided: bool) -> None:
    for name, value in theirs.items():
        if name not in row or not isinstance(value, str) or not value:
            continue
        if not row[name] or (name in _STATUS_FIELDS and not decided):
            row[name] = value


def case_rows(session: Session, scope: facts.Scope | None = None) -> list[Row]:
    """One row of HTCDS values per screened case in scope (no case identifier)."""
    cached = facts.htcds_rows(session, scope or facts.Scope())
    answers, indicators = _answers(session), _indicators(session)
    deciders, referred = _deciders(session), _referred(session)
    statuses, partner = _statuses(session), _partner(session)
    rows: list[Row] = []
    for case, year, role, outcome, sex, age, citizenship, country, types in cached:
        said = answers.get(case, {})
        recruitment = [c for q in m.RECRUITMENT_QUESTIONS for c in said.get(q, ())]
        industry = m.values(m.INDUSTRY, said.get("sector", ()))
        row = {
            "vic_TraffickingStatus": m.STATUS.get(outcome, ""),
            "vic_TraffickingStatusDecisionMakingOrg": m.DECIDER.get(deciders.get(case, ""), ""),
            "prs_Gender": m.GENDER.get(sex, ""),
            "prs_Citizenship": _country("citizenship", citizenship),
            "vic_TypeOfExploitation": _joined(m.values(m.EXPLOITATION, types)),
            # A single-choice field: left empty when the answers name several industries.
            "vic_ForcedLabourIndustry": industry.pop() if len(industry) == 1 else "",
            "vic_TypeOfSexExploitation": _joined(
                m.values(m.SEX_EXPLOITATION, said.get("sexual_exploitation_forms", ()))
            ),
            "vic_MethodsOfControl": _joined(m.control(indicators.get(case, ()))),
            "vic_MethodOfRecruitment": _joined(m.values(m.RECRUITMENT, recruitment)),
            "vic_LocationOfExploitation": _country("country", country),
            "cas_Status": m.CASE_STATUS.get(statuses.get(case, ""), ""),
            "cas_ReferredOrganisation": _joined(referred.get(case, ())),
            f"{OURS}year": year,
            f"{OURS}age_group": age,
            f"{OURS}is_minor": _minor(age),
            f"{OURS}first_responder_type": role,
        }
        _fill(row, partner.get(case, {}), decided=case in deciders or case in referred)
        rows.append(row)
    return rows
