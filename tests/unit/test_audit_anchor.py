"""The audit chain is checked at every unlock, against its recorded head and an anchor kept
outside the database, before anything is appended; damage is recorded once and reported.

The attacks here hold the passphrase: they open the encrypted database with its key, drop the
append-only triggers and edit the audit table with SQL, as such a person could."""

from __future__ import annotations

import json
import shutil

import pytest

from idtool import audit, audit_anchor, database, officers
from idtool.cli import main as cli_main
from idtool.vault import Vault
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.audit_attacks import grow_chain, rewrite_from, tamper

BROKEN = "audit.chain_broken"


def _fix_meta_head(vault: Vault, key: bytes) -> None:
    """A careful attacker also moves meta.audit_head to the new last entry."""
    conn = database.connect(vault.db_path, key)
    try:
        seq, digest = audit.head(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
            (f"{seq}:{digest}",),
        )
    finally:
        conn.close()


def _reports(session) -> list[dict[str, object]]:
    return [e.details for e in audit.entries(session.conn) if e.action == BROKEN]


def _cli_verify(vault: Vault, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("IDTOOL_OFFICER", SUPERVISOR)
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    code = cli_main(["--data", str(vault.folder), "--lang", "en", "audit", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


# -- attacks --------------------------------------------------------------------------------


@pytest.mark.parametrize("careful", [False, True])
def test_cutting_the_tail_is_reported_at_unlock(made_vault, monkeypatch, capsys, careful):
    vault, _ = made_vault
    key, top = grow_chain(vault)
    tamper(vault, key, ("DELETE FROM audit WHERE seq > ?", (top - 3,)))
    if careful:
        _fix_meta_head(vault, key)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        [report] = _reports(s)
        assert report["first_bad_seq"] == top - 2
        assert [(f.seq, f.reason) for f in s.audit_findings][:1] == [(top - 2, report["reason"])]
        # Recorded before the unlock entry, in the same transaction.
        actions = [e.action for e in audit.entries(s.conn)][top - 3 :]
        assert actions == [BROKEN, "session.unlock"]
    code, out = _cli_verify(vault, monkeypatch, capsys)
    assert code != 0 and "intact" not in out
    assert f"entry {top - 2}" in out


def test_deleting_every_entry_is_reported(made_vault, monkeypatch, capsys):
    vault, _ = made_vault
    key, _top = grow_chain(vault)
    tamper(vault, key, ("DELETE FROM audit", ()), ("DELETE FROM meta WHERE key = 'audit_head'", ()))
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        [report] = _reports(s)
        assert report["first_bad_seq"] == 1
        assert s.audit_findings
    code, out = _cli_verify(vault, monkeypatch, capsys)
    assert code != 0 and "intact" not in out


def test_an_older_copy_of_the_database_put_back_is_reported(made_vault, tmp_path):
    vault, _ = made_vault
    grow_chain(vault, 2)
    copy = tmp_path / "old-copy"
    copy.mkdir()
    for f in vault.folder.glob("idtool.db*"):
        shutil.copy2(f, copy / f.name)
    _key, top = grow_chain(vault, 5)
    for f in vault.folder.glob("idtool.db*"):
        f.unlink()
    for f in copy.iterdir():
        shutil.copy2(f, vault.folder / f.name)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        [report] = _reports(s)
        assert report["reason"] == "behind_anchor"
        old_top = report["first_bad_seq"] - 1
        assert old_top < top
        assert audit.entries(s.conn)[old_top].action == BROKEN


def test_a_consistent_rewrite_is_found_by_the_anchor(made_vault):
    """Entries from k rewritten with every hash and meta.audit_head recomputed: the chain
    verifies, only the anchor outside the database tells."""
    vault, _ = made_vault
    key, top = grow_chain(vault)
    k = top - 4
    rewrite_from(vault, key, k)
    conn = database.connect(vault.db_path, key)
    assert audit.verify(conn).ok  # the rewrite is consistent in itself
    conn.close()
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        [report] = _reports(s)
        assert report == {"first_bad_seq": top, "reason": "anchor_mismatch"}


def test_an_edited_middle_entry_is_reported_once(made_vault, monkeypatch, capsys):
    vault, _ = made_vault
    key, top = grow_chain(vault)
    tamper(vault, key, ("UPDATE audit SET details = '{\"n\":99}' WHERE seq = ?", (top - 2,)))
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert _reports(s) == [{"first_bad_seq": top - 2, "reason": "entry_altered"}]
        assert s.audit_findings
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert len(_reports(s)) == 1  # the same break is not reported again
        assert s.audit_findings == ()
    code, out = _cli_verify(vault, monkeypatch, capsys)
    assert code != 0 and f"entry {top - 2}" in out


def test_a_second_break_after_a_reported_one_is_reported(made_vault):
    vault, _ = made_vault
    key, top = grow_chain(vault)
    tamper(vault, key, ("UPDATE audit SET details = '{\"n\":99}' WHERE seq = ?", (top - 2,)))
    vault.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    key, top2 = grow_chain(vault, 2)
    tamper(vault, key, ("UPDATE audit SET details = '{\"n\":98}' WHERE seq = ?", (top2 - 1,)))
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [r["first_bad_seq"] for r in _reports(s)] == [top - 2, top2 - 1]


def test_a_deleted_anchor_is_reported(made_vault):
    vault, _ = made_vault
    grow_chain(vault)
    (vault.folder / audit_anchor.ANCHOR_FILE).unlink()
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [r["reason"] for r in _reports(s)] == ["anchor_missing"]
    assert (vault.folder / audit_anchor.ANCHOR_FILE).exists()  # anchored again


def test_a_forged_anchor_is_reported(made_vault):
    vault, _ = made_vault
    grow_chain(vault)
    path = vault.folder / audit_anchor.ANCHOR_FILE
    data = json.loads(path.read_text())
    data["seq"] -= 2  # move the anchor back without the key
    path.write_text(json.dumps(data))
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [r["reason"] for r in _reports(s)] == ["anchor_invalid"]


def test_an_anchor_from_another_database_is_reported(made_vault, tmp_path):
    vault, _ = made_vault
    grow_chain(vault)
    other = Vault(tmp_path / "other", kdf_params=vault.kdf_params())
    other.create("Other", "supervisor", "other-pass-1")[0].close()
    shutil.copy2(other.folder / audit_anchor.ANCHOR_FILE, vault.folder / audit_anchor.ANCHOR_FILE)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [r["reason"] for r in _reports(s)] == ["anchor_invalid"]


# -- no false alarms --------------------------------------------------------------------------


def test_an_anchor_behind_the_database_is_no_alarm(made_vault):
    """A crash between the commit and the anchor write leaves the anchor behind: fine, as
    long as the chain up to the anchor matches."""
    vault, _ = made_vault
    grow_chain(vault)
    path = vault.folder / audit_anchor.ANCHOR_FILE
    behind = path.read_bytes()
    _key, top = grow_chain(vault, 4)
    path.write_bytes(behind)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert _reports(s) == [] and s.audit_findings == ()
        head = audit.head(s.conn)
    assert json.loads(path.read_text())["seq"] == head[0] > top


def test_an_older_data_folder_gets_an_anchor_without_an_alarm(made_vault):
    vault, _ = made_vault
    key, _top = grow_chain(vault)
    (vault.folder / audit_anchor.ANCHOR_FILE).unlink()
    tamper(vault, key, ("DELETE FROM meta WHERE key LIKE 'audit_anchor%'", ()))
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert _reports(s) == [] and s.audit_findings == ()
        head = audit.head(s.conn)
    anchor = json.loads((vault.folder / audit_anchor.ANCHOR_FILE).read_text())
    assert (anchor["seq"], anchor["hash"]) == head
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert s.audit_findings == ()


def test_the_anchor_follows_every_commit_and_survives_a_rekey(made_vault):
    vault, _ = made_vault
    path = vault.folder / audit_anchor.ANCHOR_FILE
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        officers.add_officer(s, POLICE, "police", POLICE_PASS)
        assert json.loads(path.read_text())["seq"] == audit.head(s.conn)[0]
        officers.remove_officer(s, POLICE)  # re-keys the database
        assert json.loads(path.read_text())["seq"] == audit.head(s.conn)[0]
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert s.audit_findings == () and _reports(s) == []
    text = path.read_text()
    assert SUPERVISOR not in text and POLICE not in text
    assert set(json.loads(text)) == {"format", "version", "seq", "hash", "mac"}


def test_a_fresh_database_is_anchored_and_clean(made_vault, monkeypatch, capsys):
    vault, _ = made_vault
    assert (vault.folder / audit_anchor.ANCHOR_FILE).exists()
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert s.audit_findings == ()
    code, out = _cli_verify(vault, monkeypatch, capsys)
    assert code == 0 and "intact" in out


def test_the_fast_chain_hash_is_the_canonical_one(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s, database.transaction(s.conn):
        s.audit("x", None, {"a": [1, 2.5, None], "b": {"ў": '"q"\\\n'}, "c": True})
        s.audit("y", "t", {})
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        rows = s.conn.execute(
            "SELECT seq, ts, device_id, officer, action, target, details,"
            " prev_hash, hash FROM audit ORDER BY seq"
        ).fetchall()
        for row in rows:
            assert audit.row_hash(row) == row[8]
        assert audit.verify(s.conn).ok


def test_cli_warns_at_unlock(made_vault, monkeypatch, capsys):
    vault, _ = made_vault
    key, top = grow_chain(vault)
    tamper(vault, key, ("DELETE FROM audit WHERE seq > ?", (top - 1,)))
    monkeypatch.setenv("IDTOOL_OFFICER", SUPERVISOR)
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    assert cli_main(["--data", str(vault.folder), "--lang", "en", "policy", "show"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("idtool: warning:")
    assert f"entry {top}" in err


def test_entries_cut_while_a_session_is_open_leave_the_anchor_ahead(made_vault):
    """The open session's next commit does not move the anchor back over the evidence."""
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        with database.transaction(s.conn):
            for i in range(6):
                s.audit("test.entry", details={"n": i})
        top = audit.head(s.conn)[0]
        tamper(vault, s.db_key, ("DELETE FROM audit WHERE seq > ?", (top - 5,)))
        with database.transaction(s.conn):
            s.audit("test.after_the_cut")
        anchor = json.loads((vault.folder / audit_anchor.ANCHOR_FILE).read_text())
        assert anchor["seq"] == top
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [(r["first_bad_seq"], r["reason"]) for r in _reports(s)] == [
            (top - 3, "behind_anchor")
        ]


def test_an_anchor_that_cannot_be_written_never_fails_a_change(made_vault):
    vault, _ = made_vault
    path = vault.folder / audit_anchor.ANCHOR_FILE
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        path.unlink()
        path.mkdir()  # the anchor cannot be replaced now
        with database.transaction(s.conn):
            s.audit("test.entry")
        assert audit.entries(s.conn)[-1].action == "test.entry"
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as s:
        assert [r["reason"] for r in _reports(s)] == ["anchor_invalid"]
