"""The audit log: append-only, hash-chained, tampering found at the right entry."""

from __future__ import annotations

import pytest

from idtool import audit, database
from idtool.database import DatabaseError
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    with database.transaction(s.conn):
        for i in range(6):
            s.audit("test.entry", target=f"t{i}", details={"n": i, "text": "ө ү ң"})
    yield s
    s.close()


def _drop_triggers(conn):
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")


def test_chain_verifies(session):
    result = audit.verify(session.conn)
    assert result.ok
    assert result.count == len(audit.entries(session.conn))
    assert result.count >= 9


def test_update_and_delete_are_blocked(session):
    with pytest.raises(DatabaseError, match="append-only"):
        session.conn.execute("UPDATE audit SET action = 'x' WHERE seq = 3")
    with pytest.raises(DatabaseError, match="append-only"):
        session.conn.execute("DELETE FROM audit WHERE seq = 3")


def test_edit_is_found(session):
    _drop_triggers(session.conn)
    session.conn.execute("UPDATE audit SET details = '{\"n\":99}' WHERE seq = 5")
    result = audit.verify(session.conn)
    assert (result.ok, result.first_bad_seq) == (False, 5)


def test_edit_with_recomputed_hash_is_found_at_the_next_entry(session):
    _drop_triggers(session.conn)
    entry = audit.entries(session.conn)[4]
    body = entry.body() | {"action": "forged"}
    forged_hash = audit.entry_hash(entry.prev_hash, body)
    session.conn.execute(
        "UPDATE audit SET action = 'forged', hash = ? WHERE seq = 5", (forged_hash,)
    )
    result = audit.verify(session.conn)
    assert (result.ok, result.first_bad_seq) == (False, 6)


def test_delete_is_found(session):
    _drop_triggers(session.conn)
    session.conn.execute("DELETE FROM audit WHERE seq = 4")
    result = audit.verify(session.conn)
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_deleting_the_newest_entry_is_found(session):
    _drop_triggers(session.conn)
    last = audit.head(session.conn)[0]
    session.conn.execute("DELETE FROM audit WHERE seq = ?", (last,))
    result = audit.verify(session.conn)
    assert not result.ok
    assert result.first_bad_seq == last


def test_reorder_is_found(session):
    _drop_triggers(session.conn)
    conn = session.conn
    rows = {r[0]: r for r in conn.execute("SELECT * FROM audit WHERE seq IN (6, 7)")}
    conn.execute("DELETE FROM audit WHERE seq IN (6, 7)")
    # Swap the two entries' positions, keeping their contents.
    for new_seq, old_seq in ((6, 7), (7, 6)):
        r = rows[old_seq]
        conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (new_seq, *r[1:]))
    result = audit.verify(conn)
    assert (result.ok, result.first_bad_seq) == (False, 6)


def test_insert_is_found(session):
    _drop_triggers(session.conn)
    conn = session.conn
    rows = conn.execute("SELECT * FROM audit WHERE seq >= 5 ORDER BY seq DESC").fetchall()
    for r in rows:  # shift entries 5.. up by one to make room
        conn.execute("UPDATE audit SET seq = ? WHERE seq = ?", (r[0] + 1, r[0]))
    prev = conn.execute("SELECT hash FROM audit WHERE seq = 4").fetchone()[0]
    body = {
        "seq": 5,
        "ts": "2026-01-01T00:00:00+00:00",
        "device_id": session.device_id,
        "officer": None,
        "action": "inserted",
        "target": None,
        "details": {},
    }
    conn.execute(
        "INSERT INTO audit VALUES (5, ?, ?, NULL, 'inserted', NULL, '{}', ?, ?)",
        (body["ts"], session.device_id, prev, audit.entry_hash(prev, body)),
    )
    result = audit.verify(conn)
    assert (result.ok, result.first_bad_seq) == (False, 6)


def test_entries_are_written_with_the_change_they_record(session):
    before = audit.head(session.conn)[0]
    with pytest.raises(RuntimeError), database.transaction(session.conn):
        session.audit("test.rolled_back")
        raise RuntimeError("the change failed")
    assert audit.head(session.conn)[0] == before
