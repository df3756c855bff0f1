"""The referral loop closed: what the receiving organisation did travels back to the referrer.

1. The receiving device records an outcome of a referral it received (`report`: accepted,
   service delivered, declined, closed). It is kept in `referral_outcomes` under the id the
   referral package gave it, and its case packages to the coordinator carry every outcome
   it reported (`outcome_records.outgoing`, table `referral_outcome`: uuid, referral,
   referrer, org_id, status, at). No note or other free text travels: an outcome is a code
   and a time.
2. The coordinator, importing that case package (`receive`), finds the referral among the
   records the referring device sent it (by the package id, `referral_out.public_id`) and
   accepts the outcome only when the device that signed the package works for the
   organisation the referral was made to (its `org_id` in the trust list), and the outcome
   names that organisation. Any other signer is refused ("not_recipient", audited with the
   import); an outcome for a referral the coordinator does not know yet is quarantined
   ("unknown_referral") and comes again with the next package.
3. The coordinator's update package for the referring device carries the outcomes of its
   referrals (`outcome_records.relayed`), and the device records them (`apply_relayed`): the
   referral's status and a referral event follow the newest outcome, unless the referral is closed
   there. Outcomes are append-only: the same uuid twice changes nothing, a changed one is
   quarantined.

Statistics count a referral accepted or served from these outcomes when the recipient
reported any (`stats.facts.referral_counts`), and from the referrer's own entries only for a
recipient that reports nothing (an organisation without the program).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from idtool import cases, database, records, referrals
from idtool.errors import InvalidInput, NotPermitted
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices
from idtool.sync.apply import Applier
from idtool.sync.outcome_records import COLUMNS as _COLUMNS
from idtool.sync.outcome_records import FIELDS as _FIELDS
from idtool.sync.outcome_records import STATUSES
from idtool.sync.referral_out import public_id


def _now() -> str:
    return cases.now_iso()


def received_for_case(session: Session, case_uuid: str) -> list[tuple[str, str, str]]:
    """(received referral uuid, organisation, status) of the referrals received for a case."""
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in session.conn.execute(
            "SELECT uuid, org_id, status FROM referrals_received WHERE case_uuid = ?"
            " ORDER BY received_at, rowid",
            (case_uuid,),
        )
    ]


def report(session: Session, case_uuid: str, status: str) -> str:
    """The receiving organisation: record what happened to the referral that opened this case
    (the newest one received for it). Returns the outcome's uuid."""
    session.require(Action.REFERRAL)
    if status not in STATUSES:
        raise InvalidInput(_("Unknown referral status: {status}.").format(status=status))
    found = received_for_case(session, case_uuid)
    if not found:
        raise InvalidInput(_("No referral was received for this case."))
    received_uuid = found[-1][0]
    row = session.conn.execute(
        "SELECT referral_uuid, sender, org_id, status FROM referrals_received WHERE uuid = ?",
        (received_uuid,),
    ).fetchone()
    if row[3] == referrals.RefStatus.CLOSED:
        raise NotPermitted(_("This referral is closed."))
    outcome = str(uuid.uuid4())
    at = _now()
    with database.transaction(session.conn):
        session.conn.execute(
            f"INSERT INTO referral_outcomes ({_COLUMNS}, device_id, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (outcome, row[0], row[1], row[2], status, at, session.device_id, at),
        )
        session.conn.execute(
            "UPDATE referrals_received SET status = ? WHERE uuid = ?", (status, received_uuid)
        )
        session.audit(
            "referral.outcome_report",
            case_uuid,
            {"outcome": outcome, "referral": str(row[0]), "status": status},
        )
    return outcome


def _shape(row: object) -> dict[str, str] | None:
    if not isinstance(row, dict) or set(row) != set(_FIELDS):
        return None
    if not all(isinstance(v, str) and 0 < len(v) <= 100 for v in row.values()):
        return None
    try:
        if str(uuid.UUID(row["uuid"])) != row["uuid"]:
            return None
    except ValueError:
        return None
    return row if row["status"] in STATUSES else None


def _store(applier: Applier, row: dict[str, str], referral_uuid: str, reporter: str) -> bool:
    """Insert an outcome unless known; True when new. A known uuid with other content is
    quarantined."""
    conn = applier.conn
    known = conn.execute(
        f"SELECT {_COLUMNS} FROM referral_outcomes WHERE uuid = ?", (row["uuid"],)
    ).fetchone()
    mine = (row["uuid"], referral_uuid, row["referrer"], row["org_id"], row["status"], row["at"])
    if known is not None:
        if tuple(known) != mine:
            applier.quarantine("referral_outcomes", row, "append_only_changed")
        else:
            applier.report.add("referral_outcomes", "unchanged")
        return False
    conn.execute(
        f"INSERT INTO referral_outcomes ({_COLUMNS}, device_id, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (*mine, reporter, applier.now),
    )
    applier.report.add("referral_outcomes", "imported")
    return True


def receive(session: Session, applier: Applier, rows: list[object]) -> None:
    """The coordinator, inside a case package's import: the outcomes its signer reported."""
    conn = session.conn
    signer = applier.sender
    signer_org = getattr(devices.get(conn, signer), "org_id", "")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    by_public: dict[str, dict[str, tuple[str, str]]] = {}  # referrer -> public id -> ref
    for raw in rows:
        row = _shape(raw)
        if row is None:
            applier.quarantine("referral_outcomes", raw, "wrong_type")
            continue
        if row["at"] > tomorrow:
            applier.refuse("referral_outcomes", row, "dated_in_future", "at")
            continue
        referrer = row["referrer"]
        if referrer not in by_public:
            by_public[referrer] = {
                public_id(str(r[0])): (str(r[0]), str(r[1]))
                for r in conn.execute(
                    "SELECT r.uuid, r.recipient_id FROM referrals r JOIN sync_owners o"
                    " ON o.tbl = 'cases' AND o.record_key = r.case_uuid WHERE o.device_id = ?",
                    (referrer,),
                )
            }
        ref = by_public[referrer].get(row["referral"])
        if ref is None:
            applier.quarantine("referral_outcomes", row, "unknown_referral", "referral")
            continue
        referral_uuid, recipient = ref
        if referrer == signer or not signer_org or signer_org != recipient:
            applier.refuse("referral_outcomes", row, "not_recipient", "org_id")
            continue
        if row["org_id"] != recipient:
            applier.refuse("referral_outcomes", row, "not_recipient", "org_id")
            continue
        if _store(applier, row, referral_uuid, signer):
            session.audit(
                "referral.outcome_receive",
                referral_uuid,
                {"outcome": row["uuid"], "status": row["status"], "device": signer},
            )


def apply_relayed(session: Session, applier: Applier, raw: object) -> None:
    """The referring device, inside the coordinator's update: an outcome of its referral."""
    row = _shape(raw)
    if row is None:
        applier.quarantine("referral_outcomes", raw, "wrong_type")
        return
    if row["referrer"] != session.device_id:
        applier.report.add("referral_outcomes", "unchanged")  # another device's referral
        return
    conn = session.conn
    ref = conn.execute(
        "SELECT case_uuid, recipient_id, status FROM referrals WHERE uuid = ? AND case_uuid"
        " NOT IN (SELECT record_key FROM sync_owners WHERE tbl = 'cases')",
        (row["referral"],),
    ).fetchone()
    if ref is None:
        applier.quarantine("referral_outcomes", row, "unknown_referral", "referral")
        return
    if ref[1] != row["org_id"]:
        applier.quarantine("referral_outcomes", row, "not_recipient", "org_id")
        return
    if not _store(applier, row, row["referral"], applier.sender):
        return
    newest = conn.execute(
        "SELECT uuid FROM referral_outcomes WHERE referral_uuid = ? ORDER BY at DESC, rowid DESC"
        " LIMIT 1",
        (row["referral"],),
    ).fetchone()[0]
    if ref[2] == referrals.RefStatus.CLOSED or newest != row["uuid"]:
        return  # closed here, or an older outcome than one already applied
    records.update(
        conn,
        "referrals",
        {"status": row["status"]},
        "uuid = ?",
        (row["referral"],),
        session.device_id,
    )
    conn.execute(
        "INSERT INTO referral_events (uuid, referral_uuid, status, note, at, officer_uuid,"
        " device_id) VALUES (?, ?, ?, '', ?, ?, ?)",
        (
            str(uuid.uuid4()),
            row["referral"],
            row["status"],
            row["at"],
            session.officer.uuid,
            session.device_id,
        ),
    )
    session.audit(
        "referral.outcome",
        str(ref[0]),
        {"referral": row["referral"], "status": row["status"], "outcome": row["uuid"]},
    )
