"""Cases with a criminal-justice link, for the link, alarm and statistics tests."""

from __future__ import annotations

from typing import Any

from idtool import cases, cj_link, consent, decisions, interviews, oversight
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from tests.support.cases import NONE, STRONG, screen


def case_with(
    session: Session,
    *,
    strong: bool = True,
    agreed: bool = False,
    decision: Decision | None = None,
    offences: list[str] | None = None,
    link: dict[str, Any] | None = None,
) -> cases.Case:
    """A case screened with STRONG (or NONE) answers; the person agreed to report when
    `agreed`; `decision` recorded; the identification interview's answer on acts the person
    was made to commit; then `link` (keyword arguments of `cj_link.record`)."""
    case = cases.open_case(session, full_name="Test Person", region="osh")
    if offences is not None:
        ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "en")
        interviews.save_answer(session, ident, "forced_offences", offences)
    screen(session, case.uuid, STRONG if strong else NONE)
    if agreed:
        consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    if decision is not None:
        reason = "" if decision == Decision.IDENTIFIED_VICTIM else "checked"
        decisions.record(session, case.uuid, decision, reason)
    if link is not None:
        cj_link.record(session, case.uuid, **link)
    return case


def kinds(session: Session, case: cases.Case) -> set[str]:
    """The review queue's criminal-justice alarm kinds for `case`."""
    return {
        str(i.kind)
        for i in oversight.queue(session)
        if i.case_uuid == case.uuid and i.kind in oversight.CRIMINAL_JUSTICE
    }
