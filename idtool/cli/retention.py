"""Commands: retention show / set / apply (the retention schedule)."""

from __future__ import annotations

import argparse

from idtool.cli import common
from idtool.cli.erase import confirm, report_scrub
from idtool.errors import InvalidInput
from idtool.i18n import _

# The core modules a command needs are imported inside it (start-up time).

STATUSES = ("possible", "identified", "not_identified", "needs_information", "referred", "closed")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = sub.add_parser("retention", help=_("the retention schedule: how long data is kept"))
    rsub = r.add_subparsers(dest="retention_command", required=True)
    p = rsub.add_parser("show", help=_("show the schedule"))
    p.set_defaults(func=cmd_show)
    p = rsub.add_parser(
        "set",
        help=_(
            "set how many years a case of a status keeps the person's data (supervisor, "
            "on a device not enrolled with a coordinator)"
        ),
    )
    p.add_argument("status", choices=STATUSES)
    p.add_argument("years", metavar="YEARS", help=_("whole years, or 'off'"))
    p.set_defaults(func=cmd_set)
    p = rsub.add_parser(
        "apply",
        help=_(
            "reduce the cases the schedule says to their anonymised facts (the statistics "
            "stay the same)"
        ),
    )
    p.add_argument(
        "--as-of", metavar="DATE", help=_("count the years up to this day (YYYY-MM-DD; today)")
    )
    p.add_argument("--dry-run", action="store_true", help=_("only list the cases; erase nothing"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(func=cmd_apply)


def _status_label(status: str) -> str:
    from idtool import cases

    return cases.status_label(status)


def cmd_show(args: argparse.Namespace) -> int:
    from idtool import retention

    with common.unlock(args) as session:
        periods = retention.schedule(session.conn)
    if not periods:
        print(_("No retention periods are set: data is kept until erased on request."))
    for status, years in periods.items():
        print(f"{status}\t{years}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from idtool import retention

    if args.years == "off":
        years = None
    elif args.years.isdigit():
        years = int(args.years)
    else:
        raise InvalidInput(_("Give the period in whole years, or 'off'."))
    with common.unlock(args) as session:
        changed = retention.set_period(session, args.status, years)
    print(_("Policy changed.") if changed else _("Nothing to change."))
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from idtool import dates, retention

    as_of = dates.parse(args.as_of) if args.as_of else None
    with common.unlock(args) as session:
        due = retention.due(session, as_of)
        if not due:
            print(_("No case is due for erasure."))
            return 0
        print("\t".join([_("Case"), _("Status"), _("Last recorded"), _("Years")]))
        for case in due:
            print(f"{case.number}\t{_status_label(case.status)}\t{case.last}\t{case.years}")
        if args.dry_run:
            print(
                _("Cases that would be erased: {count}; nothing was erased.").format(count=len(due))
            )
            return 0
        confirm(
            args.yes,
            _("Reduce the cases listed ({count}) to their anonymised facts?").format(
                count=len(due)
            ),
        )
        applied = retention.apply(session, as_of)
    print(_("Cases erased by the retention schedule: {count}.").format(count=len(applied.numbers)))
    report_scrub(applied.scrubbed)
    return 0
