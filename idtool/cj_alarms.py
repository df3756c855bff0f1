"""Alarms about a case's criminal-justice link, for the supervisor's review queue.

Each alarm has a stable kind and its reason in words:

- `mischarging`: the assessment recommends "possible" or "presumed victim" (trafficking or
  forced-labour indicators are present) but the case is qualified only under lesser articles
  (organizing illegal migration, for example), or no case was opened although the person agreed
  to report (answered that they want to report to the police, or consented to law enforcement):
  recorded as not opened, or with no link recorded `WAIT_DAYS` after the agreement;
- `private_prosecution`: a trafficking or forced-labour article with private prosecution, which
  the victim can be pressured to withdraw;
- `discontinued_identified`: the case was discontinued although the person was identified as a
  victim;
- `suspect_non_punishment`: the person is a suspect in a case for an act the non-punishment
  principle covers (irregular border crossing, false documents, drugs, prostitution), named by
  the articles or by the interview's answer on acts the person was made to commit.

An alarm ends when the link no longer shows it, or when a prosecutor records a review of the
link as it stands (the review names the link's version: `cj_link.record_review`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from idtool import cj_articles, cj_link
from idtool.i18n import N_, gettext
from idtool.session import Session

KINDS = ("mischarging", "private_prosecution", "discontinued_identified", "suspect_non_punishment")
WAIT_DAYS = 30
# Answers of `forced_offences` (acts the person was made to commit) the non-punishment principle
# covers, and the articles' category for them.
VICTIM_ACTS = frozenset({"irregular_border", "false_documents", "drugs", "sex_work"})
PRESUMED = ("possible_victim", "presumed_victim")


@dataclass(frozen=True)
class Alarm:
    kind: str
    case_uuid: str
    case_number: str
    since: str
    reason: str  # a code: see `describe`
    articles: tuple[str, ...] = ()


def _latest(session: Session, sql: str) -> dict[str, str]:
    """case -> the value of the latest row (the query orders by time)."""
    return {str(case): str(value) for case, value in session.conn.execute(sql)}


def _answers(session: Session, question: str) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for case, value, at in session.conn.execute(
        "SELECT i.case_uuid, a.value, a.updated_at FROM answers a"
        " JOIN interviews i ON i.uuid = a.interview_uuid WHERE a.question = ?"
        " ORDER BY i.started_at, i.rowid",
        (question,),
    ):
        out[str(case)] = (str(value), str(at))
    return out


def _codes(value: str) -> set[str]:
    try:
        loaded = json.loads(value)
    except ValueError:
        return set()
    items = loaded if isinstance(loaded, list) else [loaded]
    return {str(v) for v in items}


def alarms(session: Session, now: datetime | None = None) -> list[Alarm]:
    """Every open alarm, for the review queue (the caller checks REVIEW_QUEUE)."""
    conn = session.conn
    articles = {a.id: a for a in cj_link.article_list(session)}
    numbers = {str(u): str(n) for u, n in conn.execute("SELECT uuid, number FROM cases")}
    recommended = _latest(
        session, "SELECT case_uuid, recommendation FROM assessments ORDER BY created_at, rowid"
    )
    decided = _latest(
        session, "SELECT case_uuid, decision FROM decisions ORDER BY decided_at, rowid"
    )
    reviewed = {
        (str(case), int(version))
        for case, version in conn.execute("SELECT case_uuid, link_version FROM prosecutor_reviews")
    }
    wish = _answers(session, "police_report_wish")
    offences = _answers(session, "forced_offences")
    agreed: dict[str, str] = {}
    for case, (value, at) in wish.items():
        if _codes(value) == {"yes"}:
            agreed[case] = at
    for case, state, at in conn.execute(
        "SELECT case_uuid, state, recorded_at FROM consents WHERE purpose = 'law_enforcement'"
        " ORDER BY recorded_at, rowid"
    ):
        if state == "given":
            agreed.setdefault(str(case), str(at))
        else:
            agreed.pop(str(case), None)

    found: list[Alarm] = []
    linked: set[str] = set()

    def add(kind: str, case: str, since: str, reason: str, ids: tuple[str, ...] = ()) -> None:
        found.append(Alarm(kind, case, numbers.get(case, ""), since, reason, ids))

    for case, opened, raw, prosecution, stage, role, updated, version in conn.execute(
        "SELECT case_uuid, opened, articles, prosecution, stage, role, updated_at, version"
        " FROM criminal_links"
    ):
        linked.add(case)
        if (case, version) in reviewed:
            continue  # a prosecutor reviewed the link as it stands
        ids = tuple(a for a in json.loads(raw) if a in articles)
        categories = {articles[a].category for a in ids}
        serious = bool(categories & cj_articles.SERIOUS)
        if recommended.get(case) in PRESUMED:
            if opened != "none" and not serious:
                add("mischarging", case, updated, "lesser_article", ids)
            elif opened == "none" and case in agreed:
                add("mischarging", case, updated, "not_opened", ids)
        if serious and prosecution == "private":
            add("private_prosecution", case, updated, "private", ids)
        if stage == "discontinued" and decided.get(case) == "identified_victim":
            add("discontinued_identified", case, updated, "discontinued", ids)
        acts = _codes(offences.get(case, ("", ""))[0]) & VICTIM_ACTS
        if role == "suspect" and ("victim_act" in categories or acts):
            add("suspect_non_punishment", case, updated, "suspect", ids)

    cutoff = ((now or datetime.now(UTC)) - timedelta(days=WAIT_DAYS)).isoformat()
    for case, since in agreed.items():
        if case not in linked and recommended.get(case) in PRESUMED and since < cutoff:
            add("mischarging", case, since, "no_link")
    return found


REASONS = {
    "lesser_article": N_(
        "Trafficking or forced-labour indicators, but the case is qualified only as: {articles}."
    ),
    "not_opened": N_(
        "Trafficking or forced-labour indicators and the person agreed to report, but no case "
        "was opened."
    ),
    "no_link": N_(
        "Trafficking or forced-labour indicators and the person agreed to report {days} days "
        "ago or more, but no criminal case is recorded."
    ),
    "private": N_(
        "{articles} is prosecuted privately: the victim can be pressured to withdraw. "
        "Trafficking and forced labour are public prosecution offences."
    ),
    "discontinued": N_("The case was discontinued although the person is identified as a victim."),
    "suspect": N_(
        "The person is a suspect for an act they may have been made to commit "
        "(non-punishment principle): {articles}."
    ),
}


def describe(session: Session, alarm: Alarm, lang: str | None = None) -> str:
    articles = {a.id: a for a in cj_link.article_list(session)}
    named = "; ".join(articles[a].label(lang) for a in alarm.articles if a in articles)
    text = gettext(REASONS[alarm.reason], lang)
    return text.format(articles=named or "—", days=WAIT_DAYS)
