"""Command: stats (figures, CSV, PDF report). The HTCDS export is in `cli.htcds`."""

from __future__ import annotations

import argparse
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.cli import common
from idtool.errors import InvalidInput, StorageError
from idtool.i18n import _

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading the statistics and ReportLab would slow every command (start-up
# time).

ROLES = ("border_guard", "police", "social_worker", "supervisor")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("stats", help=_("NRM statistics with small counts suppressed"))
    p.add_argument(
        "--from", dest="period_from", metavar="DATE", help=_("first day of the period (YYYY-MM-DD)")
    )
    p.add_argument(
        "--to", dest="period_to", metavar="DATE", help=_("last day of the period (YYYY-MM-DD)")
    )
    p.add_argument("--region", metavar="R", help=_("only this region (its code)"))
    p.add_argument("--responder", choices=ROLES, help=_("only this first-responder type"))
    p.add_argument("--csv", metavar="FILE", help=_("save the tables as CSV"))
    p.add_argument("--pdf", metavar="FILE", help=_("save the PDF report"))
    p.add_argument(
        "--threshold",
        type=int,
        default=5,
        metavar="N",
        help=_("hide counts from 1 to N-1 (default 5)"),
    )
    p.set_defaults(func=cmd_stats)


def _save(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError:
        raise StorageError(_("The file could not be saved.")) from None


def cmd_stats(args: argparse.Namespace) -> int:
    from idtool.regions import REGIONS
    from idtool.stats import compute, report

    if args.threshold < 1:
        raise InvalidInput(_("The threshold must be at least 1."))
    if args.region and args.region not in REGIONS:
        raise InvalidInput(_("Unknown region: {region}.").format(region=args.region))
    csv_path = common.new_file(args.csv) if args.csv else None
    pdf_path = common.new_file(args.pdf) if args.pdf else None
    with common.unlock(args) as session:
        stats = compute(session, args.period_from, args.period_to, args.region, args.responder)
    pub = stats.published(args.threshold)
    print(report.period_text(pub))
    for label, value in report.headline(pub):
        print(f"{label}: {value}")
    print(report.rule_text(pub))
    if csv_path:
        _save(csv_path, report.to_csv(pub))
        print(_("CSV saved to {path}.").format(path=csv_path))
    if pdf_path:
        _save(pdf_path, report.to_pdf(pub))
        print(_("PDF report saved to {path}.").format(path=pdf_path))
    return 0
