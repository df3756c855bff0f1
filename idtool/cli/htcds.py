"""Commands: export-htcds (anonymised records, CSV or the HTCDS Excel toolkit's layout) and
import-htcds (a partner's filled toolkit spreadsheet, previewed, then imported as cases)."""

from __future__ import annotations

import argparse
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.cli import common
from idtool.errors import InvalidInput, StorageError
from idtool.i18n import _

# The core modules are imported inside the commands (start-up time: see cli.stats).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export-htcds", help=_("anonymised records with HTCDS 2.0 field names (k = 11)")
    )
    p.add_argument("--out", required=True, metavar="FILE", help=_("where to save the file"))
    p.add_argument(
        "--xlsx",
        action="store_true",
        help=_("write the layout of the HTCDS Excel toolkit instead of CSV"),
    )
    p.add_argument(
        "--fields",
        metavar="NAME[,NAME...]",
        help=_("only these columns (fewer columns keep more records)"),
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import-htcds", help=_("import cases from a partner's HTCDS toolkit spreadsheet")
    )
    p.add_argument("file", metavar="FILE.xlsx", help=_("the partner's filled spreadsheet"))
    p.add_argument("--source", metavar="ORG", help=_("the partner organisation it came from"))
    p.add_argument("--region", metavar="R", help=_("the region the cases are recorded in"))
    p.add_argument("--dry-run", action="store_true", help=_("only show what would be imported"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "confirm-consent",
        help=_("record that an imported case's person confirmed their consent"),
    )
    p.add_argument("case", metavar="CASE", help=_("case number"))
    p.set_defaults(func=cmd_confirm)


def cmd_export(args: argparse.Namespace) -> int:
    from idtool.htcds.export import export_htcds
    from idtool.htcds.toolkit import export_toolkit

    path = common.new_file(args.out)
    fields = [f.strip() for f in args.fields.split(",") if f.strip()] if args.fields else None
    with common.unlock(args) as session:
        made = (export_toolkit if args.xlsx else export_htcds)(session, fields=fields)
    try:
        write_atomic(path, bytes(made))
    except OSError:
        raise StorageError(_("The file could not be saved.")) from None
    print(
        _(
            "{rows} records saved to {path}; {dropped} records in groups smaller than {k} "
            "were left out."
        ).format(rows=made.rows, path=path, dropped=made.dropped, k=made.k)
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from idtool.htcds import importer

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(_("No such file: {path}").format(path=path))
    with common.unlock(args) as session:
        found = importer.preview(session, path)
        for rejected in found.rejected:
            print(
                _("Row {line}, {column}: {reason}").format(
                    line=rejected.line, column=rejected.column, reason=rejected.reason
                )
            )
        for case in found.cases:
            if case.duplicates:
                print(
                    _("Row {line}: the same person may already have case {numbers}.").format(
                        line=case.line, numbers=", ".join(case.duplicates)
                    )
                )
        print(
            _("{n} rows can be imported; {bad} rows do not fit the standard.").format(
                n=len(found.cases), bad=len({r.line for r in found.rejected})
            )
        )
        if args.dry_run:
            return 1 if found.rejected else 0
        if not args.source or not args.region:
            raise InvalidInput(_("Give --source and --region to import (or --dry-run)."))
        made = importer.import_cases(session, found, args.source, args.region)
    print(
        _("{n} cases imported; each waits for the person's consent to be confirmed.").format(
            n=len(made)
        )
    )
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    from idtool.certificate.ledger import case_uuid_for_number
    from idtool.htcds import partner

    with common.unlock(args) as session:
        partner.confirm_consent(session, case_uuid_for_number(session, args.case))
    print(_("Consent confirmed for case {number}.").format(number=args.case))
    return 0
