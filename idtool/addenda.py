"""Addenda: amend a completed interview on the record, instead of running a new one.

An addendum holds the answers it changed, each with what it was before and what it is now, the
officer's reason, and the assessment made again from the amended interview by the rules in
force. One transaction writes the amended answers (`interviews.write_amended`; a personal-data
answer updates the person, as in the interview), the new assessment, the addendum and the
audit entry "interview.amend" (question names only, never an answer). An addendum is never
edited or deleted: the answers as first given stay visible in the first addendum that changed
them. Addenda travel in case packages like decisions.

`amend` refuses, writing nothing:

- an interview still in progress (its answers are changed in the interview itself), or a role
  that may not run its questionnaire;
- no reason, or no answer that actually changes;
- an answer its question cannot take (`questionnaire.answers`, as for a typed answer);
- an answer to a question not asked of this person once the change is made (its condition does
  not hold, so it would not count);
- a change after which the interview is no longer complete (a required answer missing or not
  valid, as `interviews.complete` checks);
- another value for an answer the form works out (`questionnaire.worked_out`): those follow the
  answers they read, and the addendum records them as changed too (a `trigger` does not fire).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from idtool import case_assessments, cases, database, interviews
from idtool.errors import InvalidInput
from idtool.i18n import _, current_language
from idtool.questionnaire import worked_out
from idtool.questionnaire.flow import Flow, is_empty
from idtool.questionnaire.model import Form
from idtool.session import Session

MAX_REASON = 2000


@dataclass(frozen=True)
class Change:
    question: str
    before: object  # None: not answered before
    after: object  # None: the answer taken back


@dataclass(frozen=True)
class Addendum:
    uuid: str
    case_uuid: str
    interview_uuid: str
    changes: tuple[Change, ...]
    reason: str
    assessment_uuid: str
    officer_name: str
    created_at: str


def amend(
    session: Session, interview_uuid: str, answers: Mapping[str, object], reason: str
) -> Addendum:
    """Change `answers` (question -> new answer, None to take one back) of the completed
    interview `interview_uuid`, for `reason`; returns the addendum recorded."""
    interview = interviews.get(session, interview_uuid)
    if interview.in_progress:
        raise InvalidInput(
            _("This interview is still in progress: change the answers in the interview.")
        )
    form = interviews.form_of(session, interview)
    session.require(interviews.action_for(form))
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Give the reason for the addendum."))
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason is too long: at most {limit} characters.").format(limit=MAX_REASON)
        )
    before = interviews.answers(session, interview.uuid)
    if answers.keys() & ({r.name for r in form.repeats()} | form.owners().keys()):
        raise InvalidInput(_("Entries of a repeat are corrected by starting a new interview."))
    new = {q: interviews.checked(session, interview, q, v) for q, v in answers.items()}
    if worked_out.differs(form, before, new, interview.language):
        raise InvalidInput(
            _("This answer is worked out by the questionnaire: it cannot be changed.")
        )
    for question, value in worked_out.wanted(
        form, {**before, **new}, set(), interview.language
    ).items():
        try:  # as the interview stores it: a value that cannot answer its question is none
            new[question] = interviews.checked(session, interview, question, value)
        except InvalidInput:
            new[question] = None
    changed = {q: v for q, v in new.items() if _stored(before.get(q)) != _stored(v)}
    if not changed:
        raise InvalidInput(_("No answer changes: change at least one answer."))
    after = Flow(form, {**before, **changed}, interview.language)
    lang = current_language()
    for question, value in changed.items():
        if not is_empty(value) and not after.is_relevant(question):
            label = form.question(question).label.get(lang, form.default_language)
            raise InvalidInput(
                _("“{question}” is not asked of this person: its answer would not count.").format(
                    question=label
                )
            )
    issues = after.validate()
    if issues:
        raise InvalidInput(
            _(
                "After this change {count} answer(s) would be missing or not valid: amend them too."
            ).format(count=len(issues))
        )
    addendum = Addendum(
        str(uuid.uuid4()),
        interview.case_uuid,
        interview.uuid,
        tuple(Change(q, before.get(q), v) for q, v in sorted(changed.items())),
        reason,
        "",
        session.officer.name,
        cases.now_iso(),
    )
    with database.transaction(session.conn):
        interviews.write_amended(session, interview, changed)
        assessment = case_assessments.store(session, interview.case_uuid, interview.uuid, after)
        addendum = replace(addendum, assessment_uuid=assessment)
        session.conn.execute(
            "INSERT INTO interview_addenda (uuid, case_uuid, interview_uuid, changes, reason,"
            " assessment_uuid, officer_uuid, created_at, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                addendum.uuid,
                addendum.case_uuid,
                addendum.interview_uuid,
                json.dumps([asdict(c) for c in addendum.changes], ensure_ascii=False),
                reason,
                assessment,
                session.officer.uuid,
                addendum.created_at,
                session.device_id,
            ),
        )
        session.audit(
            "interview.amend",
            interview.case_uuid,
            {
                "interview": interview.uuid,
                "addendum": addendum.uuid,
                "questions": [c.question for c in addendum.changes],
                "assessment": assessment,
            },
        )
    return addendum


def question_label(form: Form | None, question: str, lang: str) -> str:
    """A question's label in `lang` (its name when the form or the question is not known)."""
    try:
        found = form.question(question) if form is not None else None
    except KeyError:
        found = None
    return found.label.get(lang, form.default_language) if found and form else question


def _stored(value: object) -> str:
    """An answer as the database compares it (an empty answer is None)."""
    return json.dumps(None if is_empty(value) else value, ensure_ascii=False, sort_keys=True)


def for_case(session: Session, case_uuid: str) -> list[Addendum]:
    """The case's addenda, oldest first; none for an officer who may not read the case's
    answers (`interviews.may_read_answers`): an addendum repeats answers and its reason."""
    if not interviews.may_read_answers(session, case_uuid):
        return []
    rows = session.conn.execute(
        "SELECT a.uuid, a.case_uuid, a.interview_uuid, a.changes, a.reason, a.assessment_uuid,"
        " o.name, a.created_at FROM interview_addenda a"
        " JOIN officers o ON o.uuid = a.officer_uuid WHERE a.case_uuid = ?"
        " ORDER BY a.created_at, a.rowid",
        (case_uuid,),
    ).fetchall()
    return [Addendum(r[0], r[1], r[2], _changes(r[3]), r[4], r[5], r[6], r[7]) for r in rows]


def _changes(text: str) -> tuple[Change, ...]:
    """The changes an addendum recorded (one received from another device is read with care:
    what is not a change is left out)."""
    try:
        found: Any = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(found, list):
        return ()
    return tuple(
        Change(str(c["question"]), c.get("before"), c.get("after"))
        for c in found
        if isinstance(c, dict) and isinstance(c.get("question"), str)
    )
