"""Commands: questionnaire check, assess."""

from __future__ import annotations

import argparse
import sys

from idtool.cli import common
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _, language

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading the questionnaire engine and the assessment would slow every command
# (start-up time).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    q = sub.add_parser("questionnaire", help=_("questionnaire files"))
    qsub = q.add_subparsers(dest="questionnaire_command", required=True)
    p = qsub.add_parser("check", help=_("check a questionnaire (YAML or XLSForm .xlsx)"))
    p.add_argument("file")
    p.set_defaults(func=cmd_check)
    p = qsub.add_parser(
        "publish",
        help=_(
            "coordinator: install a questionnaire (YAML or XLSForm .xlsx) so that the next "
            "update carries it to the devices"
        ),
    )
    p.add_argument("file")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("assess", help=_("assess a set of indicator ids and explain why"))
    p.add_argument("--indicators", required=True, metavar="ID[,ID...]")
    p.add_argument("--child", action="store_true", help=_("under 18 at the time of exploitation"))
    p.add_argument("--exploitation", choices=["labour", "sexual"], default="labour")
    p.add_argument(
        "--lang", dest="assess_lang", choices=LANGUAGES, help=_("language of the explanation")
    )
    p.add_argument(
        "--rules-version",
        metavar="VERSION",
        help=_(
            "rules version to apply (default: the current rules), for example ilo-ec-2009/1"
            " to reproduce an assessment made under version 1"
        ),
    )
    p.add_argument(
        "--form",
        metavar="FORM_ID",
        help=_("a shipped questionnaire: list its questions that would establish what is missing"),
    )
    p.set_defaults(func=cmd_assess)


def cmd_check(args: argparse.Namespace) -> int:
    from idtool.questionnaire.check_report import check_file

    ok, text = check_file(args.file)
    print(text, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from idtool.sync import questionnaires

    with common.unlock(args) as session:
        form_id, version, warnings = questionnaires.publish(session, Path(args.file))
    for warning in warnings:
        print(warning, file=sys.stderr)
    print(
        _(
            "Questionnaire {form_id} version {version} is published: the next update "
            "(idtool export) carries it to the devices."
        ).format(form_id=form_id, version=version)
    )
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    from idtool.assessment import assess
    from idtool.questionnaire.registry import load_shipped

    ids = [i.strip() for i in args.indicators.split(",") if i.strip()]
    try:
        result = assess(
            ids,
            child=args.child,
            exploitation=args.exploitation,
            rules_version=args.rules_version,
        )
    except ValueError as exc:
        raise InvalidInput(_("Cannot assess: {reason}").format(reason=exc)) from None
    form = load_shipped(args.form) if args.form else None  # FormNotFound: one line
    lang = args.assess_lang or args.lang
    if lang:
        with language(lang):
            print(result.explain(lang, form))
    else:
        print(result.explain(None, form))
    return 0
