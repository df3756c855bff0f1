"""Where an import sets records aside for a person: the conflict queue (ours and theirs differ),
quarantine (a record that cannot be stored, with its reason), refused records (the sender may
not write them; counted for the import's audit entry) and possible duplicate persons (flagged,
never merged). `apply.Applier` writes through these inside the import transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlcipher3 import dbapi2

from idtool import person_matches
from idtool.audit import now_iso
from idtool.database import Connection
from idtool.sync.record_json import to_json
from idtool.sync.report import ImportReport
from idtool.sync.tables import Table


class Queues:
    """The queues of one import (`bundle_id` from `sender`), counted in `report`."""

    def __init__(self, conn: Connection, bundle_id: str, sender: str, report: ImportReport) -> None:
        self.conn = conn
        self.bundle_id = bundle_id
        self.sender = sender
        self.report = report
        # records refused by the ownership rules: (table, reason) -> count, for the audit log
        self.refused: dict[tuple[str, str], int] = {}
        self.now = now_iso()

    def conflict(
        self, table: Table, key: str, local: dict[str, Any], incoming: dict[str, Any]
    ) -> None:
        open_ = self.conn.execute(
            "SELECT uuid FROM sync_conflicts WHERE tbl = ? AND"
            " record_key = ? AND resolved_at IS NULL",
            (table.name, key),
        ).fetchone()
        if open_ is not None:  # one open conflict per record, showing the newest incoming
            self.conn.execute(
                "UPDATE sync_conflicts SET incoming = ?, local = ?, bundle_id = ?,"
                " sender = ? WHERE uuid = ?",
                (to_json(incoming), to_json(local), self.bundle_id, self.sender, open_[0]),
            )
        else:
            self.conn.execute(
                "INSERT INTO sync_conflicts (uuid, tbl, record_key, local, incoming, bundle_id,"
                " sender, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    table.name,
                    key,
                    to_json(local),
                    to_json(incoming),
                    self.bundle_id,
                    self.sender,
                    self.now,
                ),
            )
        self.report.add(table.name, "conflicts")

    def quarantine(self, table: str, record: object, reason: str, detail: str = "") -> None:
        self.conn.execute(
            "INSERT INTO sync_quarantine (uuid, bundle_id, sender, tbl, record, reason, detail,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                self.bundle_id,
                self.sender,
                table,
                to_json(record),
                reason,
                detail,
                self.now,
            ),
        )
        self.report.add(table, "quarantined")

    def refuse(self, table: str, record: object, reason: str, detail: str = "") -> None:
        """Quarantine a record the sender may not write (see `ownership`); counted for the
        import's audit entry. A record of an erased case is not kept at all."""
        if reason != "erased":
            self.quarantine(table, record, reason, detail)
        self.refused[(table, reason)] = self.refused.get((table, reason), 0) + 1

    def flag_duplicates(self, person: dict[str, Any]) -> None:
        """Flag the persons from other posts that the duplicate rule (`person_matches`) takes
        for this one."""
        reasons = person_matches.matches(
            self.conn,
            full_name=person["full_name"],
            birth_date=person["birth_date"],
            document_number=person["document_number"],
            not_uuid=person["uuid"],
            not_device=person["device_id"],
        )
        for other, why in sorted(reasons.items()):
            a, b = sorted((person["uuid"], other))
            cur = self.conn.execute(
                "INSERT INTO sync_duplicates (uuid, person_a, person_b, reason, bundle_id,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_a, person_b)"
                " DO NOTHING",
                (str(uuid.uuid4()), a, b, "+".join(sorted(why)), self.bundle_id, self.now),
            )
            self.report.duplicates += cur.rowcount > 0


def integrity_reason(error: dbapi2.IntegrityError) -> tuple[str, str]:
    """The quarantine reason (and detail) for a row the database refused."""
    text = str(error)
    if "FOREIGN KEY" in text:
        return "missing_reference", ""
    # SQLite names the rule and the column ("UNIQUE constraint failed: cases.number"), no values.
    return "constraint", text[:200]
