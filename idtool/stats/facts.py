"""The SQL behind the statistics: one row per combination of the breakdown dimensions.

Each case in scope is reduced to a few coded facts (no names, dates of birth, document numbers
or free text): region, first-responder type (the role of the officer who opened the case), the
outcome (screened / possible / identified), and the answers used for the breakdowns, each taken
from the most recent interview of the case that answered it. SQLite groups the cases by every
dimension at once, so Python only adds up a few thousand grouped rows, not 100,000 cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.session import Session

AGE_GROUPS = ("0-11", "12-17", "18-25", "26-35", "36-45", "46+", "unknown")
# Outcomes, the most advanced first: identified victims are also possible victims, and both
# were screened.
OUTCOMES = ("identified", "possible", "not_victim", "screened_only", "not_screened")
QUESTIONS = ("sex", "age_at_exploitation", "age_now", "under_18_at_exploitation",
             "citizenship", "exploitation_country", "exploitation_type")


@dataclass(frozen=True)
class Scope:
    """Which cases count: opened in [period_from, period_to], in a region, by a responder."""

    period_from: date | None = None
    period_to: date | None = None
    region: str | None = None
    responder: str | None = None
    demo: bool = False  # count the fictional demo cases (only in the demo program)

    def where(self) -> tuple[str, list[object]]:
        clauses, args = ["1" if self.demo else "c.demo = 0"], []
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise InvalidInput(_("The start of the period is after its end."))
        if self.period_from:
            clauses.append("substr(c.opened_at, 1, 10) >= ?")
            args.append(self.period_from.isoformat())
        if self.period_to:
            clauses.append("substr(c.opened_at, 1, 10) <= ?")
            args.append(self.period_to.isoformat())
        if self.region:
            clauses.append("c.region = ?")
            args.append(self.region)
        if self.responder:
            clauses.append("o.role = ?")
            args.append(self.responder)
        return " AND ".join(clauses), args

    def population(self) -> tuple[str, list[object]]:
        """A CTE `pop (uuid, region, role, opened_at)` of the cases in scope."""
        where, args = self.where()
        return ("pop AS (SELECT c.uuid, c.region, o.role, c.opened_at FROM cases c"
                f" JOIN officers o ON o.uuid = c.officer_uuid WHERE {where})", args)


_AGE = ("CASE WHEN age IS NULL THEN 'unknown'"
        " WHEN age < 12 THEN '0-11' WHEN age < 18 THEN '12-17' WHEN age < 26 THEN '18-25'"
        " WHEN age < 36 THEN '26-35' WHEN age < 46 THEN '36-45' ELSE '46+' END")

_OUTCOME = ("CASE WHEN NOT screened THEN 'not_screened'"
            " WHEN dec = 'identified_victim' THEN 'identified'"
            " WHEN dec = 'possible_victim' THEN 'possible'"
            " WHEN dec = 'not_victim' THEN 'not_victim'"
            " WHEN rec IN ('possible_victim', 'presumed_victim') THEN 'possible'"
            " ELSE 'screened_only' END")


def _latest(expr: str, key: str) -> str:
    """max() of `key`-prefixed values keeps the value of the latest row; this strips the key."""
    return (f"substr(max({key} || char(31) || {expr}),"
            f" instr(max({key} || char(31) || {expr}), char(31)) + 1)")


def _facts_sql() -> str:
    """CTEs `facts` (one row per case in scope) and `coded`, built set-wise: every table is
    read once and grouped, never searched case by case."""
    pivot = ", ".join(f"max(CASE question WHEN '{q}' THEN NULLIF(value, 'null') END) AS {q}"
                      for q in QUESTIONS)
    latest = ", ".join(
        f"{_latest('v.' + q, 'i.started_at')} AS {q}" for q in QUESTIONS)
    in_list = ", ".join(f"'{q}'" for q in QUESTIONS)
    return f"""
per_iv AS (
    SELECT interview_uuid, {pivot} FROM answers WHERE question IN ({in_list})
    GROUP BY interview_uuid
),
per_case AS (
    SELECT i.case_uuid, {latest}
    FROM interviews i NOT INDEXED LEFT JOIN per_iv v ON v.interview_uuid = i.uuid
    GROUP BY i.case_uuid
),
dec AS (
    SELECT case_uuid, {_latest('decision', 'decided_at')} AS dec,
        sum(against_recommendation) AS against
    FROM decisions NOT INDEXED GROUP BY case_uuid
),
ass AS (
    SELECT case_uuid, {_latest('recommendation', 'created_at')} AS rec,
        {_latest("coalesce(json_extract(result, '$.child'), '')", 'created_at')} AS child_flag
    FROM assessments NOT INDEXED GROUP BY case_uuid
),
le AS (
    SELECT case_uuid, {_latest('state', 'recorded_at')} AS le_consent
    FROM consents WHERE purpose = 'law_enforcement' GROUP BY case_uuid
),
facts AS (
    SELECT p.uuid, p.region, p.role, substr(p.opened_at, 1, 4) AS year,
        pc.case_uuid IS NOT NULL AS screened, d.dec, coalesce(d.against, 0) AS against,
        a.rec, a.child_flag, l.le_consent,
        pc.sex, pc.age_at_exploitation AS age_exp, pc.age_now,
        pc.under_18_at_exploitation AS under_18, pc.citizenship,
        pc.exploitation_country AS country, pc.exploitation_type AS etype
    FROM pop p
    LEFT JOIN per_case pc ON pc.case_uuid = p.uuid
    LEFT JOIN dec d ON d.case_uuid = p.uuid
    LEFT JOIN ass a ON a.case_uuid = p.uuid
    LEFT JOIN le l ON l.case_uuid = p.uuid
),
coded AS (
    SELECT region, role, year, screened, dec, against, sex, citizenship, country, etype,
        rec, coalesce(child_flag, '') AS child_flag, le_consent,
        CASE WHEN age_exp IS NOT NULL THEN CAST(age_exp AS INTEGER)
             WHEN age_now IS NOT NULL
                  AND (under_18 IS NOT '"yes"' OR CAST(age_now AS INTEGER) < 18)
             THEN CAST(age_now AS INTEGER) END AS age
    FROM facts
)"""


DIMENSION_COLUMNS = {"exploitation_type": "etype", "sex": "sex", "age_group": "age_group",
                     "citizenship": "citizenship", "country": "country", "region": "region",
                     "responder": "role"}
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
    conn.execute(f"""CREATE TEMP TABLE {_TEMP} AS WITH {pop}, {_facts_sql()}
SELECT region, role, {_OUTCOME} AS outcome, sex, {_AGE} AS age_group, citizenship, country,
    etype, (le_consent = 'given' AND NOT (child_flag = '1' OR (child_flag = '' AND age < 18)))
        AS adult_le, against
FROM coded""", args)
    try:
        by_outcome: dict[str, int] = {}
        against = adults = 0
        for outcome, count, against_n, adult_n in conn.execute(
                f"SELECT outcome, count(*), sum(against), sum(adult_le) FROM temp.{_TEMP}"
                " GROUP BY outcome"):
            by_outcome[str(outcome)] = int(count)
            against += int(against_n or 0)
            adults += int(adult_n or 0)
        by_dimension: dict[str, dict[tuple[str, str], int]] = {}
        for dim, column in DIMENSION_COLUMNS.items():
            found: dict[tuple[str, str], int] = {}
            for value, outcome, count in conn.execute(
                    f"SELECT {column}, outcome, count(*) FROM temp.{_TEMP}"
                    " WHERE outcome != 'not_screened' GROUP BY 1, 2"):
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


def htcds_rows(session: Session, scope: Scope) -> list[tuple[object, ...]]:
    """(year, role, outcome, sex, age group, citizenship, country, types, count) of the
    screened cases, for the anonymised export."""
    pop, args = scope.population()
    sql = f"""WITH {pop}, {_facts_sql()}
SELECT year, role, {_OUTCOME} AS outcome, sex, {_AGE} AS age_group, citizenship, country,
    etype, count(*)
FROM coded WHERE screened
GROUP BY year, role, outcome, sex, age_group, citizenship, country, etype"""
    return [(r[0], r[1], r[2], _text(r[3]), r[4], _text(r[5]), _text(r[6]), _types(r[7]),
             int(r[8])) for r in session.conn.execute(sql, args)]


def decision_days(session: Session, scope: Scope) -> list[float]:
    """Days from first contact (the case opened) to the first status decision, per case."""
    pop, args = scope.population()
    sql = f"""WITH {pop}
SELECT julianday(min(d.decided_at)) - julianday(p.opened_at) FROM pop p
JOIN decisions d ON d.case_uuid = p.uuid AND d.decision != 'needs_information'
GROUP BY p.uuid"""
    return [max(0.0, float(r[0])) for r in session.conn.execute(sql, args) if r[0] is not None]


def referral_counts(session: Session, scope: Scope) -> tuple[int, int, int]:
    """Referrals made, accepted (or served), and with a service delivered."""
    pop, args = scope.population()
    sql = f"""WITH {pop}
SELECT count(*),
    coalesce(sum(EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_uuid = r.uuid
        AND e.status IN ('accepted', 'service_delivered'))), 0),
    coalesce(sum(EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_uuid = r.uuid
        AND e.status = 'service_delivered')), 0)
FROM referrals r JOIN pop p ON p.uuid = r.case_uuid"""
    made, accepted, delivered = session.conn.execute(sql, args).fetchone()
    return int(made), int(accepted), int(delivered)
