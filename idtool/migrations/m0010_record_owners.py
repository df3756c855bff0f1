"""Who owns each person, case and officer imported from another device (`sync.ownership`).

Rows made on this device have no entry. For rows imported before this migration the owner is
the device whose audit log (as stored from its bundles) opened the case; failing that, the
device that last wrote the row, when it is not this one.
"""

from __future__ import annotations

from idtool.database import Connection
from idtool.migrations import split_sql

SQL = """
CREATE TABLE sync_owners (
    tbl TEXT NOT NULL,
    record_key TEXT NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (tbl, record_key)
) WITHOUT ROWID;
"""


def apply(conn: Connection) -> None:
    for statement in split_sql(SQL):
        conn.execute(statement)
    row = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    here = "" if row is None else str(row[0])
    opened: dict[str, str] = {}
    for sender, target in conn.execute(
        "SELECT sender, json_extract(entry, '$.target') FROM sync_audit WHERE"
        " json_extract(entry, '$.action') IN ('case.open', 'referral.receive')"
        " ORDER BY seq"
    ):
        if isinstance(target, str):
            opened.setdefault(target, str(sender))
    owners: dict[tuple[str, str], str] = {}
    for case, device in conn.execute("SELECT uuid, device_id FROM cases"):
        owner = opened.get(case) or (device if device != here else None)
        if owner and owner != here:
            owners[("cases", case)] = owner
    for person, case in conn.execute("SELECT person_uuid, uuid FROM cases ORDER BY rowid"):
        owner = owners.get(("cases", case))
        if owner:
            owners.setdefault(("persons", person), owner)
    for table in ("persons", "officers"):
        for key, device in conn.execute(f"SELECT uuid, device_id FROM {table}"):
            if device != here:
                owners.setdefault((table, key), device)
    conn.executemany(
        "INSERT INTO sync_owners (tbl, record_key, device_id) VALUES (?, ?, ?)",
        [(t, k, d) for (t, k), d in sorted(owners.items())],
    )
