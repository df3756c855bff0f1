"""The queues an import fills, for a person to work through (the GUI lists them).

Conflicts: keep the local record, or take the incoming one exactly as the sending device wrote
it (so that device's next edits apply cleanly). Possible duplicates: mark them the same person
or different people; records are never merged automatically. Both are audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from idtool import database
from idtool.audit import now_iso
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext
from idtool.policy import Action
from idtool.session import Session
from idtool.sync import tables
from idtool.sync.apply import Applier
from idtool.sync.record_json import row_digest
from idtool.sync.report import ImportReport


@dataclass(frozen=True)
class Conflict:
    uuid: str
    table: str
    record_key: str
    local: dict[str, Any]
    incoming: dict[str, Any]
    bundle_id: str
    sender: str
    created_at: str


@dataclass(frozen=True)
class Duplicate:
    uuid: str
    person_a: str
    person_b: str
    reason: str
    bundle_id: str
    created_at: str


@dataclass(frozen=True)
class Quarantined:
    uuid: str
    bundle_id: str
    sender: str
    table: str
    reason: str
    detail: str
    created_at: str

    def reason_label(self, lang: str | None = None) -> str:
        return gettext(QUARANTINE_REASONS.get(self.reason, N_("Unknown reason")), lang)


QUARANTINE_REASONS = {
    "not_a_record": N_("Not a record"),
    "unknown_table": N_("Unknown kind of record"),
    "missing_fields": N_("Fields are missing"),
    "unknown_fields": N_("Unknown fields"),
    "wrong_type": N_("A field has the wrong type"),
    "missing_reference": N_("Refers to a record that does not exist"),
    "constraint": N_("Breaks a database rule"),
    "append_only_changed": N_("Differs from a record that may never change"),
    "key_changed": N_("A known device with a different key"),
    "foreign_origin": N_("Claims to come from another device than the one that signed the package"),
    "not_owner": N_("Belongs to a case or officer of another device"),
    "foreign_officer": N_("Names an officer of another device"),
    "dated_in_future": N_("Dated more than a day ahead of this computer's clock"),
    "bad_certificate": N_("A certificate not issued by the device that sent it"),
    "unaudited_key": N_(
        "A certificate-issuing key the device's audit log does not show being made"
    ),
    "bad_name": N_("A name holds control, text-direction or invisible characters, or is too long"),
}


def _require_resolver(session: Session) -> None:
    """The coordinator's import role, or on a post an officer who may decide: the conflicts
    there come from the coordinator's edits of the post's own cases (`case_edits`)."""
    if not session.can(Action.DECIDE_STATUS):
        session.require(Action.IMPORT_CASE_BUNDLE)


def open_conflicts(session: Session) -> list[Conflict]:
    _require_resolver(session)
    return [
        Conflict(r[0], r[1], r[2], json.loads(r[3]), json.loads(r[4]), r[5], r[6], r[7])
        for r in session.conn.execute(
            "SELECT uuid, tbl, record_key, local, incoming, bundle_id, sender, created_at"
            " FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY created_at, rowid"
        )
    ]


def resolve_conflict(session: Session, conflict_uuid: str, keep: str) -> None:
    """Close a conflict keeping "local" or "incoming"; audited."""
    _require_resolver(session)
    if keep not in ("local", "incoming"):
        raise InvalidInput(_("Choose which version to keep: local or incoming."))
    conn = session.conn
    with database.transaction(conn):
        row = conn.execute(
            "SELECT tbl, record_key, incoming, bundle_id, sender FROM"
            " sync_conflicts WHERE uuid = ? AND resolved_at IS NULL",
            (conflict_uuid,),
        ).fetchone()
        if row is None:
            raise InvalidInput(_("This conflict does not exist or was already resolved."))
        name, key, incoming_json, bundle_id, sender = row
        if keep == "incoming":
            table = tables.schema(conn)[name]
            incoming = json.loads(incoming_json)
            applier = Applier(
                conn, bundle_id, sender, ImportReport(bundle_id, sender, "", 0), owned=False
            )
            if tables.read_row(conn, table, key) is None:
                applier.insert(table, incoming)
            else:
                applier.update(table, incoming)
            if name == "answers":
                conn.execute(
                    "INSERT OR REPLACE INTO sync_received (tbl, record_key, digest)"
                    " VALUES (?, ?, ?)",
                    (name, key, row_digest(incoming)),
                )
        conn.execute(
            "UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?,"
            " resolution = ? WHERE uuid = ?",
            (now_iso(), session.officer.uuid, keep, conflict_uuid),
        )
        session.audit("sync.conflict_resolve", conflict_uuid, {"table": name, "keep": keep})


def open_duplicates(session: Session) -> list[Duplicate]:
    session.require(Action.IMPORT_CASE_BUNDLE)
    return [
        Duplicate(*r)
        for r in session.conn.execute(
            "SELECT uuid, person_a, person_b, reason, bundle_id, created_at FROM sync_duplicates"
            " WHERE resolved_at IS NULL ORDER BY created_at, rowid"
        )
    ]


@dataclass(frozen=True)
class PersonSummary:
    """The few fields of a person needed to judge a possible duplicate."""

    name: str
    birth_date: str
    document: str
    device: str

    def text(self) -> str:
        return _("{name}, born {birth}, document {document} (device {device})").format(
            name=self.name or "—",
            birth=self.birth_date or "—",
            document=self.document or "—",
            device=self.device[:8],
        )


def person_summaries(session: Session, uuids: set[str]) -> dict[str, PersonSummary]:
    """The persons of possible duplicates, by uuid (read only; those not found are left out)."""
    session.require(Action.IMPORT_CASE_BUNDLE)
    found: dict[str, PersonSummary] = {}
    for uuid in sorted(uuids):
        row = session.conn.execute(
            "SELECT full_name, birth_date, document_number, device_id FROM persons WHERE uuid = ?",
            (uuid,),
        ).fetchone()
        if row is not None:
            found[uuid] = PersonSummary(*(str(v) for v in row))
    return found


def resolve_duplicate(session: Session, duplicate_uuid: str, resolution: str) -> None:
    """Record a person's judgement ("same" or "different"); nothing is merged. Audited."""
    session.require(Action.IMPORT_CASE_BUNDLE)
    if resolution not in ("same", "different"):
        raise InvalidInput(_("Choose whether these are the same person or different people."))
    with database.transaction(session.conn):
        cur = session.conn.execute(
            "UPDATE sync_duplicates SET resolved_at = ?, resolved_by = ?, resolution = ?"
            " WHERE uuid = ? AND resolved_at IS NULL",
            (now_iso(), session.officer.uuid, resolution, duplicate_uuid),
        )
        if cur.rowcount != 1:
            raise InvalidInput(_("This possible duplicate does not exist or was already resolved."))
        session.audit("sync.duplicate_resolve", duplicate_uuid, {"resolution": resolution})


def quarantined(session: Session) -> list[Quarantined]:
    session.require(Action.IMPORT_CASE_BUNDLE)
    return [
        Quarantined(*r)
        for r in session.conn.execute(
            "SELECT uuid, bundle_id, sender, tbl, reason, detail, created_at FROM sync_quarantine"
            " ORDER BY created_at, rowid"
        )
    ]
