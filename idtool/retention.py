"""The retention schedule: how long a case of each status keeps the person's data.

The schedule is policy data (`policy_options` key `retention`: {case status: years}), set by a
supervisor on a device not enrolled with a coordinator, or by the coordinator, whose update
packages carry it to every device. A case is due when its status has a period and that many
years have passed since the last thing recorded in it (opened, an interview started or
completed, an addendum, a decision, a consent, a referral or its status, a certificate) -
counted to a date given (`as_of`, today by default), never a clock of another device.

`due` lists the cases due, for a person to review before anything is erased; `apply` reduces
each to the anonymised facts the statistics count (`erasure`, kind "retention"), so the
statistics' figures stay the same, and then scrubs the file. Who may do either is policy
(`Action.ERASE_DATA`, supervisors by default).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from idtool import database, device_info, erasure, policy_options
from idtool.certificate import issuing_org
from idtool.database import Connection
from idtool.erasure import Kind
from idtool.errors import InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session

BATCH = 200  # cases erased per transaction: the write lock is never held for long

_LAST = """max(c.opened_at,
    coalesce((SELECT max(coalesce(i.completed_at, i.started_at)) FROM interviews i
        WHERE i.case_uuid = c.uuid), ''),
    coalesce((SELECT max(x.created_at) FROM interview_addenda x WHERE x.case_uuid = c.uuid), ''),
    coalesce((SELECT max(d.decided_at) FROM decisions d WHERE d.case_uuid = c.uuid), ''),
    coalesce((SELECT max(s.recorded_at) FROM consents s WHERE s.case_uuid = c.uuid), ''),
    coalesce((SELECT max(r.created_at) FROM referrals r WHERE r.case_uuid = c.uuid), ''),
    coalesce((SELECT max(e.at) FROM referral_events e JOIN referrals r
        ON r.uuid = e.referral_uuid WHERE r.case_uuid = c.uuid), ''),
    coalesce((SELECT max(t.issued_at) FROM certificates t WHERE t.case_uuid = c.uuid), ''),
    coalesce((SELECT max(g.received_at) FROM referrals_received g
        WHERE g.case_uuid = c.uuid), ''))"""


@dataclass(frozen=True)
class Due:
    """A case the schedule says to erase: nothing personal, so it may be listed anywhere."""

    case_uuid: str
    number: str
    status: str
    last: str  # the date of the last thing recorded in it (YYYY-MM-DD)
    years: int


@dataclass(frozen=True)
class Applied:
    numbers: tuple[str, ...]
    scrubbed: bool


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def schedule(conn: Connection) -> dict[str, int]:
    """{case status: years}; a status not named is never erased by the schedule."""
    return dict(policy_options.get(conn).retention)


def periods(session: Session) -> dict[str, int]:
    """`schedule`, for a window."""
    return schedule(session.conn)


def set_period(session: Session, status: str, years: int | None) -> bool:
    """Set (or with None, remove) the period of `status`; returns whether it changed. A
    supervisor, on a device not enrolled with a coordinator (`issuing_org.set_option`)."""
    if status not in policy_options.RETENTION_STATUSES:
        raise InvalidInput(_("Unknown case status {status}.").format(status=status))
    if years is not None and not 1 <= years <= policy_options.MAX_RETENTION_YEARS:
        raise InvalidInput(
            _("Give the period in whole years, from 1 to {most}.").format(
                most=policy_options.MAX_RETENTION_YEARS
            )
        )
    periods = schedule(session.conn)
    if years is None:
        periods.pop(status, None)
    else:
        periods[status] = years
    return issuing_org.set_option(session, "retention", periods)


def set_schedule(session: Session, periods: dict[str, int]) -> bool:
    """Set the whole schedule at once ({status: years}; a status left out is never erased by
    it); returns whether it changed. As `set_period`: a supervisor, not enrolled."""
    for status, years in periods.items():
        if status not in policy_options.RETENTION_STATUSES:
            raise InvalidInput(_("Unknown case status {status}.").format(status=status))
        if not 1 <= years <= policy_options.MAX_RETENTION_YEARS:
            raise InvalidInput(
                _("Give the period in whole years, from 1 to {most}.").format(
                    most=policy_options.MAX_RETENTION_YEARS
                )
            )
    return issuing_org.set_option(session, "retention", dict(periods))


def may_set(session: Session) -> bool:
    """Whether this officer may change the schedule here: a supervisor on a device not
    enrolled with a coordinator (an enrolled one follows the coordinator's)."""
    return session.can(Action.MANAGE_OFFICERS) and not device_info.is_enrolled(session.conn)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _due(conn: Connection, as_of: date, only: list[str] | None = None) -> list[Due]:
    periods = schedule(conn)
    if not periods:
        return []
    limits = {status: years_before(as_of, n).isoformat() for status, n in periods.items()}
    sql = (
        f"SELECT c.uuid, c.number, c.status, substr({_LAST}, 1, 10) AS last FROM cases c"
        " WHERE c.status IN (SELECT key FROM json_each(?)) AND NOT EXISTS"
        " (SELECT 1 FROM erasures e WHERE e.case_uuid = c.uuid)"
    )
    args: list[object] = [json.dumps(limits)]
    if only is not None:
        sql += " AND c.uuid IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(only))
    found = [
        Due(str(u), str(n), str(s), str(last), periods[str(s)])
        for u, n, s, last in conn.execute(sql + " ORDER BY c.opened_at, c.number", args)
        if str(last) <= limits[str(s)]
    ]
    return found


def due(session: Session, as_of: date | None = None) -> list[Due]:
    """The cases the schedule erases on `as_of` (today by default), oldest first."""
    session.require(Action.ERASE_DATA)
    return _due(session.conn, as_of or date.today())


def apply(
    session: Session,
    as_of: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Applied:
    """Reduce every case due on `as_of` to its anonymised facts, in short transactions (each
    checks again that its cases are still due), then scrub the file. Cancelling stops between
    transactions: what was erased stays erased (and is scrubbed)."""
    session.require(Action.ERASE_DATA)
    day = as_of or date.today()
    conn = session.conn
    listed = [d.case_uuid for d in _due(conn, day)]
    done: list[str] = []
    for start in range(0, len(listed), BATCH):
        if cancelled is not None and cancelled():
            break
        with database.transaction(conn):
            for case in _due(conn, day, listed[start : start + BATCH]):
                erasure.erase_rows(
                    session,
                    case.case_uuid,
                    Kind.RETENTION,
                    details={"as_of": day.isoformat(), "status": case.status, "years": case.years},
                )
                done.append(case.number)
        if progress is not None:
            progress(min(start + BATCH, len(listed)), len(listed))
    if done:
        with database.transaction(conn):
            session.audit("retention.apply", None, {"as_of": day.isoformat(), "cases": len(done)})
    return Applied(tuple(done), erasure.scrub(conn) if done else True)
