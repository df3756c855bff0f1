"""The SQL behind the statistics: one row per combination of the breakdown dimensions.

Each case in scope is reduced to a few coded facts (no names, dates of birth, document numbers
or free text): region, first-responder type (the role of the officer who opened the case), the
outcome (screened / possible / identified), and the answers used for the breakdowns, each taken
from the most recent interview of the case that answered it; the sex and, with no answered age,
the age (from the date of birth) come from the person record first. SQLite groups the cases by
every dimension at once, so Python only adds up a few thousand grouped rows, not 100,000 cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from idtool.database import Connection, transaction
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session

AGE_GROUPS = ("0-11", "12-17", "18-25", "26-35", "36-45", "46+", "unknown")
# Outcomes, the most advanced first: identified victims are also possible victims, and both
# were screened.
OUTCOMES = ("identified", "possible", "not_victim", "screened_only", "not_screened")
QUESTIONS = (
    "sex",
    "age_at_exploitation",
    "age_now",
    "under_18_at_exploitation",
    "citizenship",
    "exploitation_country",
    "exploitation_type",
)


@dataclass(frozen=True)
class Scope:
    """Which cases count: opened in [period_from, period_to], in a region, by a responder."""

    period_from: date | None = None
    period_to: date | None = None
    region: str | None = None
    responder: str | None = None
    demo: bool = False  # count the fictional demo cases (only in the demo program)

    def where(self) -> tuple[str, list[object]]:
        """Conditions on the facts cache `f` (see `population`)."""
        clauses = ["1" if self.demo else "f.demo = 0"]
        args: list[object] = []
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise InvalidInput(_("The start of the period is after its end."))
        if self.period_from:
            clauses.append("substr(f.opened_at, 1, 10) >= ?")
            args.append(self.period_from.isoformat())
        if self.period_to:
            clauses.append("substr(f.opened_at, 1, 10) <= ?")
            args.append(self.period_to.isoformat())
        if self.region:
            clauses.append("f.region = ?")
            args.append(self.region)
        if self.responder:
            clauses.append("f.role = ?")
            args.append(self.responder)
        return " AND ".join(clauses), args

    def population(self) -> tuple[str, list[object]]:
        """A CTE `pop` of the cached facts of the cases in scope (call `refresh` first)."""
        where, args = self.where()
        return f"pop AS (SELECT f.* FROM stats_case_facts f WHERE {where})", args


_AGE = (
    "CASE WHEN age IS NULL THEN 'unknown'"
    " WHEN age < 12 THEN '0-11' WHEN age < 18 THEN '12-17' WHEN age < 26 THEN '18-25'"
    " WHEN age < 36 THEN '26-35' WHEN age < 46 THEN '36-45' ELSE '46+' END"
)

_OUTCOME = (
    "CASE WHEN NOT screened THEN 'not_screened'"
    " WHEN dec = 'identified_victim' THEN 'identified'"
    " WHEN dec = 'possible_victim' THEN 'possible'"
    " WHEN dec = 'not_victim' THEN 'not_victim'"
    " WHEN rec IN ('possible_victim', 'presumed_victim') THEN 'possible'"
    " ELSE 'screened_only' END"
)


def _latest(expr: str, key: str) -> str:
    """max() of `key`-prefixed values keeps the value of the latest row; this strips the key."""
    return (
        f"substr(max({key} || char(31) || {expr}),"
        f" instr(max({key} || char(31) || {expr}), char(31)) + 1)"
    )


_CACHED = (
    "region",
    "role",
    "opened_at",
    "demo",
    "screened",
    "first_decision_at",
    "dec",
    "against",
    "rec",
    "child_flag",
    "le_consent",
    "sex",
    "age_exp",
    "age_now",
    "under_18",
    "citizenship",
    "country",
    "etype",
)


# The person record counts first: its sex (answers store JSON text), and its age on the day the
# case was opened from the date of birth when no interview answered the age now.
_PERSON_SEX = "CASE WHEN p.sex != '' THEN json_quote(p.sex) ELSE pc.sex END"
_PERSON_AGE = (
    "CASE WHEN p.birth_date != '' THEN CAST(CAST(substr(c.opened_at, 1, 4) AS INTEGER)"
    " - CAST(substr(p.birth_date, 1, 4) AS INTEGER)"
    " - (substr(c.opened_at, 6, 5) < substr(p.birth_date, 6, 5)) AS TEXT) END"
)


def _refresh_sql(many: bool) -> str:
    """Recompute the cached facts of every case marked in `stats_dirty`, set-wise. A few marked
    cases are found through the indexes; when `many` are marked (after a large import or the
    migration) every table is read once and grouped instead, which is then faster."""

    def source(table: str, alias: str) -> str:
        if many:
            return f"{table} {alias} NOT INDEXED"
        # CROSS JOIN keeps the few marked cases as the outer loop (SQLite's planner, without
        # ANALYZE figures, would rather scan the big table and probe the marks).
        return f"stats_dirty s CROSS JOIN {table} {alias} ON {alias}.case_uuid = s.case_uuid"

    pivot = ", ".join(
        f"max(CASE a.question WHEN '{q}' THEN NULLIF(a.value, 'null') END) AS {q}"
        for q in QUESTIONS
    )
    latest = ", ".join(f"{_latest('v.' + q, 'i.started_at')} AS {q}" for q in QUESTIONS)
    in_list = ", ".join(f"'{q}'" for q in QUESTIONS)
    answers = (
        "answers a"
        if many
        else source("interviews", "i") + " CROSS JOIN answers a ON a.interview_uuid = i.uuid"
    )
    return f"""INSERT INTO stats_case_facts ({", ".join(("case_uuid", *_CACHED))})
WITH per_iv AS (
    SELECT a.interview_uuid, {pivot}
    FROM {answers}
    WHERE a.question IN ({in_list})
    GROUP BY a.interview_uuid
),
per_case AS (
    SELECT i.case_uuid, {latest}
    FROM {source("interviews", "i")} LEFT JOIN per_iv v ON v.interview_uuid = i.uuid
    GROUP BY i.case_uuid
),
dec AS (
    SELECT d.case_uuid, {_latest("d.decision", "d.decided_at")} AS dec,
        sum(d.against_recommendation) AS against,
        min(CASE WHEN d.decision != 'needs_information' THEN d.decided_at END) AS first_at
    FROM {source("decisions", "d")} GROUP BY d.case_uuid
),
ass AS (
    SELECT a.case_uuid, {_latest("a.recommendation", "a.created_at")} AS rec,
        {_latest("coalesce(json_extract(a.result, '$.child'), '')", "a.created_at")}
            AS child_flag
    FROM {source("assessments", "a")} GROUP BY a.case_uuid
),
le AS (
    SELECT c.case_uuid, {_latest("c.state", "c.recorded_at")} AS le_consent
    FROM {source("consents", "c")}
    WHERE c.purpose = 'law_enforcement' GROUP BY c.case_uuid
)
SELECT s.case_uuid, c.region, o.role, c.opened_at, c.demo, pc.case_uuid IS NOT NULL,
    d.first_at, d.dec, coalesce(d.against, 0), a.rec,
    a.child_flag, l.le_consent, {_PERSON_SEX}, pc.age_at_exploitation,
    coalesce(pc.age_now, {_PERSON_AGE}),
    pc.under_18_at_exploitation, pc.citizenship, pc.exploitation_country, pc.exploitation_type
FROM stats_dirty s
CROSS JOIN cases c ON c.uuid = s.case_uuid
JOIN persons p ON p.uuid = c.person_uuid
JOIN officers o ON o.uuid = c.officer_uuid
LEFT JOIN per_case pc ON pc.case_uuid = s.case_uuid
LEFT JOIN dec d ON d.case_uuid = s.case_uuid
LEFT JOIN ass a ON a.case_uuid = s.case_uuid
LEFT JOIN le l ON l.case_uuid = s.case_uuid"""


def refresh(conn: Connection) -> int:
    """Bring the facts cache up to date (the cases marked by the triggers of migration 9);
    returns how many cases were recomputed. Does nothing, and writes nothing, when no case
    changed since the last time."""
    if conn.execute("SELECT 1 FROM stats_dirty LIMIT 1").fetchone() is None:
        return 0
    with transaction(conn):
        count = int(conn.execute("SELECT count(*) FROM stats_dirty").fetchone()[0])
        total = int(conn.execute("SELECT count(*) FROM stats_case_facts").fetchone()[0])
        conn.execute(
            "DELETE FROM stats_case_facts WHERE case_uuid IN (SELECT case_uuid FROM stats_dirty)"
        )
        conn.execute(_refresh_sql(many=count * 5 > total))
        conn.execute("DELETE FROM stats_dirty")
    if count > 1000:
        # Fold the rewritten pages into the database file: reading them back through a long
        # write-ahead log makes every later count slower.
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return count


def _facts_sql() -> str:
    """CTEs `facts` (one row per case in scope, from the cache) and `coded`."""
    cached = ", ".join(c for c in _CACHED if c not in ("region", "role", "opened_at", "demo"))
    return f"""
facts AS (
    SELECT case_uuid, region, role, substr(opened_at, 1, 4) AS year, {cached} FROM pop
),
coded AS (
    SELECT case_uuid, region, role, year, screened, dec, against, sex, citizenship, country, etype,
        rec, coalesce(child_flag, '') AS child_flag, le_consent,
        CASE WHEN age_exp IS NOT NULL THEN CAST(age_exp AS INTEGER)
             WHEN age_now IS NOT NULL
                  AND (under_18 IS NOT '"yes"' OR CAST(age_now AS INTEGER) < 18)
             THEN CAST(age_now AS INTEGER) END AS age
    FROM facts
)"""


DIMENSION_COLUMNS = {
    "exploitation_type": "etype",
    "sex": "sex",
    "age_group": "age_group",
    "citizenship": "citizenship",
    "country": "country",
    "region": "region",
    "responder": "role",
}
_TEMP = "idtool_stats_cases"


@dataclass
class Aggregates:
    """Counts by outcome, and by (dimension code, outcome) for every dimension."""

    by_outcome: dict[str, int]
    against: int
    adults_le: int
    by_dimension: dict[str, dict[tuple[str, str], int]]


def aggregates(session: Session, scope: Scope) -> Aggregates:
    """One pass builds the coded cases into an in-memory temporary table (codes only, no
    names); small GROUP BY queries over it give every breakdown."""
    pop, args = scope.population()
    conn = session.conn
    conn.execute(f"DROP TABLE IF EXISTS temp.{_TEMP}")
    conn.execute(
        f"""CREATE TEMP TABLE {_TEMP} AS WITH {pop}, {_facts_sql()}
SELECT region, role, {_OUTCOME} AS outcome, sex, {_AGE} AS age_group, citizenship, country,
    etype, (le_consent = 'given' AND NOT (child_flag = '1' OR (child_flag = '' AND age < 18)))
        AS adult_le, against
FROM coded""",
        args,
    )
    try:
        by_outcome: dict[str, int] = {}
        against = adults = 0
        for outcome, count, against_n, adult_n in conn.execute(
            f"SELECT outcome, count(*), sum(against), sum(adult_le) FROM temp.{_TEMP}"
            " GROUP BY outcome"
        ):
            by_outcome[str(outcome)] = int(count)
            against += int(against_n or 0)
            adults += int(adult_n or 0)
        by_dimension: dict[str, dict[tuple[str, str], int]] = {}
        for dim, column in DIMENSION_COLUMNS.items():
            found: dict[tuple[str, str], int] = {}
            for value, outcome, count in conn.execute(
                f"SELECT {column}, outcome, count(*) FROM temp.{_TEMP}"
                " WHERE outcome != 'not_screened' GROUP BY 1, 2"
            ):
                if dim == "exploitation_type":
                    codes: tuple[str, ...] = _types(value)
                elif dim in ("sex", "citizenship", "country"):
                    codes = (_text(value),)
                else:
                    codes = (str(value),)
                for code in codes:
                    found[(code, str(outcome))] = found.get((code, str(outcome)), 0) + count
            by_dimension[dim] = found
    finally:
        conn.execute(f"DROP TABLE IF EXISTS temp.{_TEMP}")
    return Aggregates(by_outcome, against, adults, by_dimension)


@lru_cache(maxsize=4096)
def _text(value: str | None) -> str:
    if value is None:
        return "unknown"
    try:
        loaded = json.loads(value)
    except ValueError:
        return "unknown"
    return str(loaded) if isinstance(loaded, str) and loaded else "unknown"


@lru_cache(maxsize=4096)
def _types(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ("unknown",)
    try:
        loaded = json.loads(value)
    except ValueError:
        return ("unknown",)
    if isinstance(loaded, str):
        loaded = [loaded]
    found = tuple(sorted({str(v) for v in loaded if v})) if isinstance(loaded, list) else ()
    return found or ("unknown",)


# case, year, role, outcome, sex, age group, citizenship, country, types.
HtcdsRow = tuple[str, str, str, str, str, str, str, str, tuple[str, ...]]


def htcds_rows(session: Session, scope: Scope) -> list[HtcdsRow]:
    """(case, year, role, outcome, sex, age group, citizenship, country, types) of each
    screened case, for the anonymised export (`idtool.htcds`)."""
    pop, args = scope.population()
    refresh(session.conn)
    sql = f"""WITH {pop}, {_facts_sql()}
SELECT case_uuid, year, role, {_OUTCOME} AS outcome, sex, {_AGE} AS age_group, citizenship,
    country, etype
FROM coded WHERE screened"""
    return [
        (
            str(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            _text(r[4]),
            str(r[5]),
            _text(r[6]),
            _text(r[7]),
            _types(r[8]),
        )
        for r in session.conn.execute(sql, args)
    ]


def decision_days(session: Session, scope: Scope) -> list[float]:
    """Days from first contact (the case opened) to the first status decision, per case."""
    pop, args = scope.population()
    sql = f"""WITH {pop}
SELECT julianday(first_decision_at) - julianday(opened_at) FROM pop
WHERE first_decision_at IS NOT NULL"""
    return [max(0.0, float(r[0])) for r in session.conn.execute(sql, args) if r[0] is not None]


def referral_counts(session: Session, scope: Scope) -> tuple[int, int, int]:
    """Referrals made, accepted (or served), and with a service delivered. Where the receiving
    organisation reported outcomes (`sync.referral_status`), they decide; the referrer's own
    entries count only for a recipient that reported nothing."""
    pop, args = scope.population()
    sql = f"""WITH {pop},
said AS (
    SELECT r.uuid, o.status FROM referrals r JOIN pop p ON p.case_uuid = r.case_uuid
    JOIN referral_outcomes o ON o.referral_uuid = r.uuid
    UNION ALL
    SELECT r.uuid, e.status FROM referrals r JOIN pop p ON p.case_uuid = r.case_uuid
    JOIN referral_events e ON e.referral_uuid = r.uuid
    WHERE NOT EXISTS (SELECT 1 FROM referral_outcomes o WHERE o.referral_uuid = r.uuid)
)
SELECT (SELECT count(*) FROM referrals r JOIN pop p ON p.case_uuid = r.case_uuid),
    (SELECT count(DISTINCT uuid) FROM said WHERE status IN ('accepted', 'service_delivered')),
    (SELECT count(DISTINCT uuid) FROM said WHERE status = 'service_delivered')"""
    made, accepted, delivered = session.conn.execute(sql, args).fetchone()
    return int(made), int(accepted), int(delivered)
