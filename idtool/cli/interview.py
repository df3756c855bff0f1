"""Commands: interview start | answer | complete | list | show, between `case new` and `decide`
(`cli.casework`). What is printed holds no answer: ids, question names and labels, counts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from idtool.cli import common
from idtool.cli.casework import case_by_number, number_of_case, quiet
from idtool.errors import IdtoolError, InvalidInput, NotPermitted
from idtool.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, gettext

if TYPE_CHECKING:
    from idtool.interviews import Interview
    from idtool.questionnaire.answers import AnswerError
    from idtool.questionnaire.model import Form
    from idtool.session import Session

# The core modules a command needs are imported inside it (start-up time, see `cli.casework`).
STATE_LABELS = {"in_progress": N_("in progress"), "completed": N_("completed")}
SHOWN_ISSUES = 10  # question names listed when an interview cannot be completed


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    i = sub.add_parser("interview", help=_("interviews: start, answer, complete"))
    isub = i.add_subparsers(dest="interview_command", required=True, metavar="COMMAND")

    p = isub.add_parser("start", help=_("start an interview on a case"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--form",
        metavar="FORM_ID",
        help=_("the questionnaire, for example nrm-screening (default: the screening)"),
    )
    p.add_argument(
        "--lang",
        "--language",
        dest="interview_language",
        choices=LANGUAGES,
        help=_("the language the questions are read to the person in (default: the messages')"),
    )
    quiet(p, _("print only the interview's id"))
    p.set_defaults(func=cmd_start)

    p = isub.add_parser(
        "answer", help=_("save an answer, or all the answers of a JSON file (all or none)")
    )
    _interview_arg(p)
    p.add_argument("question", nargs="?", metavar="QUESTION", help=_("the question's name"))
    p.add_argument(
        "value",
        nargs="?",
        metavar="VALUE",
        help=_(
            "the answer: a number, a date, a choice's name (several: \"a b\"); a repeat's "
            'entries as JSON (\'[{"name": "A"}]\'); "" clears it'
        ),
    )
    p.add_argument(
        "--file",
        metavar="FILE.json",
        help=_(
            "a JSON object of question names and answers ('-': standard input); if one answer "
            "is refused, none is saved"
        ),
    )
    p.set_defaults(func=cmd_answer)

    p = isub.add_parser("complete", help=_("complete the interview: the case is assessed"))
    _interview_arg(p)
    p.set_defaults(func=cmd_complete)

    p = isub.add_parser("list", help=_("list the interviews of a case"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_list)

    p = isub.add_parser("show", help=_("what is still missing before the interview can end"))
    _interview_arg(p)
    p.set_defaults(func=cmd_show)


def _interview_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "interview", metavar="INTERVIEW", help=_("the interview's id, as `interview start` prints")
    )


def _interview(session: Session, given: str) -> Interview:
    from idtool import interviews

    return interviews.get(session, given.strip().lower())


def _form(session: Session, form_id: str | None) -> Form:
    """The questionnaire to run: the one named, else the screening (else the first)."""
    from idtool import interviews
    from idtool.questionnaire.model import FormKind

    forms = interviews.forms_for(session)
    if not forms:
        raise NotPermitted(_("Your role may not run any questionnaire."))
    if form_id is None:
        screening = [f for f in forms if f.kind is FormKind.SCREENING]
        return (screening or forms)[0]
    for form in forms:
        if form.form_id == form_id:
            return form
    raise InvalidInput(
        _("There is no questionnaire {form} that you may run; choose one of: {forms}.").format(
            form=form_id, forms=", ".join(f.form_id for f in forms)
        )
    )


def cmd_start(args: argparse.Namespace) -> int:
    from idtool import interviews

    lang = args.interview_language or current_language()
    with common.unlock(args) as session:
        form = _form(session, args.form)
        interview = interviews.start(session, case_by_number(session, args.case), form, lang)
    if args.quiet:
        print(interview.uuid)
        return 0
    print(
        _("Interview {id} started: {form}, version {version}, in {language}.").format(
            id=interview.uuid,
            form=form.title.get(current_language(), form.default_language),
            version=form.version,
            language=LANGUAGE_NAMES[lang],
        )
    )
    return 0


def _read_answers(source: str) -> dict[str, object]:
    """The answers of a JSON file ('-': standard input), read before anything is unlocked."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise InvalidInput(_("The answers file cannot be read.")) from None
    try:
        given = json.loads(text)
    except json.JSONDecodeError as exc:  # its position only: never the text
        raise InvalidInput(
            _("The answers file is not valid JSON (line {line}).").format(line=exc.lineno)
        ) from None
    if not isinstance(given, dict):
        raise InvalidInput(
            _("The answers file must hold one JSON object: question names and their answers.")
        )
    return given


def _refused(exc: AnswerError, nothing_saved: bool) -> InvalidInput:
    """The refusal of an answer naming its question by name as well as by label."""
    text = exc.message
    if not any(f"{a}{exc.question}{b}" in text for a, b in ("“”", "«»")):
        text = _("{message} (question {name})").format(message=text, name=exc.question)
    if nothing_saved:
        text = _("Nothing was saved: {reason}").format(reason=text)
    return InvalidInput(text)


def cmd_answer(args: argparse.Namespace) -> int:
    from idtool import interviews
    from idtool.questionnaire.answers import AnswerError

    if args.file is not None:
        if args.question is not None:
            raise InvalidInput(_("Give a question and its answer, or --file, not both."))
        given = _read_answers(args.file)
    elif args.question is None or args.value is None:
        raise InvalidInput(_("Give a question and its answer, or --file."))
    else:
        given = {args.question: args.value}
    with common.unlock(args) as session:
        interview = _interview(session, args.interview)
        try:
            interviews.save_answers(session, interview, given, current_language())
        except AnswerError as exc:
            raise _refused(exc, args.file is not None) from None
        answered, required = interviews.flow(session, interview).progress()
    saved = (
        _("Answers saved: {count}.").format(count=len(given))
        if args.file is not None
        else _("Answer to {question} saved.").format(question=args.question)
    )
    progress = _("Required answers given: {answered} of {total}.").format(
        answered=answered, total=required
    )
    print(f"{saved} {progress}")
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    from idtool import case_assessments, interview_consent, interviews
    from idtool.assessment import recommendation_label

    with common.unlock(args) as session:
        interview = _interview(session, args.interview)
        if interview.in_progress:  # which answers are missing, by name, for the script
            issues = interviews.flow(session, interview).validate()
            if issues:
                names = [i.path for i in issues[:SHOWN_ISSUES]]
                if len(issues) > SHOWN_ISSUES:
                    names.append("…")
                raise InvalidInput(
                    _(
                        "{count} answer(s) are missing or not valid: {questions}. "
                        "`idtool interview show` says why."
                    ).format(count=len(issues), questions=", ".join(names))
                )
        interviews.complete(session, interview)
        # The consent page becomes the consent record, as when the window finishes it; when
        # `consent.record` refuses it, the officer records it with `idtool consent record`.
        with contextlib.suppress(IdtoolError):
            interview_consent.record(session, interview.uuid)
        latest = case_assessments.latest(session, interview.case_uuid)
        number = number_of_case(session, interview.case_uuid)
    assert latest is not None  # complete() stored it
    print(
        _("Interview completed on case {number}. Recommendation: {recommendation}.").format(
            number=number,
            recommendation=recommendation_label(
                latest.recommendation, rules_version=latest.rules_version
            ),
        )
    )
    return 0


def _state(state: str) -> str:
    return gettext(STATE_LABELS.get(state, state))


def cmd_list(args: argparse.Namespace) -> int:
    from idtool import interviews

    with common.unlock(args) as session:
        found = interviews.for_case(session, case_by_number(session, args.case))
    if args.json:
        rows = [
            {
                "interview": i.uuid,
                "form": i.form_id,
                "version": i.form_version,
                "language": i.language,
                "state": i.state,
                "started": i.started_at,
                "completed": i.completed_at,
            }
            for i in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for i in found:
        print("\t".join((i.uuid, i.form_id, i.form_version, i.language, _state(i.state))))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from idtool import interviews

    lang = current_language()
    with common.unlock(args) as session:
        interview = _interview(session, args.interview)
        number = number_of_case(session, interview.case_uuid)
        current = interviews.flow(session, interview, lang)
        answered, required = current.progress()
        issues = current.validate() if interview.in_progress else []
        form = current.form
    print(
        _("Interview {id} on case {number}: {form}, version {version}; {state}.").format(
            id=interview.uuid,
            number=number,
            form=form.title.get(lang, form.default_language),
            version=form.version,
            state=_state(interview.state),
        )
    )
    print(
        _("Required answers given: {answered} of {total}.").format(
            answered=answered, total=required
        )
    )
    for issue in issues:
        label = form.question(issue.question).label.get(lang, form.default_language)
        print("\t".join(("  " + issue.path, " ".join(label.split()), issue.message)))
    return 0
