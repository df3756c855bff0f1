"""Importing a bundle: every check, then one transaction.

Order: the header is peeked at only to choose the permission and the trusted senders; then
`read_bundle` checks size caps, signature, digest and recipient before decrypting, and the
manifest must repeat the header's ids. Inside ONE transaction:

1. the same bundle id imported before -> "already imported", nothing changes (idempotent);
2. a sequence number at or below the last one imported from that sender -> replay, refused;
   for a case bundle whose sequence number was never imported here (a package written again
   in a catch-up package, then found) -> "covered", refused;
3. case bundles: the first sequence number the bundle covers (`covers_from`, else its own
   sequence) above last + 1 -> "bundle N is missing", refused. Gaps block on purpose: the
   audit chain and the previous-digest chain can only be checked in order, and importing the
   missing bundle first then the refused one gives the same database as importing them in
   order. Update bundles are full snapshots, so a gap is allowed there, and so are report
   bundles (a region's statistics, `stats_report`); referral bundles share one sequence per
   sender across recipients, so gaps are normal;
4. the header's `previous` must be the digest of the bundle imported from that sender just
   before the first one it covers: the last one for a normal bundle; for a catch-up package
   (`covers_from` N) the one with sequence N - 1 (None for N = 1);
5. case bundles: the sender's audit entries must end exactly at the header's audit head and
   chain among themselves, else the bundle is refused; where they do not continue the stored
   chain (rewritten or cut since an export), a fork is recorded and shown, and the records
   still import (`audit_fork.store_audit`); a catch-up package may start with entries
   already stored;
6. erasures first (`sync.erasure`: only the owner's, or the coordinator's), then the records
   are applied (`apply.Applier`; a case bundle's referral outcomes by
   `referral_status.receive`), the bundle is logged with its report, and the
   import is audited. Any refusal rolls everything back. Records of a catch-up package that
   were imported before come out "unchanged".

Clocks are never consulted: order comes from sequence numbers, never from timestamps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from idtool import database, erasure
from idtool.bundle import BundleHeader, Kind, open_manifest, read_bundle, read_unverified_header
from idtool.certificate import issuing
from idtool.database import Connection
from idtool.errors import BundleError
from idtool.i18n import _
from idtool.migrations import latest
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import devices, stats_report
from idtool.sync import erasure as sync_erasure
from idtool.sync.apply import Applier
from idtool.sync.audit_fork import store_audit
from idtool.sync.devices import DeviceRole
from idtool.sync.issuers import learn_announced, retire_announced
from idtool.sync.keychange import old_identities
from idtool.sync.outcome_records import TABLE as OUTCOMES
from idtool.sync.questionnaires import activate
from idtool.sync.referral_in import apply_referral
from idtool.sync.referral_status import receive as receive_outcomes
from idtool.sync.report import ImportReport
from idtool.sync.update_trust import apply_update

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def import_bundle(
    session: Session,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Import one case, update or referral bundle; see the module notes. Raises BundleError
    if refused."""
    conn = session.conn
    unverified = read_unverified_header(path)  # routing only: nothing is trusted yet
    kind = unverified.kind
    if kind is Kind.CASE:
        session.require(Action.IMPORT_CASE_BUNDLE)
        senders = devices.trusted(conn, DeviceRole.DEVICE)
    elif kind is Kind.UPDATE:
        session.require(Action.IMPORT_UPDATE_BUNDLE)
        senders = devices.trusted(conn, DeviceRole.SUPERVISOR)
    elif kind is Kind.REPORT:  # a region's statistics, for a national coordinator
        session.require(Action.STATISTICS)
        senders = stats_report.senders(conn)
    elif kind is Kind.REFERRAL:
        session.require(Action.IMPORT_REFERRAL_BUNDLE)
        senders = {
            k: v
            for k, v in devices.trusted(conn, DeviceRole.DEVICE).items()
            if k != session.device_id
        }
    else:
        raise BundleError(
            _("Exchange packages of this kind cannot be imported here."), "unsupported_kind"
        )
    _refuse_revoked(conn, unverified.sender)

    try:
        header, payload = read_bundle(
            path,
            senders,
            [devices.own_identity(conn), *old_identities(conn)],
            progress=progress,
            cancelled=cancelled,
        )
    except BundleError as exc:
        done = conn.execute(
            "SELECT digest FROM sync_bundles WHERE direction = 'in' AND bundle_id = ?",
            (unverified.bundle_id,),
        ).fetchone()
        if exc.reason == "unknown_key" and done is not None and done[0] == unverified.digest:
            # the very header checked and imported before, signed with a key its sender has
            # changed since (a key-change package imported twice): nothing to do
            return ImportReport(
                unverified.bundle_id,
                unverified.sender,
                kind.value,
                unverified.sequence,
                already_imported=True,
            )
        if kind is Kind.UPDATE and exc.reason == "unknown_key":
            raise BundleError(
                exc.message
                + " "
                + _(
                    "If the coordinator changed its keys, import its key-change package first "
                    "(the coordinator can write it again)."
                ),
                exc.reason,
            ) from None
        raise
    if header.kind is not kind:
        raise BundleError(_("The exchange package changed while it was being read."), "digest")

    if header.schema_version > latest():
        raise BundleError(
            _("This exchange package was made by a newer version of the program; update it first."),
            "schema",
        )
    manifest = open_manifest(payload, header)
    with database.transaction(conn):
        done = conn.execute(
            "SELECT digest FROM sync_bundles WHERE bundle_id = ?", (header.bundle_id,)
        ).fetchone()
        if done is not None:
            if done[0] != header.digest:
                raise _replay(header)
            return ImportReport(
                header.bundle_id,
                header.sender,
                header.kind.value,
                header.sequence,
                already_imported=True,
            )
        _check_order(conn, header)
        report = ImportReport(header.bundle_id, header.sender, header.kind.value, header.sequence)
        erased = 0
        applier = Applier(conn, header.bundle_id, header.sender, report, owned=kind is Kind.CASE)
        if kind is Kind.CASE:
            special = ("audit", "issuing_keys", OUTCOMES)
            records = [r for r in manifest.records if r.get("table") not in special]
            audit = [r.get("row") for r in manifest.records if r.get("table") == "audit"]
            report.audit_entries = store_audit(session, header, audit, report)
            announced = learn_announced(
                session,
                applier,
                [r.get("row") for r in manifest.records if r.get("table") == "issuing_keys"],
            )
            stones, records = sync_erasure.split(records)
            erased = sync_erasure.from_device(session, applier, stones)
            applier.apply_many(records)
            retire_announced(session, applier, announced)
            receive_outcomes(
                session,
                applier,
                [r.get("row") for r in manifest.records if r.get("table") == OUTCOMES],
            )
        elif kind is Kind.REFERRAL:
            apply_referral(session, applier, header, manifest.records)
        elif kind is Kind.REPORT:
            stats_report.apply_report(session, applier, header, manifest.records)
        else:
            stones, rest = sync_erasure.split(manifest.records)
            apply_update(session, applier, rest)
            erased = sync_erasure.from_coordinator(session, applier, stones)
            issuing.sync_in(session, grant="all")  # the coordinator's policy: who may issue
        if applier.refused:
            session.audit(
                "sync.records_refused",
                header.bundle_id,
                {
                    "sender": header.sender,
                    "kind": kind.value,
                    "refused": {f"{t}/{r}": n for (t, r), n in sorted(applier.refused.items())},
                },
            )
        covers = {} if header.covers_from is None else {"covers_from": header.covers_from}
        conn.execute(
            "INSERT INTO sync_bundles (bundle_id, direction, sender, kind, sequence, digest,"
            " previous, at, report) VALUES (?, 'in', ?, ?, ?, ?, ?, ?, ?)",
            (
                header.bundle_id,
                header.sender,
                kind.value,
                header.sequence,
                header.digest,
                header.previous,
                applier.now,
                json.dumps({**report.to_json(), **covers}),
            ),
        )
        session.audit(
            "bundle.import",
            header.bundle_id,
            {
                "sender": header.sender,
                "kind": kind.value,
                "sequence": header.sequence,
                "imported": report.imported,
                "unchanged": report.unchanged,
                "conflicts": report.conflicts,
                "duplicates": report.duplicates,
                "quarantined": report.quarantined,
                **covers,
            },
        )
    if erased:
        erasure.scrub(conn)  # nothing of the erased cases stays in the file or its log
    if kind is Kind.UPDATE:
        activate(session)  # newly installed questionnaires are found from now on
    return report


def _refuse_revoked(conn: Connection, sender: str) -> None:
    """The unverified header names a revoked device: only the message is chosen from it (a
    revoked device is never among the trusted senders, so nothing could be accepted anyway)."""
    known = devices.get(conn, sender)
    if known is None or known.status is not devices.DeviceStatus.REVOKED:
        return
    date = devices.revoked_on(conn, sender)
    if not date:
        raise BundleError(
            _(
                "Device {device} was revoked: its exchange packages are no longer "
                "accepted. Nothing was imported."
            ).format(device=sender),
            "revoked",
        )
    raise BundleError(
        _(
            "Device {device} was revoked on {date}: its exchange packages are no "
            "longer accepted. Nothing was imported."
        ).format(device=sender, date=date),
        "revoked",
    )


def _replay(header: BundleHeader) -> BundleError:
    return BundleError(
        _(
            "Exchange package {sequence} from device {device} was already "
            "imported: this is a replay. Nothing was imported."
        ).format(sequence=header.sequence, device=header.sender),
        "replay",
    )


def _imported_digest(conn: Connection, header: BundleHeader, sequence: int) -> str | None:
    row = conn.execute(
        "SELECT digest FROM sync_bundles WHERE direction = 'in' AND sender = ? AND kind = ? AND"
        " sequence = ?",
        (header.sender, header.kind.value, sequence),
    ).fetchone()
    return None if row is None else str(row[0])


def _check_order(conn: Connection, header: BundleHeader) -> None:
    row = conn.execute(
        "SELECT sequence, digest FROM sync_bundles WHERE direction = 'in' AND sender = ? AND"
        " kind = ? ORDER BY sequence DESC LIMIT 1",
        (header.sender, header.kind.value),
    ).fetchone()
    last, last_digest = (0, None) if row is None else (int(row[0]), str(row[1]))
    if header.sequence <= last:
        if header.kind is Kind.CASE and _imported_digest(conn, header, header.sequence) is None:
            covering = conn.execute(
                "SELECT min(sequence) FROM sync_bundles WHERE direction = 'in' AND sender = ?"
                " AND kind = ? AND sequence > ?",
                (header.sender, header.kind.value, header.sequence),
            ).fetchone()[0]
            raise BundleError(
                _(
                    "Exchange package {sequence} from device {device} is not needed: "
                    "its changes came in package {covering}, which was imported "
                    "already. Nothing was imported."
                ).format(sequence=header.sequence, device=header.sender, covering=covering),
                "covered",
            )
        raise _replay(header)
    first = header.sequence if header.covers_from is None else header.covers_from
    if first > last + 1:
        if header.kind is Kind.CASE:
            raise BundleError(
                _(
                    "Exchange package {missing} from device {device} is missing: "
                    "import it first, or ask the post to write the packages again "
                    "from {missing} (Exchange > Write lost packages again…). "
                    "Nothing was imported."
                ).format(missing=last + 1, device=header.sender),
                "gap",
            )
        return  # an update is a full snapshot: a newer one may skip those in between
    expected = (
        last_digest
        if first == last + 1
        else (None if first == 1 else _imported_digest(conn, header, first - 1))
    )
    if header.previous != expected or (first <= last and expected is None and first != 1):
        raise BundleError(
            _(
                "Exchange package {sequence} from device {device} does not follow "
                "the last one imported from it. Nothing was imported."
            ).format(sequence=header.sequence, device=header.sender),
            "chain",
        )
