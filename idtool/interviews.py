"""Interviews: start one on a case, save every answer as it is given, resume, complete.

Each answer is written in its own transaction the moment it is given, so a crash or a pulled
plug loses nothing that was answered. Answers to questions that later become irrelevant stay
stored but are left out of the assessment and documents (the flow's `effective_answers`).
A completed interview's answers change only through an addendum (`addenda`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from idtool import case_assessments, cases, database, person_answers, records
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import LANGUAGES, _
from idtool.policy import Action, Role
from idtool.questionnaire import worked_out
from idtool.questionnaire.answers import check as check_answer
from idtool.questionnaire.flow import Flow, computed_questions, started_answers
from idtool.questionnaire.model import Form, FormKind
from idtool.questionnaire.registry import available_forms, load_shipped
from idtool.session import Session

Answers = Mapping[str, object]


@dataclass(frozen=True)
class Interview:
    uuid: str
    case_uuid: str
    form_id: str
    form_version: str
    language: str
    state: str
    current_section: str
    started_at: str
    completed_at: str | None
    officer_uuid: str

    @property
    def in_progress(self) -> bool:
        return self.state == "in_progress"


_COLUMNS = (
    "uuid, case_uuid, form_id, form_version, language, state, current_section,"
    " started_at, completed_at, officer_uuid"
)


def action_for(form: Form) -> Action:
    return (
        Action.SCREENING_INTERVIEW
        if form.kind is FormKind.SCREENING
        else Action.IDENTIFICATION_INTERVIEW
    )


def forms_for(session: Session) -> list[Form]:
    """The shipped questionnaires this officer's role may run."""
    shipped = available_forms(installed=session.installed_forms)
    return [f.form for f in shipped if session.can(action_for(f.form))]


def start(session: Session, case_uuid: str, form: Form, language: str) -> Interview:
    session.require(action_for(form))
    if language not in LANGUAGES:
        raise InvalidInput(_("Choose the interview language."))
    cases.get_case(session, case_uuid, audit_view=False)  # must exist
    interview = Interview(
        str(uuid.uuid4()),
        case_uuid,
        form.form_id,
        form.version,
        language,
        "in_progress",
        form.sections[0].name,
        cases.now_iso(),
        None,
        session.officer.uuid,
    )
    with database.transaction(session.conn):
        session.conn.execute(
            f"INSERT INTO interviews ({_COLUMNS}, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            (*interview.__dict__.values(), session.device_id),
        )
        for question, value in started_answers(form).items():  # the interview's date: today
            _write(session, interview, question, value)
        session.audit(
            "interview.start",
            case_uuid,
            {"interview": interview.uuid, "form": form.form_id, "version": form.version},
        )
        _from_person(session, interview, form)
        _worked_out(session, interview, form, None)
        _keep_once(session, interview, form)
    return interview


def get(session: Session, interview_uuid: str) -> Interview:
    row = session.conn.execute(
        f"SELECT {_COLUMNS} FROM interviews WHERE uuid = ?", (interview_uuid,)
    ).fetchone()
    if row is None:
        raise InvalidInput(_("This interview does not exist."))
    return Interview(*row)


def for_case(session: Session, case_uuid: str) -> list[Interview]:
    rows = session.conn.execute(
        f"SELECT {_COLUMNS} FROM interviews WHERE case_uuid = ? ORDER BY started_at, rowid",
        (case_uuid,),
    ).fetchall()
    return [Interview(*r) for r in rows]


def form_of(session: Session, interview: Interview) -> Form:
    """The questionnaire exactly as the interview was run (old versions stay loadable)."""
    return load_shipped(
        interview.form_id, interview.form_version, installed=session.installed_forms
    )


def answers(session: Session, interview_uuid: str) -> dict[str, object]:
    """The interview's stored answers. A prosecutor reads them only when the person's latest
    consent to law enforcement is "given" (the prosecutor's office receives what that consent
    allows); otherwise NotPermitted: the link and the assessment are theirs, not the story."""
    if session.officer.role == Role.PROSECUTOR:
        case_uuid = get(session, interview_uuid).case_uuid
        if not may_read_answers(session, case_uuid):
            raise NotPermitted(
                _(
                    "The person has not consented to share their answers with law "
                    "enforcement: a prosecutor sees the assessment and the criminal-justice "
                    "link only."
                )
            )
    rows = session.conn.execute(
        "SELECT question, value FROM answers WHERE interview_uuid = ?", (interview_uuid,)
    )
    return {q: json.loads(v) for q, v in rows}


def may_read_answers(session: Session, case_uuid: str) -> bool:
    """Whether the officer may read the case's answers (and what repeats them: addenda): a
    prosecutor only with the person's consent to law enforcement."""
    return session.officer.role != Role.PROSECUTOR or _law_enforcement_consent(session, case_uuid)


def _law_enforcement_consent(session: Session, case_uuid: str) -> bool:
    """Whether the case's latest consent to law enforcement is "given" (`consent.is_given`,
    which this module cannot import: consent depends on interviews through `ages`)."""
    row = session.conn.execute(
        "SELECT state FROM consents WHERE case_uuid = ? AND purpose = 'law_enforcement'"
        " AND recipient_id = '' ORDER BY recorded_at DESC, rowid DESC LIMIT 1",
        (case_uuid,),
    ).fetchone()
    return row is not None and row[0] == "given"


def _require_open(session: Session, interview: Interview) -> None:
    # The stored state counts, not the caller's copy (which may be stale).
    if not get(session, interview.uuid).in_progress:
        raise NotPermitted(
            _(
                "This interview is completed: correct it with an addendum (Amend…) or start "
                "a new one."
            )
        )
    session.require(action_for(form_of(session, interview)))


def save_answer(session: Session, interview: Interview, question: str, value: object) -> object:
    """Store one answer at once and return it as stored (None clears it).

    The value is first converted and checked against its question (`questionnaire.answers`):
    an unknown question, or a value that cannot answer it, is refused with an AnswerError
    naming the question, and nothing is written. An answer bound to the person record updates
    it; an answer worked out from it or by the form (`computed`) is refused unless it is the
    same. A question whose `trigger` names this one gets its calculation stored."""
    _require_open(session, interview)
    form = form_of(session, interview)
    value = checked(session, interview, question, value)
    if question in computed(session, interview):
        _refuse_computed(session, interview, form, {question: value})
        stored = answers(session, interview.uuid)
        if question not in computed_questions(form) and value != stored.get(question):
            raise InvalidInput(
                _("This answer is worked out from the date of birth: correct the date of birth.")
            )
        return value  # the value worked out already
    before = answers(session, interview.uuid)
    with database.transaction(session.conn):
        _write(session, interview, question, value)
        _from_person(session, interview, form)
        _worked_out(session, interview, form, before, (question,))
        _keep_once(session, interview, form)
    return value


def _refuse_computed(session: Session, interview: Interview, form: Form, given: Answers) -> None:
    """InvalidInput unless each answer `given` to a question the form works out is the value
    worked out from the answers after the write (`questionnaire.worked_out`)."""
    if worked_out.differs(form, answers(session, interview.uuid), given, interview.language):
        raise InvalidInput(
            _("This answer is worked out by the questionnaire: it cannot be changed.")
        )


def _worked_out(
    session: Session,
    interview: Interview,
    form: Form,
    before: Answers | None,
    given: Collection[str] = (),
) -> None:
    """Store what the form works out (`questionnaire.worked_out`) after the officer's answers
    changed from `before` (None: no answer of theirs); an answer `given` in the same call is
    the officer's and no trigger overwrites it. Inside the caller's transaction."""
    stored = answers(session, interview.uuid)
    answered = worked_out.changed(before, stored) if before is not None else set()
    wanted = worked_out.wanted(form, stored, answered, interview.language)
    for question, value in wanted.items():
        if question in given:
            continue
        try:
            if form.question(question).kind.takes_answer and value is not None:
                value = checked(session, interview, question, value)
        except InvalidInput:
            value = None  # what the form works out cannot answer its question: no answer
        if value is not None or stored.get(question) is not None:
            _write(session, interview, question, value)


def save_answers(
    session: Session,
    interview: Interview,
    given: Mapping[str, object],
    messages: str | None = None,
) -> dict[str, object]:
    """Store several answers together, all or none: every one is checked first (`checked`),
    and the first that cannot answer its question raises its AnswerError (in the language
    `messages`, by default the interview's) with nothing written. Returns them as stored.
    A computed answer is refused unless it is the value worked out; triggers fire."""
    _require_open(session, interview)
    form = form_of(session, interview)
    stored = {q: checked(session, interview, q, v, messages) for q, v in given.items()}
    _refuse_computed(session, interview, form, stored)
    before = answers(session, interview.uuid)
    with database.transaction(session.conn):
        for question, value in stored.items():
            _write(session, interview, question, value)
        _worked_out(session, interview, form, before, stored)
        _keep_once(session, interview, form_of(session, interview))
    return stored


def checked(
    session: Session,
    interview: Interview,
    question: str,
    value: object,
    messages: str | None = None,
) -> object:
    """`value` as it would be stored for `question` (AnswerError if it cannot answer it, in
    the language `messages`, by default the interview's)."""
    form = form_of(session, interview)
    value = check_answer(form, question, value, messages or interview.language)
    # An answer bound to the person record is stored as the record keeps it.
    return cases.clean_person_value(person_answers.column(form, question), value)


def _write(session: Session, interview: Interview, question: str, value: object) -> None:
    session.conn.execute(
        "INSERT INTO answers (interview_uuid, question, value, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (interview_uuid, question)"
        " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (interview.uuid, question, json.dumps(value, ensure_ascii=False), cases.now_iso()),
    )
    column = person_answers.column(form_of(session, interview), question)
    if column and isinstance(value, str) and value:
        person = cases.get_case(session, interview.case_uuid, audit_view=False).person
        if getattr(person, column) != value:
            cases.update_person(session, interview.case_uuid, {column: value})


def _from_person(session: Session, interview: Interview, form: Form) -> None:
    """Answer the bound questions as the person record says (`person_answers`); inside the
    caller's transaction. A value that cannot answer its question is left out."""
    person = cases.get_case(session, interview.case_uuid, audit_view=False).person
    stored = answers(session, interview.uuid)
    for question, value in person_answers.wanted(
        form, person, stored, interview.started_at
    ).items():
        try:
            value = checked(session, interview, question, value)
        except InvalidInput:
            continue
        _write(session, interview, question, value)


def _keep_once(session: Session, interview: Interview, form: Form) -> None:
    """Store the calculations that call once() the first time they have a value (inside the
    caller's transaction), so once(uuid()) keeps one id for the interview."""
    if not any(q.calculation is not None and q.calculation.calls("once") for q in form.questions()):
        return
    found = Flow(form, answers(session, interview.uuid), interview.language).once_values()
    for question, value in found.items():
        _write(session, interview, question, value)


def refresh_from_person(session: Session, interview: Interview) -> None:
    """Bring an interview in progress in step with the person record (the person's details
    may have been edited since it was last open); a completed one is left as recorded."""
    form = form_of(session, interview)
    if not get(session, interview.uuid).in_progress or not session.can(action_for(form)):
        return  # as recorded; or read by an officer who may not answer it
    with database.transaction(session.conn):
        _from_person(session, interview, form)
        _worked_out(session, interview, form, None)


def computed(session: Session, interview: Interview) -> frozenset[str]:
    """The questions worked out, shown read-only: from the person record (`person_answers`)
    and by the form itself (a calculation on an asked question, `computed_questions`)."""
    form = form_of(session, interview)
    person = cases.get_case(session, interview.case_uuid, audit_view=False).person
    return person_answers.computed(form, person) | computed_questions(form)


def write_amended(session: Session, interview: Interview, answers: dict[str, object]) -> None:
    """Store the answers an addendum changes in a completed interview, checked (`checked`)
    and allowed by `addenda.amend`; call inside its transaction."""
    for question, value in answers.items():
        _write(session, interview, question, value)


def set_section(session: Session, interview: Interview, section: str) -> None:
    """Remember the page the officer is on, so a paused interview resumes there."""
    with database.transaction(session.conn):
        session.conn.execute(
            "UPDATE interviews SET current_section = ? WHERE uuid = ?", (section, interview.uuid)
        )


def set_language(session: Session, interview: Interview, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(_("Choose the interview language."))
    with database.transaction(session.conn):
        session.conn.execute(
            "UPDATE interviews SET language = ? WHERE uuid = ?", (language, interview.uuid)
        )


def flow(session: Session, interview: Interview, lang: str | None = None) -> Flow:
    form = form_of(session, interview)
    return Flow(form, answers(session, interview.uuid), lang or interview.language)


def complete(session: Session, interview: Interview) -> str:
    """Close the interview once every relevant required answer is valid; returns the id of
    the assessment stored with it."""
    _require_open(session, interview)
    current = flow(session, interview)
    issues = current.validate()
    if issues:
        raise InvalidInput(
            _("{count} answer(s) are missing or not valid.").format(count=len(issues))
        )
    with database.transaction(session.conn):
        records.update(
            session.conn,
            "interviews",
            {"state": "completed", "completed_at": cases.now_iso()},
            "uuid = ?",
            (interview.uuid,),
            session.device_id,
        )
        assessment_uuid = case_assessments.store(
            session, interview.case_uuid, interview.uuid, current
        )
        session.audit("interview.complete", interview.case_uuid, {"interview": interview.uuid})
    return assessment_uuid
