"""Anonymised record-level export with HTCDS 2.0 style column names (see docs/formats.md).

One row per screened case, holding only generalised codes: no name, date of birth, document
number, case number, date or free text ever leaves. Every column is treated as a
quasi-identifier: rows whose combination of values is shared by fewer than k cases (k = 11, as
CTDC publishes) are dropped and only counted.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from idtool import database
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import facts
from idtool.stats.labels import iso_code

K_ANONYMITY = 11
COLUMNS = (
    "cas_year",
    "cas_status",
    "cas_first_responder_type",
    "prs_gender",
    "prs_age_group",
    "prs_is_minor",
    "prs_citizenship",
    "vic_exploitation_type",
    "cas_country_of_exploitation",
)
STATUS = {
    "identified": "identified_victim",
    "possible": "possible_victim",
    "not_victim": "not_victim",
    "screened_only": "no_indication",
}
GENDER = {"female": "female", "male": "male", "other": "other"}


class HtcdsExport(bytes):
    """The CSV (UTF-8) as bytes, with how many records it holds and how many were dropped."""

    rows: int
    dropped: int
    k: int

    def __new__(cls, data: bytes, rows: int, dropped: int, k: int) -> HtcdsExport:
        made = super().__new__(cls, data)
        made.rows, made.dropped, made.k = rows, dropped, k
        return made


def _country(list_name: str, code: str) -> str:
    if code in ("unknown", "stateless", "other"):
        return code
    return iso_code(list_name, code) or "other"


def _minor(age_group: str) -> str:
    if age_group == "unknown":
        return "unknown"
    return "true" if age_group in ("0-11", "12-17") else "false"


def records(session: Session, scope: facts.Scope | None = None) -> Counter[tuple[str, ...]]:
    """The generalised records and how many cases share each."""
    out: Counter[tuple[str, ...]] = Counter()
    for year, role, outcome, sex, age, citizenship, country, types, count in facts.htcds_rows(
        session, scope or facts.Scope()
    ):
        kind = types[0] if len(types) == 1 else "multiple"
        out[
            (
                str(year),
                STATUS.get(str(outcome), "no_indication"),
                str(role),
                GENDER.get(str(sex), "unknown"),
                str(age),
                _minor(str(age)),
                _country("citizenship", str(citizenship)),
                kind,
                _country("country", str(country)),
            )
        ] += count
    return out


def export_htcds(
    session: Session, k: int = K_ANONYMITY, scope: facts.Scope | None = None
) -> HtcdsExport:
    """The anonymised CSV of every screened case (supervisors only)."""
    session.require(Action.STATISTICS)
    kept = dropped = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record, count in sorted(records(session, scope).items()):
        if count < k:
            dropped += count
            continue
        kept += count
        writer.writerows([record] * count)

    with database.transaction(session.conn):
        session.audit("stats.export_htcds", None, {"rows": kept, "dropped": dropped, "k": k})
    return HtcdsExport(buffer.getvalue().encode("utf-8"), kept, dropped, k)
