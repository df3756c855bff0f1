"""The criminal-justice link of a case: what the police and prosecutors did about it.

Whether a criminal or a misconduct case was opened, under which articles (`cj_articles`),
public or private prosecution, the stage and the date each stage was reached, and the person's
role in it (victim, witness, suspect). Police officers, prosecutors and the coordinator
(`Action.CRIMINAL_LINK`) read and record it; every other role learns only that a criminal case
exists (`exists`). Every change is audited (with the fields that changed, never a value), the
link travels in case bundles, and it never goes into a referral packet.

A prosecutor's review of the link (`record_review`: re-qualified, confirmed, sent back) is
appended with the version of the link it reviewed; the review queue's alarms about the link
(`cj_alarms`) end with a review of the link as it stands.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from idtool import cj_articles, dates, policy_options, records
from idtool.cases import now_iso
from idtool.database import transaction
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session

OPENED = ("criminal", "misconduct", "none")
PROSECUTION = ("public", "private")
STAGES = ("investigation", "discontinued", "in_court", "verdict")
ROLES = ("victim", "witness", "suspect")
OUTCOMES = ("requalified", "confirmed", "sent_back")
MAX_NOTE = 2000

OPENED_LABELS = {
    "criminal": N_("Criminal case opened"),
    "misconduct": N_("Misconduct case opened"),
    "none": N_("No case opened"),
}
PROSECUTION_LABELS = {"public": N_("Public prosecution"), "private": N_("Private prosecution")}
STAGE_LABELS = {
    "investigation": N_("Investigation"),
    "discontinued": N_("Discontinued"),
    "in_court": N_("In court"),
    "verdict": N_("Verdict"),
}
ROLE_LABELS = {"victim": N_("Victim"), "witness": N_("Witness"), "suspect": N_("Suspect")}
OUTCOME_LABELS = {
    "requalified": N_("Re-qualified"),
    "confirmed": N_("Qualification confirmed"),
    "sent_back": N_("Sent back for further investigation"),
}


def label(table: dict[str, str], code: str, lang: str | None = None) -> str:
    return gettext(table[code], lang) if code in table else code


@dataclass(frozen=True)
class Link:
    case_uuid: str
    opened: str
    articles: tuple[str, ...] = ()
    prosecution: str = ""
    stage: str = ""
    stage_dates: dict[str, str] = field(default_factory=dict)
    role: str = ""
    updated_at: str = ""
    version: int = 0


@dataclass(frozen=True)
class Review:
    outcome: str
    note: str
    reviewed_at: str
    officer_uuid: str


def article_list(session: Session) -> tuple[cj_articles.Article, ...]:
    """The articles with the coordinator's numbers."""
    return cj_articles.articles(policy_options.get(session.conn).article_numbers())


def _read(session: Session, case_uuid: str) -> Link | None:
    row = session.conn.execute(
        "SELECT opened, articles, prosecution, stage, stage_dates, role, updated_at, version"
        " FROM criminal_links WHERE case_uuid = ?",
        (case_uuid,),
    ).fetchone()
    if row is None:
        return None
    return Link(
        case_uuid,
        row[0],
        tuple(json.loads(row[1])),
        row[2],
        row[3],
        dict(json.loads(row[4])),
        row[5],
        row[6],
        int(row[7]),
    )


def get(session: Session, case_uuid: str) -> Link | None:
    """The case's link (police, prosecutors, the coordinator), or None."""
    session.require(Action.CRIMINAL_LINK)
    return _read(session, case_uuid)


def exists(session: Session, case_uuid: str) -> bool:
    """Whether a criminal or misconduct case was opened: all any other role may know."""
    row = session.conn.execute(
        "SELECT 1 FROM criminal_links WHERE case_uuid = ? AND opened != 'none'", (case_uuid,)
    ).fetchone()
    return row is not None


def _checked(
    session: Session,
    opened: str,
    articles: tuple[str, ...],
    prosecution: str,
    stage: str,
    role: str,
) -> None:
    if opened not in OPENED:
        raise InvalidInput(_("Say whether a criminal case, a misconduct case or none was opened."))
    known = {a.id: a for a in article_list(session)}
    unknown = [a for a in articles if a not in known]
    if unknown:
        raise InvalidInput(
            _("Unknown article: {id}. See the list of articles.").format(id=unknown[0][:40])
        )
    if len(set(articles)) != len(articles):
        raise InvalidInput(_("An article is named twice."))
    if prosecution not in ("", *PROSECUTION) or stage not in ("", *STAGES):
        raise InvalidInput(_("Unknown prosecution type or stage."))
    if role not in ("", *ROLES):
        raise InvalidInput(_("Unknown role of the person in the case."))
    if opened == "none" and (articles or prosecution or stage):
        raise InvalidInput(
            _("No case was opened: leave the articles, prosecution and stage empty.")
        )
    if opened != "none" and not articles:
        raise InvalidInput(_("Choose the article or articles the case was opened under."))
    codes = {known[a].code for a in articles}
    if opened in ("criminal", "misconduct") and codes - {opened}:
        raise InvalidInput(
            _(
                "Choose articles of the code the case was opened under: the Criminal Code for "
                "a criminal case, the Code of Misconduct for a misconduct case."
            )
        )


def record(
    session: Session,
    case_uuid: str,
    *,
    opened: str,
    articles: tuple[str, ...] = (),
    prosecution: str = "",
    stage: str = "",
    stage_date: str = "",
    role: str = "",
) -> Link:
    """Record or change the case's link; a stage reached keeps the date given (today when
    none). Audited with the names of the fields that changed."""
    session.require(Action.CRIMINAL_LINK)
    _checked(session, opened, articles, prosecution, stage, role)
    if stage_date and dates.parse_iso(stage_date) is None:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."))
    if stage_date and not stage:
        raise InvalidInput(_("Give the stage the date belongs to."))
    with transaction(session.conn):
        if (
            session.conn.execute("SELECT 1 FROM cases WHERE uuid = ?", (case_uuid,)).fetchone()
            is None
        ):
            raise InvalidInput(_("There is no case with this number."))
        old = _read(session, case_uuid)
        reached = dict(old.stage_dates) if old else {}
        if stage and (stage_date or stage not in reached):
            reached[stage] = stage_date or now_iso()[:10]
        values = {
            "opened": opened,
            "articles": json.dumps(list(articles)),
            "prosecution": prosecution,
            "stage": stage,
            "stage_dates": json.dumps(reached, sort_keys=True),
            "role": role,
            "officer_uuid": session.officer.uuid,
            "updated_at": now_iso(),
        }
        if old is None:
            session.conn.execute(
                "INSERT INTO criminal_links (uuid, case_uuid, opened, articles, prosecution,"
                " stage, stage_dates, role, officer_uuid, updated_at, device_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), case_uuid, *values.values(), session.device_id),
            )
            changed = ["opened", "articles", "prosecution", "stage", "role"]
        else:
            before = {
                "opened": old.opened,
                "articles": json.dumps(list(old.articles)),
                "prosecution": old.prosecution,
                "stage": old.stage,
                "stage_dates": json.dumps(old.stage_dates, sort_keys=True),
                "role": old.role,
            }
            changed = [k for k, v in before.items() if values[k] != v]
            if not changed:
                return old
            records.update(
                session.conn,
                "criminal_links",
                values,
                "case_uuid = ?",
                (case_uuid,),
                session.device_id,
            )
        session.audit("criminal_link.record", case_uuid, {"changed": changed})
    found = _read(session, case_uuid)
    assert found is not None
    return found


def record_review(session: Session, case_uuid: str, outcome: str, note: str = "") -> None:
    """A prosecutor records the outcome of their review of the case's qualification."""
    session.require(Action.PROSECUTOR_REVIEW)
    if outcome not in OUTCOMES:
        raise InvalidInput(_("Choose the outcome of the review."))
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("The note is too long."))
    with transaction(session.conn):
        link = _read(session, case_uuid)
        if link is None:
            raise InvalidInput(_("Record the criminal-justice link of the case first."))
        session.conn.execute(
            "INSERT INTO prosecutor_reviews (uuid, case_uuid, outcome, link_version, note,"
            " officer_uuid, reviewed_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                case_uuid,
                outcome,
                link.version,
                note,
                session.officer.uuid,
                now_iso(),
                session.device_id,
            ),
        )
        session.audit("criminal_link.review", case_uuid, {"outcome": outcome})


def reviews(session: Session, case_uuid: str) -> list[Review]:
    session.require(Action.CRIMINAL_LINK)
    return [
        Review(*row)
        for row in session.conn.execute(
            "SELECT outcome, note, reviewed_at, officer_uuid FROM prosecutor_reviews"
            " WHERE case_uuid = ? ORDER BY reviewed_at, rowid",
            (case_uuid,),
        )
    ]
