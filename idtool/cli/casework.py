"""Commands: case new, decide: the officer's work from opening a case to the decision (with
`cli.interview` between them), for a script as for a terminal.

Each command binds the core (`cases`, `interviews`, `decisions`) and prints one translated line
with the id the next command needs (`--quiet`: the id alone). Nothing printed holds an answer or
a name: only numbers, ids, question names and labels, states and recommendations.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from idtool.cli import common
from idtool.i18n import _
from idtool.regions import REGIONS

if TYPE_CHECKING:
    from idtool.session import Session

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading the questionnaires and the assessment would slow every command
# (start-up time). The choices below are the core's (a test checks), kept here for the same reason.
SEXES = ("female", "male", "other", "declined")
DECISIONS = ("identified_victim", "possible_victim", "not_victim", "needs_information")


def add_case_new(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`case new`, registered by `cli.cases` under `case`."""
    p = csub.add_parser("new", help=_("open a case for a person met (then start an interview)"))
    p.add_argument(
        "--region",
        required=True,
        choices=sorted(REGIONS),
        metavar="REGION",
        help=_("the region of the case: {regions}").format(regions=", ".join(sorted(REGIONS))),
    )
    p.add_argument("--name", default="", help=_("the person's full name (leave out if not given)"))
    p.add_argument(
        "--working-name",
        default="",
        help=_("without a name: how you will call the person (never a name)"),
    )
    p.add_argument("--sex", choices=SEXES, default="", help=", ".join(SEXES))
    p.add_argument("--birth-date", default="", metavar="YYYY-MM-DD", help=_("date of birth"))
    p.add_argument(
        "--document", default="", metavar="NUMBER", help=_("the identity document's number")
    )
    quiet(p, _("print only the case number"))
    p.set_defaults(func=cmd_case_new)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("decide", help=_("record the decision on a case, after the interview"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("decision", metavar="DECISION", choices=DECISIONS, help=", ".join(DECISIONS))
    p.add_argument(
        "--reason",
        default="",
        help=_("why (required when the decision differs from the recommendation)"),
    )
    p.set_defaults(func=cmd_decide)


def quiet(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help=text)


def case_by_number(session: Session, number: str) -> str:
    from idtool.certificate import ledger

    return ledger.case_uuid_for_number(session, number)


def number_of_case(session: Session, case_uuid: str) -> str:
    from idtool import cases

    return cases.get_case(session, case_uuid, audit_view=False).number


def cmd_case_new(args: argparse.Namespace) -> int:
    from idtool import cases

    document = cases.check_document_number(args.document)  # refused before anything is written
    with common.unlock(args) as session:
        case = cases.open_case(
            session,
            full_name=args.name,
            working_name=args.working_name,
            region=args.region,
            sex=args.sex,
            birth_date=args.birth_date,
        )
        if document:
            person = case.person
            cases.set_details(
                session,
                case.uuid,
                full_name=person.full_name,
                birth_date=person.birth_date,
                document_number=document,
                working_name=person.working_name,
            )
    print(case.number if args.quiet else _("Case {number} opened.").format(number=case.number))
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from idtool import decisions
    from idtool.assessment import recommendation_label

    with common.unlock(args) as session:
        case_uuid = case_by_number(session, args.case)
        made = decisions.record(session, case_uuid, decisions.Decision(args.decision), args.reason)
        number = number_of_case(session, case_uuid)
    line = _("Decision on case {number} recorded: {decision}.").format(
        number=number, decision=decisions.decision_label(made.decision)
    )
    if made.against_recommendation:
        line += " " + _(
            "It differs from the recommendation ({recommendation}): the case goes to the "
            "supervisor's review queue."
        ).format(recommendation=recommendation_label(made.recommendation))
    print(line)
    return 0
