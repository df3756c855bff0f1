"""Ages that contradict each other in one interview's answers, as warnings for the officer.

A warning never blocks the interview (the person may have misremembered; the officer asks
again and corrects one answer, or leaves both and notes why); the wizard shows it beside the
questions concerned and on the summary before the interview is completed.

The rules, each over the answers of the shipped questionnaires (the question names are those of
`ages`):

- the age when the exploitation began is higher than the age now;
- the date of birth gives another age now (in full years on the interview's date, or today)
  than the answer "age now";
- the date of birth gives a lower age now than the age when the exploitation began.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from idtool import dates
from idtool.ages import AGE_NOW, AGE_THEN, full_years
from idtool.i18n import _

BIRTH_DATE = "date_of_birth"
INTERVIEW_DATE = "interview_date"


@dataclass(frozen=True)
class AgeWarning:
    """Which answers contradict each other, and what to tell the officer (translated)."""

    questions: tuple[str, ...]
    message: str


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def _date(value: object) -> date | None:
    return dates.parse_iso(value) if isinstance(value, str) else None


def contradictions(answers: Mapping[str, object], today: date | None = None) -> list[AgeWarning]:
    """The age answers among `answers` (question name -> stored answer) that cannot all be
    true; empty when they agree or too few are given."""
    now, then = _int(answers.get(AGE_NOW)), _int(answers.get(AGE_THEN))
    born = _date(answers.get(BIRTH_DATE))
    day = _date(answers.get(INTERVIEW_DATE)) or today or date.today()
    found: list[AgeWarning] = []
    if now is not None and then is not None and then > now:
        found.append(
            AgeWarning(
                (AGE_NOW, AGE_THEN),
                _(
                    "The age when the exploitation began is higher than the age now. "
                    "Check both answers with the person."
                ),
            )
        )
    if born is not None and born <= day:
        by_birth = full_years(born, day)
        if now is not None and now != by_birth:
            found.append(
                AgeWarning(
                    (BIRTH_DATE, AGE_NOW),
                    _(
                        "The date of birth gives another age now ({years}) than the answer "
                        "about the age now. Check both answers with the person."
                    ).format(years=by_birth),
                )
            )
        if then is not None and then > by_birth:
            found.append(
                AgeWarning(
                    (BIRTH_DATE, AGE_THEN),
                    _(
                        "By the date of birth the person is younger ({years}) than the age "
                        "when the exploitation began. Check both answers with the person."
                    ).format(years=by_birth),
                )
            )
    return found
