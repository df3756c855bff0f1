"""What a question may be bound to (`bind:` in the questionnaire): a field of the person
record, a value derived from it, the interview's date, or the person's consent to the interview.

A bound question is never asked twice. Its answer and the person record are kept in step by
`idtool.bound_answers`: what is known about the person is written into the answer when the
interview starts or is opened again, and an answer given updates the person record. A derived
value (`person.age`: the full years from the date of birth to the interview date) is computed
and shown read-only while the date of birth is known, and asked only when it is not.
"""

from __future__ import annotations

from idtool.i18n import _
from idtool.questionnaire.model import Kind, Section
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import RawItem, scalar_text

# bind target -> (person column, the question kinds it may bind)
PERSON = {
    "person.full_name": ("full_name", frozenset({Kind.TEXT})),
    "person.other_names": ("other_names", frozenset({Kind.TEXT})),
    "person.sex": ("sex", frozenset({Kind.SELECT_ONE})),
    "person.birth_date": ("birth_date", frozenset({Kind.DATE})),
    "person.citizenship": ("citizenship", frozenset({Kind.SELECT_ONE, Kind.TEXT})),
    "person.document_number": ("document_number", frozenset({Kind.TEXT})),
}
AGE = "person.age"  # derived: full years from person.birth_date to the interview date
INTERVIEW_DATE = "interview.date"  # the day the age is computed on (else the start day)
# The consent page: the person's decision on the interview (choices `given`, `representative`,
# `refused`) and what they were told (choices `purpose`, `data_use`, `retention`,
# `withdrawal`): a completed interview's answers become the consent record
# (`interview_consent`).
CONSENT_INTERVIEW = "consent.interview"
CONSENT_TOLD = "consent.told"
DERIVED = {AGE: frozenset({Kind.INTEGER})}
OTHER = {
    INTERVIEW_DATE: frozenset({Kind.DATE}),
    CONSENT_INTERVIEW: frozenset({Kind.SELECT_ONE}),
    CONSENT_TOLD: frozenset({Kind.SELECT_MULTIPLE}),
}


def kinds(target: str) -> frozenset[Kind] | None:
    """The question kinds `target` may bind; None for an unknown target."""
    if target in PERSON:
        return PERSON[target][1]
    return DERIVED.get(target) or OTHER.get(target)


def targets() -> tuple[str, ...]:
    return (*PERSON, *DERIVED, *OTHER)


def target(item: RawItem, name: str, kind: Kind, problems: Problems) -> str:
    """The question's bind target as read ("" when none or when it is wrong, reported)."""
    bound = scalar_text(item.values.get("bind"))
    if not bound:
        return ""
    allowed = kinds(bound)
    if allowed is None:
        problems.error(
            item.where,
            _("{value} is not one of: {allowed}").format(value=bound, allowed=", ".join(targets())),
            name,
            item.column("bind"),
        )
        return ""
    if kind not in allowed:
        problems.error(
            item.where,
            _("{target} can be bound only to a question of type {types}").format(
                target=bound, types=", ".join(sorted(k.value for k in allowed))
            ),
            name,
            item.column("bind"),
        )
        return ""
    return bound


def check_once(sections: tuple[Section, ...], problems: Problems) -> None:
    """Each target is bound to one question at most."""
    seen: dict[str, str] = {}
    for section in sections:
        for question in section.walk():
            if not question.bind:
                continue
            if question.bind in seen:
                problems.error(
                    question.source,
                    _("{target} is already bound to question {other}").format(
                        target=question.bind, other=seen[question.bind]
                    ),
                    question.name,
                    "bind",
                )
            seen.setdefault(question.bind, question.name)
