"""Statistics report packages: a regional coordinator's suppressed figures for the national
coordinator, who merges several regions into national figures without ever holding a record
(issue 16, item 4; the figures and the merge rules are in `stats.merge`).

Trust is set up once each way with the coordinators' enrolment files (`enrol create`), their
fingerprints compared aloud: the region names its national coordinator (`trust_national`),
the national coordinator names each region (`trust_region`). They are kept apart from the
trust list of devices (`stats_peers`): a national coordinator is not anybody's supervisor,
and a region cannot send it anything but reports.

A report package (kind "report") is signed by the region and encrypted to the national
coordinator and the region itself. Its records: one `stats_report` row (`merge.report_of`:
label, period, threshold, figures, cells; suppressed at k = 11 or more). It is imported like
any package (`importer`: signature, order, once only); `apply_report` refuses the whole
package unless it holds exactly that and nothing small is shown. A newer report of a region
for the same period replaces the older one; national figures merge, per period, the latest
report of each region (`national`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from idtool import database
from idtool.audit import now_iso
from idtool.bundle import BundleHeader, Kind
from idtool.database import Connection
from idtool.errors import BundleError, InvalidInput
from idtool.i18n import _
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import compute
from idtool.stats.compute import Published
from idtool.stats.merge import REPORT_THRESHOLD, check_report, merge, report_of
from idtool.sync import devices, enrol
from idtool.sync.apply import Applier
from idtool.sync.devices import DeviceRole
from idtool.sync.export import Cancelled, Progress, audit_records, write_and_record

TABLE = "stats_report"
NATIONAL = "national"
REGION = "region"


def _trust(session: Session, data: bytes, role: str) -> str:
    """Store the coordinator an enrolment file names as a peer of `role`; its fingerprint
    must have been compared already. Returns that fingerprint."""
    session.require(Action.TRUST_LIST)
    offer = enrol.read_enrolment(data)
    peer = offer.device
    if peer.device_id == session.device_id:
        raise InvalidInput(_("This is this program's own enrolment file."))
    conn = session.conn
    with database.transaction(conn):
        if role == NATIONAL:
            conn.execute("DELETE FROM stats_peers WHERE role = 'national'")
        conn.execute(
            "INSERT OR REPLACE INTO stats_peers (device_id, label, signing_key, age_recipient,"
            " role, added_at) VALUES (?, ?, ?, ?, ?, ?)",
            (peer.device_id, peer.label, peer.signing_key, peer.age_recipient, role, now_iso()),
        )
        session.audit(
            "stats.peer_trust", peer.device_id, {"role": role, "fingerprint": peer.fingerprint}
        )
    return peer.fingerprint


def trust_national(session: Session, data: bytes) -> str:
    """A regional coordinator: send reports to the coordinator of this enrolment file."""
    return _trust(session, data, NATIONAL)


def trust_region(session: Session, data: bytes) -> str:
    """The national coordinator: accept reports from the coordinator of this enrolment file."""
    return _trust(session, data, REGION)


def peers(conn: Connection, role: str) -> dict[str, tuple[str, str, str]]:
    """device id -> (label, signing key, age recipient) of the peers of `role`."""
    return {
        str(r[0]): (str(r[1]), str(r[2]), str(r[3]))
        for r in conn.execute(
            "SELECT device_id, label, signing_key, age_recipient FROM stats_peers WHERE role = ?"
            " ORDER BY label, device_id",
            (role,),
        )
    }


def senders(conn: Connection) -> dict[str, str]:
    """The regions whose report packages are accepted: device id -> signing key."""
    return {k: v[1] for k, v in peers(conn, REGION).items()}


def export_report(
    session: Session,
    out_dir: str | Path,
    period_from: str | None = None,
    period_to: str | None = None,
    *,
    label: str = "",
    threshold: int = REPORT_THRESHOLD,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """A regional coordinator: write the report package of a period for its national
    coordinator. Figures are suppressed at `threshold` (at least k = 11)."""
    session.require(Action.STATISTICS)
    if threshold < REPORT_THRESHOLD:
        raise InvalidInput(
            _("A report for the national coordinator hides counts below {k} at least.").format(
                k=REPORT_THRESHOLD
            )
        )
    national = peers(session.conn, NATIONAL)
    if not national:
        raise InvalidInput(
            _(
                "No national coordinator is set: add its enrolment file first "
                "(stats-report trust-national)."
            )
        )
    ((_id, (_label, _key, recipient)),) = national.items()
    me = devices.own_device(session.conn, DeviceRole.SUPERVISOR)
    pub: Published = compute(session, period_from, period_to).published(threshold)
    report = report_of(pub, label.strip() or me.label)
    with database.transaction(session.conn, immediate=False):
        _entries, head = audit_records(session.conn, 1 << 62)
    return write_and_record(
        session,
        out_dir,
        Kind.REPORT,
        [{"table": TABLE, "row": report}],
        head,
        [recipient, me.age_recipient],
        0,
        0,
        progress,
        cancelled,
        {
            "period_from": report["period_from"],
            "period_to": report["period_to"],
            "threshold": threshold,
        },
    )


def apply_report(
    session: Session, applier: Applier, header: BundleHeader, records: list[Any]
) -> None:
    """The national coordinator, inside the import: store a region's report."""
    if len(records) != 1 or not isinstance(records[0], dict):
        raise _refused()
    if set(records[0]) != {"table", "row"} or records[0]["table"] != TABLE:
        raise _refused()
    try:
        report = check_report(records[0]["row"])
    except InvalidInput:
        raise _refused() from None
    conn = session.conn
    conn.execute(
        "DELETE FROM stats_reports WHERE sender = ? AND period_from = ? AND period_to = ?",
        (header.sender, report["period_from"], report["period_to"]),
    )
    conn.execute(
        "INSERT INTO stats_reports (bundle_id, sender, period_from, period_to, threshold,"
        " report, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            header.bundle_id,
            header.sender,
            report["period_from"],
            report["period_to"],
            report["threshold"],
            json.dumps(report, ensure_ascii=False),
            applier.now,
        ),
    )
    applier.report.add("stats_reports", "imported")
    session.audit(
        "stats.report_receive",
        header.bundle_id,
        {"sender": header.sender, "from": report["period_from"], "to": report["period_to"]},
    )


def _refused() -> BundleError:
    return BundleError(_("The statistics report is not valid. Nothing was imported."), "bad_report")


def periods(session: Session) -> list[tuple[str, str, int]]:
    """(from, to, number of regions) of the periods reports were received for."""
    session.require(Action.STATISTICS)
    return [
        (str(r[0]), str(r[1]), int(r[2]))
        for r in session.conn.execute(
            "SELECT period_from, period_to, count(DISTINCT sender) FROM stats_reports"
            " GROUP BY 1, 2 ORDER BY 1, 2"
        )
    ]


def national(
    session: Session,
    period_from: str = "",
    period_to: str = "",
    threshold: int = REPORT_THRESHOLD,
) -> Published:
    """The national figures of a period: the latest report of each region for exactly that
    period, merged (`stats.merge`)."""
    session.require(Action.STATISTICS)
    rows = session.conn.execute(
        "SELECT report FROM stats_reports WHERE period_from = ? AND period_to = ? ORDER BY sender",
        (period_from, period_to),
    ).fetchall()
    reports = [check_report(json.loads(r[0])) for r in rows]
    with database.transaction(session.conn):
        session.audit(
            "stats.national", "", {"from": period_from, "to": period_to, "regions": len(reports)}
        )
    return merge(reports, threshold)
