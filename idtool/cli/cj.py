"""Commands under `case`: link (the criminal-justice link), articles (the list of articles),
prosecutor-review (the outcome of a prosecutor's review)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from idtool.cli import common
from idtool.errors import InvalidInput
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool.session import Session

STAGES = ("investigation", "discontinued", "in_court", "verdict")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "stats-justice",
        help=_("criminal-justice statistics: what happened to identified victims' cases"),
    )
    p.add_argument("--from", dest="period_from", metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    p.add_argument("--to", dest="period_to", metavar="DATE", help=_("last day (YYYY-MM-DD)"))
    p.add_argument(
        "--threshold", type=int, default=5, metavar="N", help=_("hide counts from 1 to N-1")
    )
    p.set_defaults(func=cmd_stats)


def register_case(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = csub.add_parser(
        "link", help=_("record or show what the police and prosecutors did about the case")
    )
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--show", action="store_true", help=_("only show the link"))
    p.add_argument("--opened", choices=("criminal", "misconduct", "none"))
    p.add_argument(
        "--article", metavar="ID[,ID...]", default="", help=_("article ids (idtool case articles)")
    )
    p.add_argument("--prosecution", choices=("public", "private"), default="")
    p.add_argument("--stage", choices=STAGES, default="")
    p.add_argument("--stage-date", metavar="YYYY-MM-DD", default="", help=_("when the stage began"))
    p.add_argument("--role", choices=("victim", "witness", "suspect"), default="")
    p.set_defaults(func=cmd_link)

    p = csub.add_parser("articles", help=_("the articles a case may be opened under"))
    p.set_defaults(func=cmd_articles)

    p = csub.add_parser(
        "prosecutor-review", help=_("record the outcome of a prosecutor's review of the case")
    )
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--outcome", required=True, choices=("requalified", "confirmed", "sent_back"))
    p.add_argument("--note", default="", help=_("what was decided"))
    p.set_defaults(func=cmd_review)


def _show(session: Session, case_uuid: str) -> None:
    from idtool import cj_link

    link = cj_link.get(session, case_uuid)
    if link is None:
        print(_("No criminal-justice link is recorded for this case."))
        return
    articles = {a.id: a for a in cj_link.article_list(session)}
    print(f"opened\t{link.opened}\t{cj_link.label(cj_link.OPENED_LABELS, link.opened)}")
    for article in link.articles:
        print(f"article\t{article}\t{articles[article].label() if article in articles else ''}")
    if link.prosecution:
        print(f"prosecution\t{link.prosecution}")
    for stage, day in sorted(link.stage_dates.items(), key=lambda s: s[1]):
        print(f"stage\t{stage}\t{day}" + ("\t*" if stage == link.stage else ""))
    if link.role:
        print(f"role\t{link.role}")
    for review in cj_link.reviews(session, case_uuid):
        print(f"review\t{review.outcome}\t{review.reviewed_at[:10]}")


def cmd_link(args: argparse.Namespace) -> int:
    from idtool import cj_link
    from idtool.certificate.ledger import case_uuid_for_number

    with common.unlock(args) as session:
        case_uuid = case_uuid_for_number(session, args.case)
        if not args.show:
            if args.opened is None:
                raise InvalidInput(_("Give --opened (criminal, misconduct or none), or --show."))
            articles = tuple(a.strip() for a in args.article.split(",") if a.strip())
            cj_link.record(
                session,
                case_uuid,
                opened=args.opened,
                articles=articles,
                prosecution=args.prosecution,
                stage=args.stage,
                stage_date=args.stage_date,
                role=args.role,
            )
            print(
                _("The criminal-justice link of case {number} is recorded.").format(
                    number=args.case
                )
            )
        _show(session, case_uuid)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    from idtool import cj_link

    with common.unlock(args) as session:
        for article in cj_link.article_list(session):
            print(f"{article.id}\t{article.code}\t{article.number or '-'}\t{article.label()}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from idtool import cj_link
    from idtool.certificate.ledger import case_uuid_for_number

    with common.unlock(args) as session:
        cj_link.record_review(
            session, case_uuid_for_number(session, args.case), args.outcome, args.note
        )
    print(_("The review of case {number} is recorded.").format(number=args.case))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from idtool import dates
    from idtool.stats import facts, justice

    if args.threshold < 5:
        raise InvalidInput(_("The threshold must be at least 5."))
    scope = facts.Scope(
        dates.parse(args.period_from) if args.period_from else None,
        dates.parse(args.period_to) if args.period_to else None,
    )
    with common.unlock(args) as session:
        pub = justice.compute(session, scope).published(args.threshold)
    print(_("Identified victims: {n}").format(n=pub.text("identified")))
    share = pub.share_qualified
    print(
        _("Of them, with a case qualified as trafficking or forced labour: {n} ({share})").format(
            n=pub.text("qualified"), share="-" if share is None else f"{share:.0%}"
        )
    )
    days = pub.median_days
    print(
        _("Median days from identification to the criminal case: {days}").format(
            days="-" if days is None else f"{days:g}"
        )
    )
    print(
        _("Discontinued cases: {n} (of identified victims: {m})").format(
            n=pub.text("discontinued"), m=pub.text("discontinued_identified")
        )
    )
    print("\t".join([_("Article"), _("Cases opened"), _("Of identified victims")]))
    for row in justice.rows(pub):
        print("\t".join(row))
    return 0
