"""A partner's filled HTCDS toolkit spreadsheet, previewed and imported as cases (supervisors).

`preview` reads the workbook without trusting it (the size and row limits of the XLSForm
reader), finds the toolkit's columns by their field names (the hidden first row, either
spelling) or, failing that, by their labels, and checks every row against the standard: a value
must be one of the field's value names or labels (as the validated toolkit writes them), a
country an ISO 3166 code or name, a date a date. Each row that does not fit is listed with the
column and the reason; `import_cases` then refuses to import anything, so a sheet is never half
imported. Each row that fits becomes a case (`cases.open_received`) with the person's details
and a received, read-only interview of the answers the facts map to; the partner's facts are
kept with it (`partner_imports`, no personal data) and the case waits for the person's consent
to be confirmed. Possible duplicates are found with the rule the bundle import uses.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idtool import cases, database, dates, names, person_matches, received_interviews
from idtool.errors import InvalidInput
from idtool.htcds import mapping as m
from idtool.htcds import standard
from idtool.htcds.standard import SEPARATOR
from idtool.htcds.toolkit import standard_name
from idtool.i18n import _
from idtool.policy import Action
from idtool.questionnaire.answers import check as answer_check
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.registry import load_shipped
from idtool.questionnaire.xlsx_workbook import read_sheets
from idtool.regions import REGIONS
from idtool.session import Session
from idtool.stats.labels import iso_code

FORM = "nrm-identification"
MAX_SOURCE = 200
NAME_FIELDS = ("prs_FirstName", "prs_MiddleName", "prs_SecondName")
# Picklists (and countries) read from a partner's sheet; the rest of its columns are not read.
READ = (
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferredOrganisation",
)
SEX = {"Feminine": "female", "Masculine": "male", "NonSpecifiedUnknown": ""}


@dataclass(frozen=True)
class PartnerCase:
    line: int
    full_name: str
    birth_date: str  # ISO, or ""
    sex: str  # our code, or ""
    citizenship: str  # our code, or ""
    document_number: str  # prs_IdentityNumber where the sheet has that column
    facts: dict[str, str]  # HTCDS value names, multi-select joined with ";"
    duplicates: tuple[str, ...] = ()  # case numbers of a person the duplicate rule matches


@dataclass(frozen=True)
class Rejected:
    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class Preview:
    cases: tuple[PartnerCase, ...]
    rejected: tuple[Rejected, ...] = field(default=())


def _unique(found: list[tuple[str, int]]) -> dict[str, int]:
    """Field name -> column; a field in two columns is refused (one of them would be ignored:
    a name or a status lost without a word)."""
    where: dict[str, int] = {}
    for name, i in found:
        if name in where:
            raise InvalidInput(
                _("The field {field} is in two columns; keep one and import again.").format(
                    field=name
                )
            )
        where[name] = i
    return where


def _columns(rows: list[tuple[Any, ...]]) -> tuple[dict[str, int], int]:
    """Field name -> column index, and the index of the first data row."""
    kit = standard.toolkit()
    known = set(standard.fields())
    for top in range(min(len(rows), 3)):
        named = [
            (standard_name(str(v).strip()), i)
            for i, v in enumerate(rows[top])
            if isinstance(v, str) and standard_name(v.strip()) in known
        ]
        if len({n for n, _i in named}) >= 3:
            labels = top + 1 < len(rows) and any(
                isinstance(v, str) and v.strip() in kit.labels for v in rows[top + 1]
            )
            return _unique(named), top + (2 if labels else 1)
    by_label = {
        label: standard_name(n) for n, label in zip(kit.names, kit.labels, strict=True) if n
    }
    for top in range(min(len(rows), 3)):
        named = [
            (by_label[str(v).strip()], i)
            for i, v in enumerate(rows[top])
            if isinstance(v, str) and v.strip() in by_label
        ]
        if len({n for n, _i in named}) >= 3:
            return _unique(named), top + 1
    raise InvalidInput(
        _("This is not an HTCDS toolkit spreadsheet: its field names were not found.")
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _shown(text: str) -> str:
    """A cell's text as a reason may repeat it: at most 60 characters, without control,
    format (text-direction) or unassigned characters, which could disguise the listing."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return kept[:60]


def _read_value(name: str, cell: str) -> tuple[str, str | None]:
    """(value names joined, reason when a part does not fit the standard)."""
    parts = [p.strip() for p in cell.split(SEPARATOR)] if standard.several(name) else [cell]
    out: list[str] = []
    for part in filter(None, parts):
        value = standard.value_name(name, part)
        if value is None:
            return "", _("“{value}” is not a value of {field} in HTCDS 2.0.").format(
                value=_shown(part), field=name
            )
        out.append(value)
    return SEPARATOR.join(dict.fromkeys(out)), None


def _birth_date(value: Any) -> tuple[str, str | None]:
    if value is None or value == "":
        return "", None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat(), None
    found = dates.parse_typed(_text(value))
    if found is None:
        return "", _("The date of birth is not a date (use YYYY-MM-DD or DD.MM.YYYY).")
    return found.isoformat(), None


def _our_country(list_name: str, codes: str) -> str:
    first = codes.split(SEPARATOR)[0] if codes else ""
    if not first:
        return ""
    return next((c for c in _country_codes(list_name) if iso_code(list_name, c) == first), "other")


def _country_codes(list_name: str) -> tuple[str, ...]:
    form = load_shipped(FORM)
    for chosen in form.choice_lists:
        if chosen.name == list_name:
            return tuple(c.name for c in chosen.choices)
    return ()


def _row(line: int, cells: tuple[Any, ...], where: dict[str, int]) -> PartnerCase | list[Rejected]:
    def cell(name: str) -> Any:
        i = where.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    rejected: list[Rejected] = []
    facts: dict[str, str] = {}
    for name in READ:
        value, reason = _read_value(name, _text(cell(name)))
        if reason:
            rejected.append(Rejected(line, name, reason))
        elif value:
            facts[name] = value
    full_name = " ".join(filter(None, (_text(cell(n)) for n in NAME_FIELDS)))
    try:
        full_name = names.clean_name(full_name) if full_name else ""
    except InvalidInput as error:
        rejected.append(Rejected(line, "prs_FirstName", str(error)))
    birth, reason = _birth_date(cell("prs_Birthdate"))
    if reason:
        rejected.append(Rejected(line, "prs_Birthdate", reason))
    document = _text(cell("prs_IdentityNumber"))
    try:
        document = cases.check_document_number(document) if document else ""
    except InvalidInput as error:
        rejected.append(Rejected(line, "prs_IdentityNumber", str(error)))
    if rejected:
        return rejected
    gender = facts.get("prs_Gender", "")
    sex = SEX.get(gender, "other") if gender else ""
    citizenship = _our_country("citizenship", facts.get("prs_Citizenship", ""))
    return PartnerCase(line, full_name, birth, sex, citizenship, document, facts)


def _blank(cells: tuple[Any, ...], where: dict[str, int]) -> bool:
    return all(_text(cells[i]) == "" for i in where.values() if i < len(cells))


def preview(session: Session, path: Path) -> Preview:
    """What importing the spreadsheet would do; nothing is written."""
    session.require(Action.IMPORT_CASE_BUNDLE)
    problems = Problems(path.name)
    sheets = read_sheets(path, problems)
    if sheets is None:
        raise InvalidInput(str(problems.errors()[0]))
    kit = standard.toolkit()
    rows = next((r for title, r in sheets if title == kit.sheet), sheets[0][1] if sheets else [])
    where, first = _columns(rows)
    found: list[PartnerCase] = []
    rejected: list[Rejected] = []
    for offset, cells in enumerate(rows[first:]):
        if _blank(cells, where):
            continue  # the toolkit's numbered empty rows
        made = _row(first + offset + 1, cells, where)
        if isinstance(made, list):
            rejected += made
        else:
            found.append(_with_duplicates(session, made))
    return Preview(tuple(found), tuple(rejected))


def _with_duplicates(session: Session, case: PartnerCase) -> PartnerCase:
    persons = person_matches.matches(
        session.conn,
        full_name=case.full_name,
        birth_date=case.birth_date,
        document_number=case.document_number,
    )
    if not persons:
        return case
    numbers = tuple(
        sorted(
            str(n)
            for (n,) in session.conn.execute(
                f"SELECT number FROM cases WHERE person_uuid IN ({', '.join('?' * len(persons))})",
                tuple(persons),
            )
        )
    )
    return PartnerCase(**{**case.__dict__, "duplicates": numbers})


def _flag_duplicates(session: Session, case_uuid: str, case: PartnerCase, batch: str) -> None:
    """Put each person the duplicate rule matches (here before, or earlier in this sheet) in
    the review's possible duplicates, as a bundle import does: a sheet imported twice, or a
    person already known, is judged by a person, never merged."""
    (person,) = session.conn.execute(
        "SELECT person_uuid FROM cases WHERE uuid = ?", (case_uuid,)
    ).fetchone()
    found = person_matches.matches(
        session.conn,
        full_name=case.full_name,
        birth_date=case.birth_date,
        document_number=case.document_number,
        not_uuid=str(person),
    )
    for other, why in sorted(found.items()):
        a, b = sorted((str(person), other))
        session.conn.execute(
            "INSERT INTO sync_duplicates (uuid, person_a, person_b, reason, bundle_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_a, person_b) DO NOTHING",
            (str(uuid.uuid4()), a, b, "+".join(sorted(why)), batch, cases.now_iso()),
        )


def _answers(case: PartnerCase) -> list[tuple[str, str]]:
    f = case.facts

    def codes(name: str, table: dict[str, str]) -> list[str]:
        back = m.reverse(table)
        return [back[v] for v in f.get(name, "").split(SEPARATOR) if v in back]

    raw: dict[str, object] = {
        "exploitation_type": codes("vic_TypeOfExploitation", m.EXPLOITATION),
        "sector": codes("vic_ForcedLabourIndustry", m.INDUSTRY),
        "sexual_exploitation_forms": codes("vic_TypeOfSexExploitation", m.SEX_EXPLOITATION),
        "sex": case.sex,
        "citizenship": case.citizenship,
        "exploitation_country": _our_country("country", f.get("vic_LocationOfExploitation", "")),
    }
    form = load_shipped(FORM)
    out: list[tuple[str, str]] = []
    for question, value in raw.items():
        if value in ("", []):
            continue
        out.append((question, json.dumps(answer_check(form, question, value), ensure_ascii=False)))
    return out


def import_cases(session: Session, found: Preview, source: str, region: str) -> list[str]:
    """Open a case per previewed row, all in one transaction; returns the new cases' uuids.
    Refused (nothing written) while any row is rejected."""
    session.require(Action.IMPORT_CASE_BUNDLE)
    source = " ".join(source.split())
    if not source or len(source) > MAX_SOURCE or names.problem(source) is not None:
        raise InvalidInput(_("Name the partner organisation the spreadsheet came from."))
    if region not in REGIONS:
        raise InvalidInput(_("Unknown region: {region}.").format(region=region))
    if found.rejected:
        raise InvalidInput(
            _("{n} rows do not fit the HTCDS standard; nothing was imported.").format(
                n=len({r.line for r in found.rejected})
            )
        )
    form = load_shipped(FORM)
    made: list[str] = []
    batch = f"htcds:{uuid.uuid4()}"  # the duplicates queue's "bundle" of this import
    with database.transaction(session.conn):
        for case in found.cases:
            person = {
                "full_name": case.full_name,
                "other_names": "",
                "sex": case.sex,
                "birth_date": case.birth_date,
                "citizenship": case.citizenship,
                "document_number": case.document_number,
            }
            identified = case.facts.get("vic_TraffickingStatus") == "ActualVictimOfTrafficking"
            case_uuid = cases.open_received(session, person, region, identified)
            answers = _answers(case)
            if answers:
                received_interviews.record_received(
                    session, case_uuid, (FORM, form.version, form.default_language), answers
                )
            session.conn.execute(
                "INSERT INTO partner_imports (case_uuid, source, facts, imported_at, officer_uuid,"
                " device_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    case_uuid,
                    source,
                    json.dumps(case.facts, sort_keys=True),
                    cases.now_iso(),
                    session.officer.uuid,
                    session.device_id,
                ),
            )
            _flag_duplicates(session, case_uuid, case, batch)
            made.append(case_uuid)
        session.audit("htcds.import", None, {"cases": len(made)})
    return made
