"""The rows of one case, erased: every table that holds what the person said or who they are.

Two depths (`erasure` decides which and records the tombstone and the audit entry):

- `reduce` (the retention schedule): what the statistics count stays, the rest goes. The case
  row, its interviews, assessments, decisions, consents, referrals and their events stay, with
  their dates, codes and outcomes; every answer but those the statistics read
  (`stats.facts.QUESTIONS`: sex, ages, citizenship, country and type of exploitation) is
  deleted; free text (a decision's reason, a referral's reason, risks and shared fields, a
  referral event's note, a guardian's name and a child's assent, an addendum's changes and
  reason, a received referral's fields and consents) is emptied; an assessment keeps only
  the child flag and the kind of exploitation; the certificate keeps its number and dates,
  not the holder nor the signed code; the person's details and identity key are emptied
  (unless another case not erased is theirs). The statistics' figures stay the same.
- `delete` (on request): every row of the case and, when no other case is theirs, the person.

Both: the sync queues that copy rows (conflicts, quarantine, possible duplicates, received
digests) forget them, the change journal forgets every entry of the case's records (so no
package sends them again), and a review resolution's note about them is emptied. The name
search indexes follow the persons table through its triggers (`m0005`); `erasure.scrub`
then rewrites them and the file. Call inside a transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from idtool.database import Connection
from idtool.stats.facts import QUESTIONS


@dataclass(frozen=True)
class CaseRows:
    """The keys of a case's records, as the change journal and the sync queues name them."""

    case_uuid: str
    person_uuid: str
    person_shared: bool  # another case not erased is this person's
    keys: tuple[tuple[str, str], ...]  # (table, record key)
    uuids: tuple[str, ...]  # every uuid a copied row of this case may carry


def _column(conn: Connection, sql: str, args: tuple[object, ...]) -> list[str]:
    return [str(r[0]) for r in conn.execute(sql, args)]


def case_rows(conn: Connection, case_uuid: str) -> CaseRows:
    person = str(
        conn.execute("SELECT person_uuid FROM cases WHERE uuid = ?", (case_uuid,)).fetchone()[0]
    )
    shared = (
        conn.execute(
            "SELECT 1 FROM cases c WHERE c.person_uuid = ? AND c.uuid != ? AND NOT EXISTS"
            " (SELECT 1 FROM erasures e WHERE e.case_uuid = c.uuid) AND NOT EXISTS"
            " (SELECT 1 FROM erasing e WHERE e.case_uuid = c.uuid)",
            (person, case_uuid),
        ).fetchone()
        is not None
    )
    keys: list[tuple[str, str]] = [("cases", case_uuid), ("persons", person)]
    by_case = (
        "interviews",
        "assessments",
        "interview_addenda",
        "decisions",
        "consents",
        "referrals",
        "certificates",
        "referrals_received",
        "criminal_links",
        "prosecutor_reviews",
    )
    found: dict[str, list[str]] = {}
    for table in by_case:
        found[table] = _column(conn, f"SELECT uuid FROM {table} WHERE case_uuid = ?", (case_uuid,))
        keys += [(table, k) for k in found[table]]
    keys += [
        ("answers", k)
        for k in _column(
            conn,
            "SELECT a.interview_uuid || '/' || a.question FROM answers a JOIN interviews i"
            " ON i.uuid = a.interview_uuid WHERE i.case_uuid = ?",
            (case_uuid,),
        )
    ]
    events = _column(
        conn,
        "SELECT e.uuid FROM referral_events e JOIN referrals r ON r.uuid = e.referral_uuid"
        " WHERE r.case_uuid = ?",
        (case_uuid,),
    )
    keys += [("referral_events", k) for k in events]
    uuids = [case_uuid, person, *[k for t in by_case for k in found[t]], *events]
    return CaseRows(case_uuid, person, shared, tuple(keys), tuple(uuids))


def _keyed(rows: CaseRows) -> str:
    return json.dumps([f"{t}\x1f{k}" for t, k in rows.keys])


def forget_copies(conn: Connection, rows: CaseRows, journal_top: int) -> None:
    """The sync queues, the change journal and review notes forget the case's records;
    journal entries made after `journal_top` (by the erasure itself) go too."""
    keyed = _keyed(rows)
    uuids = json.dumps(list(rows.uuids))
    in_keys = "tbl || char(31) || record_key IN (SELECT value FROM json_each(?))"
    conn.execute(f"DELETE FROM sync_changes WHERE {in_keys}", (keyed,))
    conn.execute("DELETE FROM sync_changes WHERE id > ?", (journal_top,))
    conn.execute(f"DELETE FROM sync_conflicts WHERE {in_keys}", (keyed,))
    conn.execute(f"DELETE FROM sync_received WHERE {in_keys}", (keyed,))
    conn.execute(
        "DELETE FROM sync_quarantine WHERE EXISTS (SELECT 1 FROM json_each(?) u"
        " WHERE instr(sync_quarantine.record, u.value) > 0)",
        (uuids,),
    )
    conn.execute(
        "UPDATE review_resolutions SET note = '' WHERE target IN (SELECT value FROM json_each(?))",
        (uuids,),
    )
    if not rows.person_shared:
        conn.execute(
            "DELETE FROM sync_duplicates WHERE person_a = ? OR person_b = ?",
            (rows.person_uuid, rows.person_uuid),
        )


_BLANK_PERSON = (
    "UPDATE persons SET full_name = '', other_names = '', sex = '', birth_date = '',"
    " citizenship = '', document_number = '', name_key = '', working_name = '' WHERE uuid = ?"
)


def note_parents(conn: Connection, case_uuid: str) -> None:
    """Remember the ids of the case's interviews and referrals (see migration 21, `erasure`)."""
    for table in ("interviews", "referrals"):
        conn.execute(
            f"INSERT OR IGNORE INTO erased_parents (uuid, case_uuid) SELECT uuid, case_uuid"
            f" FROM {table} WHERE case_uuid = ?",
            (case_uuid,),
        )


def reduce(conn: Connection, rows: CaseRows) -> None:
    """Keep what the statistics count (see the module notes)."""
    case = (rows.case_uuid,)
    kept = ", ".join(f"'{q}'" for q in QUESTIONS)
    conn.execute(
        "DELETE FROM answers WHERE interview_uuid IN (SELECT uuid FROM interviews WHERE"
        f" case_uuid = ?) AND question NOT IN ({kept})",
        case,
    )
    conn.execute(
        "UPDATE interviews SET current_section = '' WHERE case_uuid = ? AND current_section != ''",
        case,
    )
    for uuid, result in conn.execute(
        "SELECT uuid, result FROM assessments WHERE case_uuid = ?", case
    ).fetchall():
        try:
            full = json.loads(result)
        except ValueError:
            full = {}
        full = full if isinstance(full, dict) else {}
        small = {k: full[k] for k in ("child", "exploitation") if k in full}
        conn.execute(
            "UPDATE assessments SET result = ? WHERE uuid = ?",
            (json.dumps({**small, "indicators": []}, sort_keys=True), uuid),
        )
    conn.execute("UPDATE decisions SET reason = '' WHERE case_uuid = ? AND reason != ''", case)
    # A prosecutor's review holds a free-text note and no fact the statistics count.
    conn.execute("DELETE FROM prosecutor_reviews WHERE case_uuid = ?", case)
    conn.execute(
        "UPDATE consents SET guardian = '', child_assent = '' WHERE case_uuid = ?"
        " AND (guardian != '' OR child_assent != '')",
        case,
    )
    conn.execute(
        "UPDATE referrals SET reason = '', risks = '', fields = '[]' WHERE case_uuid = ?", case
    )
    conn.execute(
        "UPDATE referral_events SET note = '' WHERE note != '' AND referral_uuid IN"
        " (SELECT uuid FROM referrals WHERE case_uuid = ?)",
        case,
    )
    conn.execute(
        "UPDATE interview_addenda SET changes = '[]', reason = '' WHERE case_uuid = ?", case
    )
    conn.execute(
        "UPDATE certificates SET holder_name = '', holder_birth_date = '', holder_key = '',"
        " code = '' WHERE case_uuid = ?",
        case,
    )
    conn.execute(
        "UPDATE referrals_received SET reason = '', risks = '', fields = '[]', consents = '[]'"
        " WHERE case_uuid = ?",
        case,
    )
    if not rows.person_shared:
        conn.execute(_BLANK_PERSON, (rows.person_uuid,))


def delete(conn: Connection, rows: CaseRows) -> None:
    """Every row of the case; the person too unless another case not erased is theirs."""
    case = (rows.case_uuid,)
    conn.execute(
        "DELETE FROM answers WHERE interview_uuid IN (SELECT uuid FROM interviews WHERE"
        " case_uuid = ?)",
        case,
    )
    conn.execute(
        "DELETE FROM referral_events WHERE referral_uuid IN"
        " (SELECT uuid FROM referrals WHERE case_uuid = ?)",
        case,
    )
    conn.execute(
        "DELETE FROM referral_outcomes WHERE referral_uuid IN"
        " (SELECT uuid FROM referrals WHERE case_uuid = ?)",
        case,
    )
    for table in (
        "criminal_links",
        "prosecutor_reviews",
        "partner_imports",
        "interview_addenda",
        "certificates",
        "decisions",
        "assessments",
        "interviews",
        "referrals",
        "consents",
        "referrals_received",
        "stats_case_facts",
        "stats_dirty",
    ):
        conn.execute(f"DELETE FROM {table} WHERE case_uuid = ?", case)
    conn.execute("DELETE FROM cases WHERE uuid = ?", case)
    conn.execute("DELETE FROM stats_dirty WHERE case_uuid = ?", case)  # marked by the deletes
    conn.execute("DELETE FROM sync_owners WHERE tbl = 'cases' AND record_key = ?", case)
    if not rows.person_shared:
        others = conn.execute(
            "SELECT 1 FROM cases WHERE person_uuid = ?", (rows.person_uuid,)
        ).fetchone()
        if others is None:
            conn.execute("DELETE FROM persons WHERE uuid = ?", (rows.person_uuid,))
            conn.execute(
                "DELETE FROM sync_owners WHERE tbl = 'persons' AND record_key = ?",
                (rows.person_uuid,),
            )
        else:  # its other cases are erased (reduced) too: keep the row, empty
            conn.execute(_BLANK_PERSON, (rows.person_uuid,))
