"""Commands: certificate issue | reprint | revoke | allow-new | verify | organisation."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from idtool.atomic import document_saver
from idtool.cli import common
from idtool.errors import InvalidInput
from idtool.i18n import LANGUAGES, _, current_language

# The core modules a command needs are imported inside it: `idtool` loads every command module to
# build its parser, and loading them (ReportLab, the QR code and PDF readers) would slow every
# command (start-up time).

# Exit codes of `certificate verify` (0 = valid, and the holder matches when compared).
EXIT_INVALID = 10
EXIT_REVOKED = 11
EXIT_UNKNOWN_ISSUER = 12
EXIT_HOLDER_MISMATCH = 13
EXIT_ISSUER_REVOKED = 14


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser("certificate", help=_("victim-status certificates"))
    csub = c.add_subparsers(dest="certificate_command", required=True, metavar="COMMAND")

    p = csub.add_parser("issue", help=_("issue the one-time victim-status certificate"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE.pdf",
        help=_("where to save the PDF (the file is not encrypted)"),
    )
    p.add_argument(
        "--lang",
        "--language",
        dest="certificate_language",
        choices=LANGUAGES,
        default=None,
        help=_("language of the certificate"),
    )
    _discreet_flag(p)
    p.add_argument(
        "--confirm-officer",
        metavar="NAME",
        help=_(
            "a second officer who may issue, confirming with their passphrase "
            "(IDTOOL_CONFIRM_PASSPHRASE or a prompt) where the policy asks for it"
        ),
    )
    p.set_defaults(func=cmd_issue)

    p = csub.add_parser("reprint", help=_("print a copy of the certificate, marked COPY n"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE.pdf",
        help=_("where to save the PDF (the file is not encrypted)"),
    )
    p.add_argument(
        "--lang",
        "--language",
        dest="certificate_language",
        choices=LANGUAGES,
        default=None,
        help=_("language of the copy (default: the original's)"),
    )
    _discreet_flag(p)
    p.set_defaults(func=cmd_reprint)

    p = csub.add_parser("revoke", help=_("revoke the certificate, with a reason"))
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--reason", required=True, help=_("why the certificate is revoked"))
    p.set_defaults(func=cmd_revoke)

    p = csub.add_parser(
        "allow-new",
        help=_(
            "coordinator: allow a new certificate for the case's person after a revocation, "
            "or when the person was trafficked again"
        ),
    )
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.add_argument("--reason", required=True, help=_("why a new certificate is allowed (no names)"))
    p.set_defaults(func=cmd_allow_new)

    p = csub.add_parser(
        "verify",
        help=_("check a certificate: its code, a PDF or a picture of the QR code"),
        description=_(
            "Exit status: 0 valid, 10 not valid, 11 revoked, 12 unknown issuer, "
            "13 name or date of birth do not match, 14 signed by a revoked device "
            "or a retired key after it stopped issuing."
        ),
    )
    p.add_argument(
        "source",
        metavar="CODE|FILE",
        help=_(
            "the code text (quoted), '-' to read it from standard input, or a PDF or picture file"
        ),
    )
    p.add_argument("--name", help=_("the holder's full name, to compare"))
    p.add_argument(
        "--birth-date", metavar="YYYY-MM-DD", help=_("the holder's date of birth, to compare")
    )
    p.set_defaults(func=cmd_verify)

    p = csub.add_parser(
        "organisation", help=_("show or set the organisation this computer issues for")
    )
    p.add_argument(
        "name",
        nargs="?",
        metavar="ORG_ID",
        help=_("its id in the NRM directory (supervisors; see 'idtool directory list')"),
    )
    p.set_defaults(func=cmd_organisation)


def _discreet_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--discreet",
        action="store_true",
        help=_(
            'discreet wording: no "victim of trafficking" in large letters (the QR code and '
            "its verification are the same)"
        ),
    )


def _saved_line(number: str, path: Path, copy: int | None) -> str:
    if copy:
        line = _("Copy {copy} of certificate {number} saved to {path}.").format(
            copy=copy, number=number, path=path
        )
    else:
        line = _("Certificate {number} issued and saved to {path}.").format(
            number=number, path=path
        )
    return (
        line
        + " "
        + _("The file is not encrypted: keep it safe and delete it when it is no longer needed.")
    )


def cmd_issue(args: argparse.Namespace) -> int:
    from idtool.certificate import issuance, ledger

    path = common.new_file(args.out)
    confirmer = None
    if args.confirm_officer:
        confirmer = (
            args.confirm_officer,
            os.environ.get("IDTOOL_CONFIRM_PASSPHRASE")
            or common.prompt_secret(
                _("Passphrase of the confirming officer: "), "IDTOOL_CONFIRM_PASSPHRASE"
            ),
        )
    with common.unlock(args) as session:
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        printed = issuance.issue(
            session,
            case_uuid,
            args.certificate_language or current_language(),
            save=document_saver(path),
            confirmer=confirmer,
            discreet=args.discreet,
        )
    print(_saved_line(printed.certificate.number, path, None))
    return 0


def cmd_reprint(args: argparse.Namespace) -> int:
    from idtool.certificate import issuance, ledger

    path = common.new_file(args.out)
    with common.unlock(args) as session:
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        printed = issuance.reprint(
            session,
            case_uuid,
            args.certificate_language,
            save=document_saver(path),
            discreet=args.discreet,
        )
    print(_saved_line(printed.certificate.number, path, printed.copy))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from idtool.certificate import issuance, ledger

    with common.unlock(args) as session:
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        revocation = issuance.revoke(session, case_uuid, args.reason)
    print(_("Certificate {number} revoked.").format(number=revocation.number))
    return 0


def cmd_allow_new(args: argparse.Namespace) -> int:
    from idtool.certificate import ledger, reissue

    with common.unlock(args) as session:
        case_uuid = ledger.case_uuid_for_number(session, args.case)
        made = reissue.allow(session, case_uuid, args.reason)
    for allowance in made:
        print(
            _(
                "A new certificate may be issued after certificate {number}. The next "
                "update package brings the permission to the devices."
            ).format(number=allowance.number)
        )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from idtool.certificate.verify import Status, verify

    source = args.source
    if source == "-":
        source = sys.stdin.readline()
    if (args.name is None) != (args.birth_date is None):
        raise InvalidInput(_("Give both --name and --birth-date to compare the holder."))
    with common.unlock(args) as session:
        result = verify(session, source, args.name, args.birth_date)
    print(result.message())
    if result.status is Status.VALID:
        return EXIT_HOLDER_MISMATCH if result.holder_match is False else 0
    return {
        Status.REVOKED: EXIT_REVOKED,
        Status.UNKNOWN_ISSUER: EXIT_UNKNOWN_ISSUER,
        Status.ISSUER_REVOKED: EXIT_ISSUER_REVOKED,
    }.get(result.status, EXIT_INVALID)


def cmd_organisation(args: argparse.Namespace) -> int:
    from idtool.certificate import issuing_org

    with common.unlock(args) as session:
        if args.name is not None:
            issuing_org.set_organisation(session, args.name)
        print(issuing_org.organisation(session))
    return 0
