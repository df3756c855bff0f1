"""The supervisor's review queue: what needs a second look.

- decisions that differ from the recommendation (the mis-charging risk the NRM seeds describe);
- possible victims with no decision after N days;
- referrals with no response after N days;
- import conflicts and possible duplicate persons (resolved in the exchange queues);
- device audit logs that no longer match what they exported, arrived broken, or that the
  device found damaged (sync/audit_fork.py);
- cases with a non-punishment flag: the person was detained, charged, fined or deported for
  acts they were made to commit (`case_flags`), so that legal aid and the authorities that
  acted are followed up;
- alarms about the criminal-justice link (`cj_alarms`): a possibly mis-charged case, trafficking
  prosecuted privately, a case discontinued for an identified victim, a victim held as a suspect
  for an act the non-punishment principle covers;
- cases imported from a partner's HTCDS spreadsheet whose person's consent is not confirmed
  yet (`htcds.partner`): resolving one records the confirmation.

A resolution is recorded with a note and audited; a new decision against the recommendation
puts the case back in the queue.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from idtool import case_flags, cases, cj_alarms, database, directory
from idtool.assessment import recommendation_label
from idtool.decisions import decision_label
from idtool.errors import InvalidInput
from idtool.htcds import partner
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import audit_fork, devices
from idtool.sync.audit_findings import describe_finding
from idtool.sync.labels import duplicate_reason, table_name

DEFAULT_DAYS = 14


class Kind(StrEnum):
    AGAINST_RECOMMENDATION = "against_recommendation"
    NO_DECISION = "no_decision"
    NO_REFERRAL_RESPONSE = "no_referral_response"
    CONFLICT = "conflict"
    DUPLICATE = "duplicate"
    AUDIT_LOG = "audit_log"
    NON_PUNISHMENT = "non_punishment"
    PARTNER_CONSENT = "partner_consent"
    MISCHARGING = "mischarging"
    PRIVATE_PROSECUTION = "private_prosecution"
    DISCONTINUED_IDENTIFIED = "discontinued_identified"
    SUSPECT_NON_PUNISHMENT = "suspect_non_punishment"


KIND_LABELS = {
    Kind.AGAINST_RECOMMENDATION: N_("Decision differs from the recommendation"),
    Kind.NO_DECISION: N_("Possible victim without a decision"),
    Kind.NO_REFERRAL_RESPONSE: N_("Referral without a response"),
    Kind.CONFLICT: N_("Import conflict"),
    Kind.DUPLICATE: N_("Possible duplicate person"),
    Kind.AUDIT_LOG: N_("Device audit log damaged or changed"),
    Kind.NON_PUNISHMENT: N_("Punished for acts the person was made to commit"),
    Kind.PARTNER_CONSENT: N_("Imported from a partner: consent not confirmed"),
    Kind.MISCHARGING: N_("Criminal case: possibly mis-charged"),
    Kind.PRIVATE_PROSECUTION: N_("Criminal case: trafficking prosecuted privately"),
    Kind.DISCONTINUED_IDENTIFIED: N_("Criminal case discontinued for an identified victim"),
    Kind.SUSPECT_NON_PUNISHMENT: N_("Victim treated as a suspect (non-punishment)"),
}
# Alarms about the criminal-justice link (`cj_alarms`): they end when the link is corrected or
# a prosecutor records a review, not with a supervisor's note.
CRIMINAL_JUSTICE = (
    Kind.MISCHARGING,
    Kind.PRIVATE_PROSECUTION,
    Kind.DISCONTINUED_IDENTIFIED,
    Kind.SUSPECT_NON_PUNISHMENT,
)
RESOLVABLE_HERE = (
    Kind.AGAINST_RECOMMENDATION,
    Kind.NO_DECISION,
    Kind.NO_REFERRAL_RESPONSE,
    Kind.AUDIT_LOG,
    Kind.NON_PUNISHMENT,
    Kind.PARTNER_CONSENT,
)


def kind_label(kind: str, lang: str | None = None) -> str:
    return gettext(KIND_LABELS[Kind(kind)], lang)


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    target: str  # decision, case, referral, conflict or duplicate uuid
    case_uuid: str | None
    case_number: str
    since: str  # when the item arose (ISO time)
    # Codes that say more, by kind: (decision, recommendation), (recipient organisation id,),
    # (kind of record,), (duplicate reasons,), (finding kind, device id, first sequence
    # number, "1" if exact, reason) or the case's flags; `describe` puts them in words.
    codes: tuple[str, ...] = ()


def _cutoff(days: int, now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)) - timedelta(days=days)
    return moment.isoformat(timespec="seconds")


def queue(
    session: Session,
    *,
    decision_days: int = DEFAULT_DAYS,
    referral_days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> list[ReviewItem]:
    """Every open item, oldest first."""
    session.require(Action.REVIEW_QUEUE)
    conn = session.conn
    items: list[ReviewItem] = []
    # Latest decision per case departs from the recommendation and is not resolved yet.
    for d_uuid, c_uuid, number, at, decision, rec in conn.execute(
        "SELECT d.uuid, c.uuid, c.number, d.decided_at, d.decision, d.recommendation"
        " FROM decisions d JOIN cases c ON c.uuid = d.case_uuid"
        " WHERE d.against_recommendation = 1 AND NOT EXISTS (SELECT 1 FROM decisions n"
        "   WHERE n.supersedes = d.uuid)"
        " AND NOT EXISTS (SELECT 1 FROM review_resolutions r"
        "   WHERE r.kind = 'against_recommendation' AND r.target = d.uuid)"
    ):
        items.append(
            ReviewItem(Kind.AGAINST_RECOMMENDATION, d_uuid, c_uuid, number, at, (decision, rec))
        )
    for c_uuid, number, opened in conn.execute(
        "SELECT c.uuid, c.number, c.opened_at FROM cases c"
        " WHERE c.status = 'possible' AND c.demo = 0 AND c.opened_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_uuid = c.uuid)"
        " AND NOT EXISTS (SELECT 1 FROM review_resolutions r"
        "   WHERE r.kind = 'no_decision' AND r.target = c.uuid)",
        (_cutoff(decision_days, now),),
    ):
        items.append(ReviewItem(Kind.NO_DECISION, c_uuid, c_uuid, number, opened))
    for r_uuid, c_uuid, number, created, recipient in conn.execute(
        "SELECT r.uuid, c.uuid, c.number, r.created_at, r.recipient_id FROM referrals r"
        " JOIN cases c ON c.uuid = r.case_uuid WHERE r.status = 'sent' AND r.created_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM review_resolutions v"
        "   WHERE v.kind = 'no_referral_response' AND v.target = r.uuid)",
        (_cutoff(referral_days, now),),
    ):
        items.append(
            ReviewItem(Kind.NO_REFERRAL_RESPONSE, r_uuid, c_uuid, number, created, (recipient,))
        )
    for conflict, table, created in conn.execute(
        "SELECT uuid, tbl, created_at FROM sync_conflicts WHERE resolved_at IS NULL"
    ):
        items.append(ReviewItem(Kind.CONFLICT, conflict, None, "", created, (table,)))
    for duplicate, created, reason in conn.execute(
        "SELECT uuid, created_at, reason FROM sync_duplicates WHERE resolved_at IS NULL"
    ):
        items.append(ReviewItem(Kind.DUPLICATE, duplicate, None, "", created, (reason,)))
    resolved = {
        r[0]
        for r in conn.execute("SELECT target FROM review_resolutions WHERE kind = 'non_punishment'")
    }
    for flagged in case_flags.flagged_cases(session):
        if flagged.case_uuid not in resolved and case_flags.has_non_punishment(flagged.flags):
            items.append(
                ReviewItem(
                    Kind.NON_PUNISHMENT,
                    flagged.case_uuid,
                    flagged.case_uuid,
                    flagged.case_number,
                    flagged.since,
                    flagged.flags,
                )
            )

    for waiting in partner.awaiting_consent(session):
        items.append(
            ReviewItem(
                Kind.PARTNER_CONSENT,
                waiting.case_uuid,
                waiting.case_uuid,
                waiting.number,
                waiting.imported_at,
                (waiting.source,),
            )
        )
    for alarm in cj_alarms.alarms(session, now):
        items.append(
            ReviewItem(
                Kind(alarm.kind),
                alarm.case_uuid,
                alarm.case_uuid,
                alarm.case_number,
                alarm.since,
                (alarm.reason, *alarm.articles),
            )
        )
    for f in audit_fork.open_findings(conn):
        items.append(
            ReviewItem(
                Kind.AUDIT_LOG,
                f.uuid,
                None,
                "",
                f.created_at,
                (
                    f.kind,
                    f.sender,
                    "" if f.first_seq is None else str(f.first_seq),
                    "1" if f.exact else "0",
                    f.reason,
                ),
            )
        )
    items.sort(key=lambda i: i.since)
    return items


def describe(session: Session, item: ReviewItem, lang: str | None = None) -> str:
    """The item's detail in words, in `lang` (default: the program's language)."""
    if item.kind == Kind.AGAINST_RECOMMENDATION and len(item.codes) == 2:
        decision, rec = item.codes
        with contextlib.suppress(ValueError):  # a code from a newer version: shown as it is
            decision, rec = decision_label(decision, lang), recommendation_label(rec, lang)
        text = gettext(N_("decided: {decision}; recommended: {recommendation}"), lang)
        return text.format(decision=decision, recommendation=rec)
    if item.kind == Kind.NO_REFERRAL_RESPONSE and item.codes:
        try:
            org = directory.get(session, item.codes[0]).title(lang)
        except InvalidInput:
            org = item.codes[0]
        return gettext(N_("sent to {org}"), lang).format(org=org)
    if item.kind == Kind.CONFLICT and item.codes:
        return table_name(item.codes[0], lang)
    if item.kind == Kind.DUPLICATE and item.codes:
        return duplicate_reason(item.codes[0], lang)
    if item.kind == Kind.AUDIT_LOG and len(item.codes) == 5:
        return _audit_log(session, item.codes, lang)
    if item.kind == Kind.NON_PUNISHMENT:
        text = gettext(N_("{what}: check the non-punishment provision; offer legal aid"), lang)
        return text.format(what=case_flags.describe(item.codes, lang))
    if item.kind in CRIMINAL_JUSTICE and item.codes:
        alarm = cj_alarms.Alarm(
            str(item.kind), item.target, item.case_number, item.since, *_split(item.codes)
        )
        return cj_alarms.describe(session, alarm, lang)
    if item.kind == Kind.PARTNER_CONSENT and item.codes:
        text = gettext(N_("from {source}: confirm the person's consent with them"), lang)
        return text.format(source=item.codes[0])
    return ""


def _split(codes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return codes[0], tuple(codes[1:])


def _audit_log(session: Session, codes: tuple[str, ...], lang: str | None) -> str:
    kind, sender, seq, exact, reason = codes
    known = devices.get(session.conn, sender)
    return describe_finding(
        kind,
        known.label if known is not None and known.label else sender,
        int(seq) if seq.isdigit() else None,
        exact == "1",
        reason,
        lang,
    )


def resolve(session: Session, item: ReviewItem, note: str) -> None:
    """Record the supervisor's resolution of a decision, waiting case or waiting referral."""
    session.require(Action.REVIEW_QUEUE)
    if item.kind in CRIMINAL_JUSTICE:
        raise InvalidInput(
            _(
                "This alarm ends when the criminal-justice link of the case is corrected or a "
                "prosecutor records the review of the case."
            )
        )
    if item.kind not in RESOLVABLE_HERE:
        raise InvalidInput(_("Resolve conflicts and duplicates in the exchange review."))
    note = " ".join(note.split())
    if not note:
        raise InvalidInput(_("Write what was decided or done about this item."))
    if item.kind == Kind.PARTNER_CONSENT:
        partner.confirm_consent(session, item.target, note)
        return
    with database.transaction(session.conn):
        if item.kind == Kind.AUDIT_LOG:
            audit_fork.resolve(session, item.target, note)
            session.audit("review.resolve", None, {"kind": str(item.kind), "target": item.target})
            return
        session.conn.execute(
            "INSERT INTO review_resolutions (uuid, kind, target, note, officer_uuid,"
            " resolved_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                str(item.kind),
                item.target,
                note,
                session.officer.uuid,
                cases.now_iso(),
                session.device_id,
            ),
        )
        if item.kind == Kind.AGAINST_RECOMMENDATION and item.case_uuid:
            session.conn.execute("UPDATE cases SET review = 0 WHERE uuid = ?", (item.case_uuid,))
        session.audit(
            "review.resolve", item.case_uuid, {"kind": str(item.kind), "target": item.target}
        )
