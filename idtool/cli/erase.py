"""Command: case erase (a person's data, on their request)."""

from __future__ import annotations

import argparse
import sys

from idtool.cli import common
from idtool.errors import InvalidInput
from idtool.i18n import _

# The core modules a command needs are imported inside it (start-up time: `idtool` loads every
# command module to build its parser).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`case erase`, added to the `case` command (registered before this module)."""
    case = sub.choices["case"]
    csub = next(a for a in case._actions if isinstance(a, argparse._SubParsersAction))
    p = csub.add_parser(
        "erase",
        help=_(
            "erase the person's data from every case of theirs, on their request "
            "(supervisor, or whoever the policy allows)"
        ),
    )
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help=_("why (kept in the audit log; not the person's name)"),
    )
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(func=cmd_erase)


def confirm(yes: bool, question: str) -> None:
    """Ask `question` (answered "yes"), unless `yes`; InvalidInput when it is not confirmed."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise InvalidInput(_("Nothing was erased: run again with --yes to confirm."))
    answer = input(question + " " + _("Type yes to confirm: "))
    if answer.strip().lower() not in {"yes", "y", _("yes")}:
        raise InvalidInput(_("Nothing was erased."))


def report_scrub(scrubbed: bool) -> None:
    if not scrubbed:
        print(
            _(
                "The data was erased, but the database file could not be rewritten now: "
                "another window or command is using it. The next erasure rewrites it."
            ),
            file=sys.stderr,
        )


def cmd_erase(args: argparse.Namespace) -> int:
    from idtool import erasure
    from idtool.certificate import ledger
    from idtool.policy import Action

    with common.unlock(args) as session:
        session.require(Action.ERASE_DATA)
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        targets = erasure.person_cases(session.conn, case_uuid)
        erasure.check_reason(session.conn, case_uuid, args.reason)
        numbers = ", ".join(n for _u, n in targets)
        print(
            _(
                "Erasing the person's data from these cases: {cases}. It cannot be "
                "undone; the coordinator and the organisations they were referred to "
                "erase their copies when the next packages reach them."
            ).format(cases=numbers)
        )
        confirm(args.yes, _("Erase?"))
        erased = erasure.erase_on_request(session, case_uuid, args.reason)
    print(_("Erased: {cases}.").format(cases=", ".join(erased.numbers)))
    report_scrub(erased.scrubbed)
    return 0
