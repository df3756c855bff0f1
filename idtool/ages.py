"""Age now and age at the time of exploitation, and which of them decides what.

The age **at the time of exploitation** decides only the legal definition: the assessment's
`child` (for a child, act and purpose suffice; means need not be shown), set by the
questionnaire's child rule. The age **now** decides everything that protects a child today:
whether the person consents for themselves or a child's assent and a guardian's or child
protection's involvement are recorded (`consent.record`, the consent dialog), safeguarding, and
the referral to child protection without consent (`referrals.legal_basis`). An adult who was
exploited as a child consents like any adult: nothing about them goes to child protection
without their consent.

`child_now` reads the evidence the case holds:

1. The age now, from the person's date of birth (typed when the case was opened, in the
   person's details, or answered in an interview) and from the latest answer "age now" of the
   case's interviews. A stated age may be an estimate and was true on the day it was given: it
   counts plus the full years since (17 given today: under 18; 17 given thirteen months ago:
   18). The person is a child when either says under 18: when the date of birth and the
   stated age disagree, in doubt, a child.
2. With no age now at all: the latest answer "age when the exploitation began", when it is
   under 18. The person is at least that old now, plus the full years since it was given, and
   is a child while that is under 18 (they could still be under 18); once it reaches 18 they
   cannot be, and are an adult.
3. With no age at all, when the latest assessment found the person was a child at the time of
   exploitation (say the age then was only "possibly under 18"): nothing bounds the age now,
   the person could still be under 18 and is treated as a child: in doubt, a child.
4. Otherwise (no age, not a child at the time of exploitation): an adult, whose consent every
   referral needs.

Only answers the interview's flow counts are read (an answer to a question that became
irrelevant is left out, as it is from the assessment and documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from idtool import case_assessments, cases, dates, interviews
from idtool.session import Session

ADULT = 18
# The questions of the shipped questionnaires that state an age (the age now is bound to
# `person.age`: computed from the date of birth when it is known, see `person_answers`).
AGE_NOW = "age_now"
AGE_THEN = "age_at_exploitation"


@dataclass(frozen=True)
class Stated:
    """An age in full years, as it was given on a day."""

    years: int
    on: date


@dataclass(frozen=True)
class AgeEvidence:
    """What a case says about the person's age (see the module's docstring)."""

    birth_date: date | None = None
    age_now: Stated | None = None
    age_then: Stated | None = None
    child_then: bool = False


full_years = dates.full_years


def youngest_now(evidence: AgeEvidence, today: date) -> int | None:
    """The youngest the person may be today by the evidence, in full years (rules 1 and 2 of
    the module's docstring); None when nothing says."""
    now = [full_years(evidence.birth_date, today)] if evidence.birth_date is not None else []
    if evidence.age_now is not None:
        now.append(evidence.age_now.years + full_years(evidence.age_now.on, today))
    if now:
        return min(now)
    then = evidence.age_then
    if then is not None and (then.years < ADULT or not evidence.child_then):
        return then.years + full_years(then.on, today)
    return None


def is_child_now(evidence: AgeEvidence, today: date | None = None) -> bool:
    """Under 18 now, or possibly so (rules 1-4 of the module's docstring)."""
    youngest = youngest_now(evidence, today or date.today())
    if youngest is not None:
        return youngest < ADULT
    return evidence.child_then


def evidence(session: Session, case_uuid: str) -> AgeEvidence:
    """What the case holds about the person's age: the date of birth, the latest answers that
    state an age (with the day each was given) and the latest assessment's `child`."""
    case = cases.get_case(session, case_uuid, audit_view=False)
    stated: dict[str, Stated] = {}
    given: dict[tuple[str, str], str] = {
        (str(r[0]), str(r[1])): str(r[2])
        for r in session.conn.execute(
            "SELECT a.interview_uuid, a.question, a.updated_at FROM answers a"
            " JOIN interviews i ON i.uuid = a.interview_uuid"
            " WHERE i.case_uuid = ? AND a.question IN (?, ?)",
            (case_uuid, AGE_NOW, AGE_THEN),
        )
    }
    latest: dict[str, str] = {}
    for interview in interviews.for_case(session, case_uuid):
        wanted = [q for q in (AGE_NOW, AGE_THEN) if (interview.uuid, q) in given]
        if not wanted:
            continue
        answers = interviews.flow(session, interview).effective_answers()
        for question in wanted:
            value, at = answers.get(question), given[(interview.uuid, question)]
            on = _day(at)
            if type(value) is int and on is not None and at >= latest.get(question, ""):
                stated[question], latest[question] = Stated(value, on), at
    assessment = case_assessments.latest(session, case_uuid)
    return AgeEvidence(
        birth_date=dates.parse_iso(case.person.birth_date),
        age_now=stated.get(AGE_NOW),
        age_then=stated.get(AGE_THEN),
        child_then=bool(assessment and assessment.result.get("child")),
    )


def child_now(session: Session, case_uuid: str, today: date | None = None) -> bool:
    """Whether the person of the case is, or may still be, under 18 now."""
    return is_child_now(evidence(session, case_uuid), today)


def _day(iso: str) -> date | None:
    try:
        return dates.local_moment(iso).date()
    except ValueError:
        return None
