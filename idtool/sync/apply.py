"""Applying incoming records inside the import transaction: upsert, conflict, or quarantine.

Rules for a record with uuid, version, device_id and base_version (clocks are never used):

- not here yet -> inserted;
- identical to ours -> unchanged;
- ours was last written by the same device that sent this one -> that device's own history is
  linear, so a version at least as new as ours replaces it (an older one is unchanged);
- ours was last written by another device (say, the supervisor edited it) -> conflict queue.
  Version counters cannot tell whether the sender saw the other device's edit, so nothing
  is overwritten: a person chooses (`conflicts.resolve_conflict`). Never last-writer-wins.

Decisions, consents and revocations are append-only: inserted when new, never updated (a
different record under a known uuid is quarantined). Answers carry no version: one is replaced
only while ours is still exactly what we last received (`sync_received`), else conflict.
A record that cannot be stored (unknown table, missing or unknown fields, wrong types, a
reference to a record that does not exist, a broken database rule) is quarantined with its
reason; the rest of the bundle imports. Persons are checked for possible duplicates from
other posts (same transliterated name and birth date, or same document number): flagged for
a person to review, never merged.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlcipher3 import dbapi2

from idtool.audit import now_iso
from idtool.database import Connection
from idtool.sync import tables
from idtool.sync.report import ImportReport
from idtool.sync.tables import Table
from idtool.translit import search_key


def to_json(value: object) -> str:
    """JSON for storing a record in a queue (bytes, which JSON lacks, as hex)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      default=lambda v: v.hex() if isinstance(v, bytes) else repr(v))


def row_digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(to_json(row).encode()).hexdigest()


class Applier:
    def __init__(self, conn: Connection, bundle_id: str, sender: str,
                 report: ImportReport) -> None:
        self.conn = conn
        self.bundle_id = bundle_id
        self.sender = sender
        self.report = report
        self.schema = tables.schema(conn)
        self.now = now_iso()

    # -- entry point ---------------------------------------------------------------------
    def apply(self, record: object) -> None:
        if not isinstance(record, dict) or set(record) != {"table", "row"}:
            self.quarantine("?", record, "not_a_record")
            return
        name, row = record["table"], record["row"]
        table = self.schema.get(name) if isinstance(name, str) else None
        if table is None:
            self.quarantine(str(name)[:64], row, "unknown_table")
            return
        problem = tables.check_row(table, row)
        if problem is not None:
            self.quarantine(table.name, row, *problem)
            return
        try:
            if table.name == "answers":
                self._answer(table, row)
            elif table.name in tables.APPEND_ONLY:
                self._append_only(table, row)
            else:
                self._versioned(table, row)
        except dbapi2.IntegrityError as e:  # the failed statement changed nothing
            self.quarantine(table.name, row, *_integrity_reason(e))

    # -- the three kinds of table --------------------------------------------------------
    def _versioned(self, table: Table, row: dict[str, Any]) -> None:
        key = table.record_key(row)
        local = tables.read_row(self.conn, table, key)
        if local is None:
            self.insert(table, row)
        elif local == row:
            self.report.add(table.name, "unchanged")
            return
        elif local["device_id"] == row["device_id"]:
            if row["version"] < local["version"]:
                self.report.add(table.name, "unchanged")
                return
            self.update(table, row)
        else:
            self.conflict(table, key, local, row)
            return
        self.report.add(table.name, "imported")
        if table.name == "persons":
            self.flag_duplicates(row)

    def _append_only(self, table: Table, row: dict[str, Any]) -> None:
        local = tables.read_row(self.conn, table, table.record_key(row))
        if local is None:
            self.insert(table, row)
            self.report.add(table.name, "imported")
        elif local == row:
            self.report.add(table.name, "unchanged")
        else:
            self.quarantine(table.name, row, "append_only_changed")

    def _answer(self, table: Table, row: dict[str, Any]) -> None:
        key = table.record_key(row)
        local = tables.read_row(self.conn, table, key)
        if local == row:
            self.report.add(table.name, "unchanged")
            self._received(table, key, row)
            return
        if local is None:
            self.insert(table, row)
        elif self._last_received(table, key) == row_digest(local):
            self.update(table, row)
        else:
            self.conflict(table, key, local, row)
            return
        self._received(table, key, row)
        self.report.add(table.name, "imported")

    # -- writing -------------------------------------------------------------------------
    def insert(self, table: Table, row: dict[str, Any]) -> None:
        values = dict(row)
        if table.name == "officers":  # known here by name only: no key slot, cannot log in
            values |= {"slot_id": None, "active": 0, "name_key": f"remote:{row['uuid']}"}
        cols = list(values)
        self.conn.execute(f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES"
                          f" ({', '.join('?' * len(cols))})", [values[c] for c in cols])

    def update(self, table: Table, row: dict[str, Any]) -> None:
        cols = [c for c in table.names if c not in table.key]
        self.conn.execute(
            f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {table.where()}",
            [row[c] for c in cols] + [row[k] for k in table.key])

    def _last_received(self, table: Table, key: str) -> str | None:
        found = self.conn.execute("SELECT digest FROM sync_received WHERE tbl = ? AND"
                                  " record_key = ?", (table.name, key)).fetchone()
        return None if found is None else str(found[0])

    def _received(self, table: Table, key: str, row: dict[str, Any]) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sync_received (tbl, record_key, digest)"
                          " VALUES (?, ?, ?)", (table.name, key, row_digest(row)))

    # -- queues --------------------------------------------------------------------------
    def conflict(self, table: Table, key: str, local: dict[str, Any],
                 incoming: dict[str, Any]) -> None:
        open_ = self.conn.execute("SELECT uuid FROM sync_conflicts WHERE tbl = ? AND"
                                  " record_key = ? AND resolved_at IS NULL",
                                  (table.name, key)).fetchone()
        if open_ is not None:  # one open conflict per record, showing the newest incoming
            self.conn.execute("UPDATE sync_conflicts SET incoming = ?, local = ?, bundle_id = ?,"
                              " sender = ? WHERE uuid = ?",
                              (to_json(incoming), to_json(local), self.bundle_id, self.sender,
                               open_[0]))
        else:
            self.conn.execute(
                "INSERT INTO sync_conflicts (uuid, tbl, record_key, local, incoming, bundle_id,"
                " sender, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), table.name, key, to_json(local), to_json(incoming),
                 self.bundle_id, self.sender, self.now))
        self.report.add(table.name, "conflicts")

    def quarantine(self, table: str, record: object, reason: str, detail: str = "") -> None:
        self.conn.execute(
            "INSERT INTO sync_quarantine (uuid, bundle_id, sender, tbl, record, reason, detail,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), self.bundle_id, self.sender, table, to_json(record), reason,
             detail, self.now))
        self.report.add(table, "quarantined")

    def flag_duplicates(self, person: dict[str, Any]) -> None:
        reasons: dict[str, set[str]] = {}
        name = search_key(person["full_name"])
        if name and person["birth_date"]:
            for (other,) in self.conn.execute(
                    "SELECT uuid FROM persons WHERE name_key = ? AND birth_date = ? AND uuid != ?"
                    " AND device_id != ?",
                    (name, person["birth_date"], person["uuid"], person["device_id"])):
                reasons.setdefault(other, set()).add("name_birth_date")
        document = person["document_number"].strip()
        if document:
            for (other,) in self.conn.execute(
                    "SELECT uuid FROM persons WHERE document_number = ? AND uuid != ?"
                    " AND device_id != ?", (document, person["uuid"], person["device_id"])):
                reasons.setdefault(other, set()).add("document_number")
        for other, why in sorted(reasons.items()):
            a, b = sorted((person["uuid"], other))
            cur = self.conn.execute(
                "INSERT INTO sync_duplicates (uuid, person_a, person_b, reason, bundle_id,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_a, person_b)"
                " DO NOTHING", (str(uuid.uuid4()), a, b, "+".join(sorted(why)), self.bundle_id,
                                self.now))
            self.report.duplicates += cur.rowcount > 0


def _integrity_reason(error: dbapi2.IntegrityError) -> tuple[str, str]:
    text = str(error)
    if "FOREIGN KEY" in text:
        return "missing_reference", ""
    # SQLite names the rule and the column ("UNIQUE constraint failed: cases.number"), no values.
    return "constraint", text[:200]
