"""The anonymised rows in the layout of IOM's HTCDS Excel toolkit ("HTCDS Excel Spreadsheet
v2.0.xlsx"): the same sheet name, the hidden first row of field names and the second row of
labels, column for column, and a numbered row per record, so a partner opens it as their own.

The toolkit's columns for names, contacts and dates stay empty (the export is anonymised); our
`x_` columns, which the toolkit does not have, follow its last column. A multi-select cell joins
its values with a semicolon, as the toolkit's multi-select template does.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from idtool.htcds import standard
from idtool.htcds.export import K_ANONYMITY, HtcdsExport, anonymised, audit_export
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import facts

# The toolkit spells one field name differently from the standard (resources/htcds/README.md).
TOOLKIT_SPELLING = {
    "vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg"
}
OUR_LABELS = {
    "x_year": "Year (idtool)",
    "x_age_group": "Age group (idtool)",
    "x_is_minor": "Minor (idtool)",
    "x_first_responder_type": "First responder type (idtool)",
}


def standard_name(toolkit_name: str) -> str:
    return TOOLKIT_SPELLING.get(toolkit_name, toolkit_name)


def layout(columns: Sequence[str]) -> tuple[list[str], list[str], dict[str, int]]:
    """(first row, second row, column index of each exported column)."""
    kit = standard.toolkit()
    names, labels = list(kit.names), list(kit.labels)
    where = {standard_name(n): i for i, n in enumerate(names) if n}
    for column in columns:
        if column not in where:
            where[column] = len(names)
            names.append(column)
            labels.append(OUR_LABELS.get(column, column))
    return names, labels, {c: where[c] for c in columns}


def workbook(columns: Sequence[str], records: Sequence[Sequence[str]]) -> bytes:
    kit = standard.toolkit()
    names, labels, where = layout(columns)
    book = openpyxl.Workbook()
    sheet = book.create_sheet(kit.sheet, 0)
    book.remove(book.worksheets[1])
    sheet.append(names)
    sheet.append(labels)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.row_dimensions[1].hidden = True
    for number, record in enumerate(records, start=1):
        row: list[object] = [""] * len(names)
        row[0] = number
        for column, value in zip(columns, record, strict=True):
            row[where[column]] = value
        sheet.append(row)
    for index, label in enumerate(labels, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(8, min(40, len(str(label)) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_toolkit(
    session: Session,
    k: int = K_ANONYMITY,
    scope: facts.Scope | None = None,
    fields: Sequence[str] | None = None,
) -> HtcdsExport:
    """The anonymised records (k-anonymous as the CSV) as the toolkit's workbook; audited."""
    session.require(Action.STATISTICS)
    columns, kept, dropped = anonymised(session, k, scope, fields)
    data = workbook(columns, kept)
    audit_export(session, "stats.export_htcds_xlsx", len(kept), dropped, k)
    return HtcdsExport(data, len(kept), dropped, k, columns)
