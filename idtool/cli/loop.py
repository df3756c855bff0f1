"""Commands: outcome (the receiving organisation reports what happened to a referral), and
stats-report trust-national | trust-region | export | periods | national (statistics
reports from regional coordinators to the national one)."""

from __future__ import annotations

import argparse
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.cli import common
from idtool.errors import InvalidInput, StorageError
from idtool.i18n import _

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading the exchange and statistics modules would slow every command
# (start-up time).

OUTCOMES = ("accepted", "service_delivered", "declined", "closed")
K = 11  # `stats.merge.REPORT_THRESHOLD`, without importing the statistics here


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "outcome",
        help=_("receiving organisation: report what happened to a referral received"),
    )
    p.add_argument("case", metavar="CASE", help=_("case number (of the case the referral opened)"))
    p.add_argument("status", choices=OUTCOMES, help=_("what happened"))
    p.set_defaults(func=cmd_outcome)

    r = sub.add_parser("stats-report", help=_("statistics reports for the national coordinator"))
    rsub = r.add_subparsers(dest="report_command", required=True, metavar="COMMAND")
    for name, helptext, func in (
        (
            "trust-national",
            _("regional coordinator: send reports to the coordinator of this enrolment file"),
            cmd_trust_national,
        ),
        (
            "trust-region",
            _("national coordinator: accept reports from the coordinator of this enrolment file"),
            cmd_trust_region,
        ),
    ):
        p = rsub.add_parser(name, help=helptext)
        p.add_argument("file", metavar="FILE", help=_("the other coordinator's enrolment file"))
        p.add_argument(
            "--yes", action="store_true", help=_("do not ask: the fingerprint was compared already")
        )
        p.set_defaults(func=func)

    p = rsub.add_parser("export", help=_("regional coordinator: write the report package"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write it to"))
    _period(p)
    p.add_argument("--label", default="", help=_("the region's name in the national figures"))
    p.add_argument(
        "--threshold",
        type=int,
        default=K,
        metavar="N",
        help=_("hide counts from 1 to N-1 (at least {k})").format(k=K),
    )
    p.set_defaults(func=cmd_export)

    p = rsub.add_parser("periods", help=_("national coordinator: the periods reports cover"))
    p.set_defaults(func=cmd_periods)

    p = rsub.add_parser("national", help=_("national coordinator: the merged national figures"))
    _period(p)
    p.add_argument("--csv", metavar="FILE", help=_("save the tables as CSV"))
    p.set_defaults(func=cmd_national)


def _period(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from", dest="period_from", metavar="DATE", help=_("first day of the period (YYYY-MM-DD)")
    )
    p.add_argument(
        "--to", dest="period_to", metavar="DATE", help=_("last day of the period (YYYY-MM-DD)")
    )


def _read(path: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError:
        raise InvalidInput(
            _("The file {name} cannot be read.").format(name=Path(path).name)
        ) from None


def _day(text: str | None) -> str:
    """A period end as reports name it: YYYY-MM-DD, or "" for none."""
    from idtool import dates

    return dates.parse(text).isoformat() if text else ""


def cmd_outcome(args: argparse.Namespace) -> int:
    from idtool.certificate import ledger
    from idtool.referrals import status_label
    from idtool.sync import referral_status

    with common.unlock(args) as session:
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        referral_status.report(session, case_uuid, args.status)
    print(
        _(
            "Referral outcome recorded: {status}. It reaches the referring post through the "
            "coordinator with the next exchange package."
        ).format(status=status_label(args.status))
    )
    return 0


def _trust(args: argparse.Namespace, national: bool) -> int:
    from idtool.cli.sync import confirm_fingerprint
    from idtool.sync import enrol, stats_report

    data = _read(args.file)
    offer = enrol.read_enrolment(data)
    print(
        _("Coordinator: {label} ({device})").format(
            label=offer.device.label, device=offer.device.device_id
        )
    )
    confirm_fingerprint(offer.fingerprint, args.yes)
    with common.unlock(args) as session:
        if national:
            stats_report.trust_national(session, data)
            print(_("Statistics reports will be written for this national coordinator."))
        else:
            stats_report.trust_region(session, data)
            print(_("Statistics reports from this regional coordinator will be accepted."))
    return 0


def cmd_trust_national(args: argparse.Namespace) -> int:
    return _trust(args, True)


def cmd_trust_region(args: argparse.Namespace) -> int:
    return _trust(args, False)


def cmd_export(args: argparse.Namespace) -> int:
    from idtool.sync import stats_report

    out = Path(args.out).expanduser()
    if not out.is_dir():
        raise InvalidInput(_("The folder {name} does not exist.").format(name=out.name))
    with common.unlock(args) as session:
        path = stats_report.export_report(
            session,
            out,
            _day(args.period_from) or None,
            _day(args.period_to) or None,
            label=args.label,
            threshold=args.threshold,
        )
    print(
        _("Statistics report saved to {path}: take it to the national coordinator.").format(
            path=path
        )
    )
    return 0


def cmd_periods(args: argparse.Namespace) -> int:
    from idtool.sync import stats_report

    with common.unlock(args) as session:
        found = stats_report.periods(session)
    if not found:
        print(_("No statistics report was received yet."))
    for start, end, regions in found:
        print(
            _("{start} – {end}. Regions: {regions}").format(
                start=start or "…", end=end or "…", regions=regions
            )
        )
    return 0


def cmd_national(args: argparse.Namespace) -> int:
    from idtool.stats import report
    from idtool.sync import stats_report

    csv_path = common.new_file(args.csv) if args.csv else None
    with common.unlock(args) as session:
        pub = stats_report.national(session, _day(args.period_from), _day(args.period_to))
    print(report.period_text(pub))
    for label, value in report.headline(pub):
        print(f"{label}: {value}")
    print(report.rule_text(pub))
    if csv_path:
        try:
            write_atomic(csv_path, report.to_csv(pub))
        except OSError:
            raise StorageError(_("The file could not be saved.")) from None
        print(_("CSV saved to {path}.").format(path=csv_path))
    return 0
