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
reason; the rest of the bundle imports. Before any of this, a case bundle's record must be one
its signer may write (`ownership`: its own origin, its own cases and officers); any other is
quarantined with the reason and counted in `refused` for the import's audit entry. A person
whose name or working name holds control, text-direction or invisible characters, or is too
long, is quarantined ("bad_name"). The identity keys of persons and certificates (name_key,
holder_key) are computed here from the names, never taken from the sender. Persons are
checked for possible duplicates from other posts (same identity key of the name and same birth
date, or same document number): flagged for a person to review, never merged.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlcipher3 import dbapi2

from idtool import names
from idtool.database import Connection
from idtool.errors import InvalidInput
from idtool.sync import tables
from idtool.sync.ownership import Ownership
from idtool.sync.queues import Queues, integrity_reason
from idtool.sync.record_json import row_digest
from idtool.sync.report import ImportReport
from idtool.sync.tables import Table

CHUNK = 2000  # keys per `IN (...)` lookup, below SQLite's limit on bound parameters
_KEYED = frozenset({"persons", "certificates"})  # rows whose identity keys are computed here


class Applier(Queues):
    """`owned`: enforce `ownership` (case bundles). Update bundles come from the coordinator,
    who relays what other devices wrote (certificate revocations), so they pass owned=False."""

    def __init__(
        self,
        conn: Connection,
        bundle_id: str,
        sender: str,
        report: ImportReport,
        *,
        owned: bool = True,
    ) -> None:
        super().__init__(conn, bundle_id, sender, report)
        self.ownership = Ownership(conn, sender) if owned else None
        self.schema = tables.schema(conn)
        # digests of answers noted as received in `apply_many`, written in key order (random
        # order writes into that index cost more than the rest of the import) by
        # `_flush_received` before anything else can read them
        self._pending: dict[tuple[str, str], str] = {}

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
        if table.name in _KEYED:
            row = self.own_keys(table.name, row)
            if row is None:
                return
        try:
            local = tables.read_row(self.conn, table, table.record_key(row))
            if local == row:
                self.report.add(table.name, "unchanged")
                if table.name == "answers":
                    self._received(table, table.record_key(row), row)
                return
            if self.ownership is not None and (
                why := self.ownership.refusal(table.name, row, local)
            ):
                self.refuse(table.name, row, *why)
                return
            if table.name == "answers":
                self._answer(table, row, local)
            elif table.name in tables.APPEND_ONLY:
                self._append_only(table, row, local)
            else:
                self._versioned(table, row, local)
            if local is None and self.ownership is not None:
                self.ownership.inserted(table.name, [row])
        except dbapi2.IntegrityError as e:  # the failed statement changed nothing
            self.quarantine(table.name, row, *integrity_reason(e))

    def apply_many(self, records: list[Any]) -> None:
        """`apply` each record in order, with the same outcome, but in batches: consecutive
        records of one table (no key twice, at most CHUNK) are looked up with one query and
        inserted with `executemany` (see `_write`: only a record that breaks a database rule
        is quarantined, as with `apply`). Untrusted records get every check `apply` makes."""
        run: list[dict[str, Any]] = []
        run_keys: dict[str, None] = {}
        current: Table | None = None
        schema, check, shape = self.schema, tables.check_row, {"table", "row"}
        for record in records:
            table = None
            if type(record) is dict and record.keys() == shape:
                name = record["table"]
                table = schema.get(name) if isinstance(name, str) else None
            if table is None or table.name in tables.APPEND_ONLY:
                self._flush(current, run, run_keys)
                run, run_keys, current = [], {}, None
                self._flush_received()
                self.apply(record)
                continue
            row = record["row"]
            problem = check(table, row)
            if problem is not None:
                self.quarantine(table.name, row, *problem)
                continue
            if table.name in _KEYED:
                row = self.own_keys(table.name, row)
                if row is None:
                    continue
            key = table.key_of(row)
            if table is not current or key in run_keys or len(run) >= CHUNK:
                self._flush(current, run, run_keys)
                run, run_keys, current = [], {}, table
            run.append(row)
            run_keys[key] = None
        self._flush(current, run, run_keys)
        self._flush_received()

    def _flush_received(self) -> None:
        if self._pending:
            self.conn.executemany(
                "INSERT OR REPLACE INTO sync_received (tbl, record_key, digest) VALUES (?, ?, ?)",
                [(*k, d) for k, d in sorted(self._pending.items())],
            )
            self._pending.clear()

    def _flush(
        self, table: Table | None, rows: list[dict[str, Any]], keys: dict[str, None]
    ) -> None:
        if table is not None and rows:
            self._batch(table, rows, list(keys))

    def _batch(self, table: Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
        """Checked rows of `table` and their distinct keys, in order (see `apply_many`)."""
        local = self._read_many(table, keys)
        answers = table.name == "answers"
        received = self._received_many(table, [k for k in keys if k in local]) if answers else {}
        owners = self.ownership
        if owners is not None:
            owners.prefetch(table.name, rows)
            owners.prefetch(table.name, list(local.values()))
        inserts: list[dict[str, Any]] = []
        writes: list[dict[str, Any]] = []  # inserts and updates, in bundle order
        noted: list[tuple[str, dict[str, Any]]] = []  # answers: (key, row) to note as received
        for key, row in zip(keys, rows, strict=True):
            mine = local.get(key)
            if mine == row:
                self.report.add(table.name, "unchanged")
                if answers:
                    noted.append((key, row))
                continue
            if owners is not None and (why := owners.refusal(table.name, row, mine)):
                self.refuse(table.name, row, *why)
                continue
            if mine is None:
                inserts.append(row)
            elif answers:
                if received.get(key) != row_digest(mine):
                    self.conflict(table, key, mine, row)
                    continue
            elif mine["device_id"] == row["device_id"]:
                if row["version"] < mine["version"]:
                    self.report.add(table.name, "unchanged")
                    continue
            else:
                self.conflict(table, key, mine, row)
                continue
            writes.append(row)
        if table.name == "persons":  # one at a time: each is checked for duplicates once in
            new = {id(row) for row in inserts}  # (as `apply` does), seeing those stored before
            for row in writes:
                try:
                    (self.insert if id(row) in new else self.update)(table, row)
                except dbapi2.IntegrityError as e:
                    self.quarantine(table.name, row, *integrity_reason(e))
                    continue
                if owners is not None and id(row) in new:
                    owners.inserted(table.name, [row])
                self.report.add(table.name, "imported")
                self.flag_duplicates(row)
            return
        done = self._write(table, writes, {id(row) for row in inserts})
        if owners is not None:
            new = {id(row) for row in inserts}
            owners.inserted(table.name, [row for row in done if id(row) in new])
        if answers:
            key_of = table.key_of
            noted += [(key_of(row), row) for row in done]
        self._received_rows(table, noted)
        if done:
            self.report.add(table.name, "imported", len(done))

    def _write(
        self, table: Table, writes: list[dict[str, Any]], new: set[int]
    ) -> list[dict[str, Any]]:
        """Insert (rows whose id is in `new`) or update each row, in order; a row that breaks a
        database rule is quarantined (its statement changed nothing). Consecutive inserts go
        through one `executemany`; if it stops at a bad row, the rows before it are stored
        (found by key), that row is quarantined and the rest continue. Returns the rows
        written."""
        done: list[dict[str, Any]] = []
        key_of = table.key_of
        i = 0
        while i < len(writes):
            row = writes[i]
            if id(row) not in new:
                try:
                    self.update(table, row)
                    done.append(row)
                except dbapi2.IntegrityError as e:
                    self.quarantine(table.name, row, *integrity_reason(e))
                i += 1
                continue
            j = i
            while j < len(writes) and id(writes[j]) in new:
                j += 1
            part = writes[i:j]
            try:
                self._insert_many(table, part)
            except dbapi2.IntegrityError as e:
                stored = self._read_many(table, [key_of(r) for r in part])
                n = 0
                while n < len(part) and key_of(part[n]) in stored:
                    n += 1
                done += part[:n]
                self.quarantine(table.name, part[n], *integrity_reason(e))
                i += n + 1
                continue
            done += part
            i = j
        return done

    def _read_many(self, table: Table, keys: list[str]) -> dict[str, dict[str, Any]]:
        """Our rows for these record keys, found through the first key column (indexed)."""
        names = table.names
        first = sorted({table.key_values(k)[0] for k in keys})
        wanted = set(keys)
        found = {}
        for row in self.conn.execute(
            f"SELECT {', '.join(names)} FROM {table.name} WHERE"
            f" {table.key[0]} IN ({', '.join('?' * len(first))})",
            first,
        ):
            values = dict(zip(names, row, strict=True))
            key = table.key_of(values)
            if key in wanted:
                found[key] = values
        return found

    def _received_many(self, table: Table, keys: list[str]) -> dict[str, str]:
        found = {k: d for k in keys if (d := self._pending.get((table.name, k))) is not None}
        rest = [k for k in keys if k not in found]
        if rest:
            found |= {
                str(k): str(d)
                for k, d in self.conn.execute(
                    "SELECT record_key, digest FROM sync_received WHERE tbl = ? AND record_key IN"
                    f" ({', '.join('?' * len(rest))})",
                    [table.name, *rest],
                )
            }
        return found

    def _received_rows(self, table: Table, rows: list[tuple[str, dict[str, Any]]]) -> None:
        pending, name = self._pending, table.name
        for key, row in rows:
            pending[(name, key)] = row_digest(row)

    def _insert_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = list(table.names)
        extra = table.name == "officers"
        if extra:
            cols += ["slot_id", "active", "name_key"]
        sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        getter = itemgetter(*table.names)
        if len(table.names) == 1:
            params = [(getter(r),) for r in rows]
        elif extra:
            params = [(*getter(r), None, 0, f"remote:{r['uuid']}") for r in rows]
        else:
            params = [getter(r) for r in rows]
        self.conn.executemany(sql, params)

    # -- the three kinds of table --------------------------------------------------------
    def _versioned(self, table: Table, row: dict[str, Any], local: dict[str, Any] | None) -> None:
        if local is None:
            self.insert(table, row)
        elif local["device_id"] == row["device_id"]:
            if row["version"] < local["version"]:
                self.report.add(table.name, "unchanged")
                return
            self.update(table, row)
        else:
            self.conflict(table, table.record_key(row), local, row)
            return
        self.report.add(table.name, "imported")
        if table.name == "persons":
            self.flag_duplicates(row)

    def _append_only(self, table: Table, row: dict[str, Any], local: dict[str, Any] | None) -> None:
        if local is None:
            self.insert(table, row)
            self.report.add(table.name, "imported")
        else:
            self.quarantine(table.name, row, "append_only_changed")

    def _answer(self, table: Table, row: dict[str, Any], local: dict[str, Any] | None) -> None:
        key = table.record_key(row)
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
        self.conn.execute(
            f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols],
        )

    def update(self, table: Table, row: dict[str, Any]) -> None:
        cols = [c for c in table.names if c not in table.key]
        self.conn.execute(
            f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {table.where()}",
            [row[c] for c in cols] + [row[k] for k in table.key],
        )

    def _last_received(self, table: Table, key: str) -> str | None:
        found = self.conn.execute(
            "SELECT digest FROM sync_received WHERE tbl = ? AND record_key = ?", (table.name, key)
        ).fetchone()
        return None if found is None else str(found[0])

    def _received(self, table: Table, key: str, row: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_received (tbl, record_key, digest) VALUES (?, ?, ?)",
            (table.name, key, row_digest(row)),
        )

    def own_keys(self, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """A checked person or certificate with its identity key computed here; None (the
        record quarantined) for a person whose names may not be stored."""
        if table == "certificates":
            return row | {
                "holder_key": names.holder_key(row["holder_name"], row["holder_birth_date"])
            }
        try:
            names.clean_name(row["full_name"])
            names.clean_name(row["other_names"], limit=names.MAX_NAME_TEXT)
            names.clean_name(row["working_name"])
        except InvalidInput as e:
            self.quarantine(table, row, "bad_name", e.message)
            return None
        return row | {"name_key": names.identity_key(row["full_name"])}
