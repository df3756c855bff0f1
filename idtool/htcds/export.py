"""The anonymised record-level export with HTCDS 2.0 field and value names (docs/formats.md).

One row per screened case, holding only HTCDS value names and a few generalised codes of ours
(`x_` columns): no name, date of birth, document number, case number, date or free text ever
leaves. Every exported column is treated as a quasi-identifier: rows whose combination of values
is shared by fewer than k cases (k = 11, as CTDC publishes) are dropped and only counted. The
more columns are chosen, the fewer combinations reach k: `fields` narrows the export.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence

from idtool import database
from idtool.errors import InvalidInput
from idtool.htcds.rows import COLUMNS, case_rows
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import facts

K_ANONYMITY = 11


class HtcdsExport(bytes):
    """The file as bytes, with how many records it holds and how many were dropped."""

    rows: int
    dropped: int
    k: int
    columns: tuple[str, ...]

    def __new__(
        cls, data: bytes, rows: int, dropped: int, k: int, columns: tuple[str, ...]
    ) -> HtcdsExport:
        made = super().__new__(cls, data)
        made.rows, made.dropped, made.k, made.columns = rows, dropped, k, columns
        return made


def chosen_columns(fields: Sequence[str] | None) -> tuple[str, ...]:
    """The columns to export, in the standard order; an unknown name is refused."""
    if not fields:
        return COLUMNS
    unknown = sorted(set(fields) - set(COLUMNS))
    if unknown:
        raise InvalidInput(
            _("Unknown HTCDS column: {name}. Columns: {columns}.").format(
                name=unknown[0], columns=", ".join(COLUMNS)
            )
        )
    return tuple(c for c in COLUMNS if c in fields)


def anonymised(
    session: Session,
    k: int = K_ANONYMITY,
    scope: facts.Scope | None = None,
    fields: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], list[tuple[str, ...]], int]:
    """(columns, kept records, dropped count): each kept combination is shared by >= k cases;
    k may be raised, never lowered below K_ANONYMITY (InvalidInput)."""
    if type(k) is not int or k < K_ANONYMITY:  # NaN compares false with everything
        raise InvalidInput(
            _("Records are shared only in groups of at least {k} cases.").format(k=K_ANONYMITY)
        )
    columns = chosen_columns(fields)
    counted: Counter[tuple[str, ...]] = Counter(
        tuple(row[c] for c in columns) for row in case_rows(session, scope)
    )
    kept: list[tuple[str, ...]] = []
    dropped = 0
    for record, count in sorted(counted.items()):
        if count < k:
            dropped += count
        else:
            kept += [record] * count
    return columns, kept, dropped


def export_htcds(
    session: Session,
    k: int = K_ANONYMITY,
    scope: facts.Scope | None = None,
    fields: Sequence[str] | None = None,
) -> HtcdsExport:
    """The anonymised CSV of every screened case (supervisors only), audited."""
    session.require(Action.STATISTICS)
    columns, kept, dropped = anonymised(session, k, scope, fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(kept)
    audit_export(session, "stats.export_htcds", len(kept), dropped, k)
    return HtcdsExport(buffer.getvalue().encode("utf-8"), len(kept), dropped, k, columns)


def audit_export(session: Session, action: str, rows: int, dropped: int, k: int) -> None:
    with database.transaction(session.conn):
        session.audit(action, None, {"rows": rows, "dropped": dropped, "k": k})
