"""A per-case cache of the coded facts the statistics count, kept honest by triggers.

Every write that can change a case's facts (the case's region, date or officer, the officer's
role, an answer to one of the counted questions, an interview, an assessment, a decision, a
consent) marks the case in
`stats_dirty`; `idtool.stats.facts.refresh` recomputes the marked cases before counting. The
cache holds codes only (no names, dates of birth or free text) and is never exported in a
bundle (it is not in the change journal). Every existing case starts marked.
"""

_QUESTIONS = (
    "'sex', 'age_at_exploitation', 'age_now', 'under_18_at_exploitation',"
    " 'citizenship', 'exploitation_country', 'exploitation_type'"
)


def _mark(table: str, event: str, row: str, case_expr: str, when: str = "") -> str:
    name = f"stats_dirty_{table}_{event.split()[0].lower()}"
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {when}\n"
        f"BEGIN INSERT INTO stats_dirty (case_uuid) {case_expr.format(row=row)};\n"
        f"END;\n"
    )


# Plain INSERT ... WHERE NOT EXISTS, not INSERT OR IGNORE: inside a trigger the outer statement's
# conflict policy (an UPSERT's, say) would replace the IGNORE and fail on a second mark.
_ANSWER_CASE = (
    "SELECT i.case_uuid FROM interviews i WHERE i.uuid = {row}.interview_uuid"
    " AND NOT EXISTS (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = i.case_uuid)"
)
_DIRECT = (
    "SELECT {row}.case_uuid WHERE NOT EXISTS"
    " (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = {row}.case_uuid)"
)
_CASE = (
    "SELECT {row}.uuid WHERE NOT EXISTS"
    " (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = {row}.uuid)"
)

SQL = f"""
CREATE TABLE stats_case_facts (
    case_uuid TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    role TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    demo INTEGER NOT NULL,
    screened INTEGER NOT NULL,
    first_decision_at TEXT,
    dec TEXT,
    against INTEGER NOT NULL,
    rec TEXT,
    child_flag TEXT,
    le_consent TEXT,
    sex TEXT,
    age_exp TEXT,
    age_now TEXT,
    under_18 TEXT,
    citizenship TEXT,
    country TEXT,
    etype TEXT
) WITHOUT ROWID;
CREATE TABLE stats_dirty (case_uuid TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO stats_dirty (case_uuid) SELECT uuid FROM cases;
{_mark("answers", "INSERT", "NEW", _ANSWER_CASE, f"WHEN NEW.question IN ({_QUESTIONS})")}
{_mark("answers", "UPDATE", "NEW", _ANSWER_CASE, f"WHEN NEW.question IN ({_QUESTIONS})")}
{_mark("answers", "DELETE", "OLD", _ANSWER_CASE, f"WHEN OLD.question IN ({_QUESTIONS})")}
{_mark("cases", "INSERT", "NEW", _CASE)}
{_mark("cases", "UPDATE OF region, opened_at, officer_uuid, demo", "NEW", _CASE)}
CREATE TRIGGER stats_dirty_officers_role AFTER UPDATE OF role ON officers
BEGIN INSERT INTO stats_dirty (case_uuid) SELECT c.uuid FROM cases c
    WHERE c.officer_uuid = NEW.uuid
    AND NOT EXISTS (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = c.uuid);
END;
{_mark("interviews", "INSERT", "NEW", _DIRECT)}
{_mark("interviews", "UPDATE OF case_uuid, started_at", "NEW", _DIRECT)}
CREATE TRIGGER stats_dirty_interviews_moved AFTER UPDATE OF case_uuid ON interviews
BEGIN INSERT INTO stats_dirty (case_uuid) SELECT OLD.case_uuid WHERE NOT EXISTS
    (SELECT 1 FROM stats_dirty s WHERE s.case_uuid = OLD.case_uuid);
END;
{_mark("interviews", "DELETE", "OLD", _DIRECT)}
"""
for _table in ("assessments", "decisions", "consents"):
    SQL += _mark(_table, "INSERT", "NEW", _DIRECT)
    SQL += _mark(_table, "UPDATE", "NEW", _DIRECT)
    SQL += _mark(_table, "DELETE", "OLD", _DIRECT)
