"""Command: review (the supervisor's review queue)."""

from __future__ import annotations

import argparse

from idtool.cli import common
from idtool.i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("review", help=_("the supervisor's review queue"))
    p.add_argument(
        "--days",
        type=int,
        default=14,
        metavar="N",
        help=_("days before a waiting case or referral is listed"),
    )
    p.set_defaults(func=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    from idtool import oversight  # loaded when the command runs (start-up time)

    with common.unlock(args) as session:
        items = oversight.queue(session, decision_days=args.days, referral_days=args.days)
        for item in items:
            print(
                f"{item.since[:10]}\t{item.case_number or '-'}\t{item.kind}"
                f"\t{oversight.kind_label(item.kind)}\t{oversight.describe(session, item)}"
            )
    if not items:
        print(_("The review queue is empty."))
    return 0
