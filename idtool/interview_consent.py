"""The consent page of an interview becomes the consent record: nobody records it twice.

The questions bound to `consent.interview` and `consent.told` (`questionnaire.binds`) hold the
person's decision on the interview and what they were told. When the interview is completed,
`record` stores them as the consent record for the interview (`consent.record`, with its
checks), unless the current record already says the same. When `consent.record` refuses (a
child, whose assent and guardian the interview does not name; a consent given without every
point told), nothing is recorded and the officer records it in the consent dialog as before.
"""

from __future__ import annotations

from idtool import consent, interviews
from idtool.errors import InvalidInput
from idtool.questionnaire import binds
from idtool.session import Session

DECISIONS = {
    "given": consent.State.GIVEN,
    "representative": consent.State.GIVEN,
    "refused": consent.State.REFUSED,
}
# the choices of the consent.told question -> consent.TOLD
TOLD = {
    "purpose": "purpose",
    "data_use": "use",
    "retention": "retention",
    "withdrawal": "withdrawal",
}


def wanted(
    session: Session, interview: interviews.Interview
) -> tuple[consent.State, tuple[str, ...]] | None:
    """The consent to the interview its answers record: (state, what was told), or None."""
    bound = interviews.form_of(session, interview).bound()
    stored = interviews.answers(session, interview.uuid)
    decision = stored.get(bound.get(binds.CONSENT_INTERVIEW, ""))
    if not isinstance(decision, str) or decision not in DECISIONS:
        return None
    told_answer = stored.get(bound.get(binds.CONSENT_TOLD, ""))
    chosen = told_answer if isinstance(told_answer, list) else []
    told = tuple(point for choice, point in TOLD.items() if choice in chosen)
    return DECISIONS[decision], told


def record(session: Session, interview_uuid: str) -> consent.ConsentRecord | None:
    """Record the consent a completed interview's consent page gives; None when it gives none,
    the current record says the same already, or `consent.record` refuses it."""
    interview = interviews.get(session, interview_uuid)
    if interview.in_progress:
        return None
    found = wanted(session, interview)
    if found is None:
        return None
    state, told = found
    current = consent.current(session, interview.case_uuid).get((consent.Purpose.INTERVIEW, ""))
    if current is not None and current.state == state and set(current.told) >= set(told):
        return None
    try:
        return consent.record(
            session, interview.case_uuid, consent.Purpose.INTERVIEW, state, told=told
        )
    except InvalidInput:
        return None
