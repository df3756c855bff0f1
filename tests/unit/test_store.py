"""The encrypted store: no plaintext on disk, no unencrypted database ever opened."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from idtool import database, officers
from idtool.errors import CorruptDatabase, NoDatabase
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS

MARKER = "Жылдызкан Маркерова"


def _all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_no_plaintext_in_any_file_after_writes(made_vault):
    vault, _ = made_vault
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    officers.add_officer(session, MARKER, "social_worker", "marker-pass-1")
    # Keep the connection open so the -wal and -shm files exist while we look.
    files = _all_files(vault.folder)
    names = {p.name for p in files}
    assert "idtool.db-wal" in names
    needles = [
        MARKER.encode("utf-8"),
        SUPERVISOR.encode("utf-8"),
        "Маркерова".encode(),
        MARKER.encode("utf-16-le"),
        b"SQLite format 3",
    ]
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"{needle!r} found in {path.name}"
    session.close()
    for path in _all_files(vault.folder):
        assert b"SQLite format 3" not in path.read_bytes()


def test_plain_sqlite_file_is_refused(tmp_path):
    plain = tmp_path / "plain.db"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE t (a)")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptDatabase, match="unencrypted"):
        database.connect(plain, os.urandom(32))


def test_random_file_and_wrong_key_are_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    with pytest.raises(CorruptDatabase):
        database.connect(junk, os.urandom(32))
    key = os.urandom(32)
    good = tmp_path / "good.db"
    database.connect(good, key, create=True).close()
    with pytest.raises(CorruptDatabase):
        database.connect(good, os.urandom(32))
    database.connect(good, key).close()


def test_missing_database_is_not_created(tmp_path):
    path = tmp_path / "none.db"
    with pytest.raises(NoDatabase):
        database.connect(path, os.urandom(32))
    assert not path.exists()


def test_connection_settings(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        conn = session.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
        assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
        assert database.integrity_problems(conn) == []


def test_wrong_key_prints_nothing_to_stderr(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "db.db"
    database.connect(path, key, create=True).close()
    code = (
        "import os, sys; from pathlib import Path; from idtool import database\n"
        "try:\n"
        f"    database.connect(Path({str(path)!r}), os.urandom(32))\n"
        "except database.CorruptDatabase:\n"
        "    print('refused')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "refused"
    assert proc.stderr == ""


def test_second_officer_data_stays_encrypted(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.add_officer(session, POLICE, "police", POLICE_PASS)
    for path in _all_files(vault.folder):
        assert POLICE.encode() not in path.read_bytes()


def test_a_full_disk_is_a_clear_storage_error_and_keeps_what_was_saved(made_vault):
    """SQLite ends the transaction itself when the disk fills; the officer gets one clear
    message (never a raw database error) and everything saved before is still there."""
    from idtool import audit
    from idtool.errors import StorageError

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        conn = session.conn
        with database.transaction(conn):
            session.audit("test.kept", "before")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is nearly full
        with pytest.raises(StorageError) as info, database.transaction(conn):
            for n in range(200):
                session.audit("test.lost", str(n), {"filler": "ж" * 4000})
        assert "disk is full" in info.value.message
        assert not conn.in_transaction
        assert [e.target for e in audit.entries(conn) if e.action.startswith("test.")] == ["before"]
        assert audit.verify(conn).ok
