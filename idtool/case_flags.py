"""Flags of a case: signs that never count in the assessment but need action all the same.

A questionnaire answer may record a flag (`questionnaire.flag_ids`; the form's `flags:`): today
only those of the non-punishment principle, that the person was arrested or detained, charged,
fined or deported for acts they were made to commit. A case's flags are those of its completed
interviews, worked out from their stored answers with the form version each was run with (as
the indicators are), so they travel wherever the answers travel: in case packages to the
coordinator, and in a referral package when the recipient may receive those answers.

A flagged case is shown as such on the case view, is an item of the supervisor's review queue
(`oversight`), and a referral made for it has legal aid pre-selected (`suggested_services`).
Flags are never indicator ids and never reach `assessment.assess`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from idtool import interviews
from idtool.errors import IdtoolError, NotPermitted
from idtool.i18n import N_, gettext
from idtool.questionnaire.flag_ids import NON_PUNISHMENT
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.model import Form, Kind
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session

FLAG_LABELS = {
    "np.detained": N_("arrest or detention"),
    "np.charged": N_("charge or prosecution"),
    "np.fined": N_("fine"),
    "np.deported": N_("deportation or entry ban"),
}
# The services a referral for a flagged case starts with (directory service codes).
SERVICES = {flag: ("legal_aid",) for flag in NON_PUNISHMENT}


@dataclass(frozen=True)
class FlaggedCase:
    case_uuid: str
    case_number: str
    since: str  # when the first interview that recorded a flag was completed (ISO time)
    flags: tuple[str, ...]  # in the order of NON_PUNISHMENT


def ordered(flags: Iterable[str]) -> tuple[str, ...]:
    found = set(flags)
    return tuple(f for f in NON_PUNISHMENT if f in found) + tuple(
        sorted(found - set(NON_PUNISHMENT))
    )


def flag_label(flag: str, lang: str | None = None) -> str:
    """A flag in words; a flag from a newer version of the program is shown as it is."""
    return gettext(FLAG_LABELS[flag], lang) if flag in FLAG_LABELS else flag


def describe(flags: Iterable[str], lang: str | None = None) -> str:
    """What happened to the person, e.g. "arrest or detention; deportation or entry ban"."""
    return "; ".join(flag_label(f, lang) for f in ordered(flags))


def has_non_punishment(flags: Iterable[str]) -> bool:
    return any(f in NON_PUNISHMENT for f in flags)


def _form(session: Session, interview: interviews.Interview) -> Form | None:
    try:
        return interviews.form_of(session, interview)
    except IdtoolError:  # a form version this device lacks: its flags cannot be read here
        return None


def for_interview(session: Session, interview: interviews.Interview) -> frozenset[str]:
    """The interview's flags; none for an officer who may not read its answers (a prosecutor
    without the person's consent to law enforcement: the flags come from the answers)."""
    form = _form(session, interview)
    if form is None or not form.flag_ids():
        return frozenset()
    try:
        stored = interviews.answers(session, interview.uuid)
    except NotPermitted:
        return frozenset()
    return Flow(form, stored).flags()


def for_case(session: Session, case_uuid: str) -> tuple[str, ...]:
    """The flags of the case's completed interviews."""
    found: set[str] = set()
    for interview in interviews.for_case(session, case_uuid):
        if not interview.in_progress:
            found |= for_interview(session, interview)
    return ordered(found)


def services_for(flags: Iterable[str]) -> tuple[str, ...]:
    """The services a referral starts with for these flags (legal aid for a non-punishment
    flag); the officer may untick them."""
    return tuple(dict.fromkeys(code for flag in flags for code in SERVICES.get(flag, ())))


def suggested_services(session: Session, case_uuid: str) -> tuple[str, ...]:
    return services_for(for_case(session, case_uuid))


def _sources(form: Form) -> set[str]:
    """The questions whose answers can make a flag: those with `flags`, and for a calculation
    with flags every question it reads, through other calculations."""
    names: set[str] = set()
    todo = [q for q in form.questions() if q.flags]
    while todo:
        question = todo.pop()
        if question.name in names:
            continue
        names.add(question.name)
        if question.kind is Kind.CALCULATE and question.calculation is not None:
            for ref in question.calculation.references():
                try:
                    todo.append(form.question(ref))
                except KeyError:
                    continue
    owners = form.owners()  # a question inside a repeat is stored under the repeat's name
    return {owners.get(name, name) for name in names}


def flagged_cases(session: Session) -> list[FlaggedCase]:
    """Every case with a flag, oldest first. Only interviews that answered a question able to
    make a flag are read again (one index look-up per interview finds them)."""
    conn = session.conn
    by_case: dict[str, tuple[str, str, set[str]]] = {}
    versions = conn.execute(
        "SELECT DISTINCT form_id, form_version FROM interviews WHERE state = 'completed'"
    ).fetchall()
    for form_id, version in versions:
        try:
            form = load_shipped(form_id, version, installed=session.installed_forms)
        except IdtoolError:
            continue
        sources = sorted(_sources(form))
        if not sources:
            continue
        marks = ", ".join("?" for _ in sources)
        rows = conn.execute(
            "SELECT i.uuid, i.case_uuid, c.number, COALESCE(i.completed_at, i.started_at)"
            " FROM interviews i JOIN cases c ON c.uuid = i.case_uuid"
            " WHERE i.state = 'completed' AND i.form_id = ? AND i.form_version = ?"
            " AND EXISTS (SELECT 1 FROM answers a WHERE a.interview_uuid = i.uuid"
            f"   AND a.question IN ({marks}))",
            (form_id, version, *sources),
        ).fetchall()
        for interview_uuid, case_uuid, number, at in rows:
            flags = Flow(form, interviews.answers(session, interview_uuid)).flags()
            if not flags:
                continue
            _number, since, found = by_case.setdefault(case_uuid, (number, at, set()))
            found |= flags
            if at < since:
                by_case[case_uuid] = (number, at, found)
    cases = [
        FlaggedCase(case_uuid, number, since, ordered(found))
        for case_uuid, (number, since, found) in by_case.items()
    ]
    return sorted(cases, key=lambda c: (c.since, c.case_number))
