"""Commands: demo, case list (case new: `cli.casework`)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from idtool.cli import casework, cj, common
from idtool.errors import InvalidInput
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading them (the demo data brings the questionnaires) would slow every
# command (start-up time).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help=_("add synthetic, clearly fictional demo cases"))
    p.add_argument("--cases", type=int, default=50, metavar="N")
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    c = sub.add_parser("case", help=_("cases"))
    csub = c.add_subparsers(dest="case_command", required=True)
    casework.add_case_new(csub)
    p = csub.add_parser("list", help=_("list cases"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("--search", default="", help=_("case number or name, any script"))
    p.set_defaults(func=cmd_case_list)
    cj.register_case(csub)


def cmd_demo(args: argparse.Namespace) -> int:
    from idtool import demo

    if not 1 <= args.cases <= 100_000:
        raise InvalidInput(_("Choose between 1 and 100000 cases."))
    with common.unlock(args) as session:
        report = demo.generate(session, args.cases, seed=args.seed)
    print(
        _(
            "Demo cases added: {cases} ({decided} decided, {against} against the "
            "recommendation, {open} interviews in progress)."
        ).format(
            cases=report.cases,
            decided=report.decided,
            against=report.against_recommendation,
            open=report.interviews_in_progress,
        )
    )
    return 0


def cmd_case_list(args: argparse.Namespace) -> int:
    from idtool import case_list, cases

    with common.unlock(args) as session:
        query = case_list.CaseQuery(text=args.search)
        rows = query.page(session, 0, query.count(session))
        certificates = _certificates(session)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "case": r.number,
                        "status": r.status,
                        "opened": r.opened_at,
                        "region": r.region,
                        "officer": r.officer,
                        "certificate": certificates.get(r.uuid),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    for r in rows:
        print(f"{r.number}\t{r.opened_at[:10]}\t{cases.status_label(r.status)}\t{r.region}")
    return 0


def _certificates(session: Session) -> dict[str, str]:
    """Certificate number per case uuid (cases without one are absent)."""
    from idtool.certificate import ledger

    return ledger.numbers_by_case(session)
