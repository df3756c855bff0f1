"""Officer key slots: authentication, tampering, re-keying, recovery."""

from __future__ import annotations

import base64
import json
import shutil

import pytest

from idtool import audit, keyslots, officers
from idtool.errors import (
    AuthenticationFailed,
    CorruptDatabase,
    InvalidInput,
    LockedOut,
    NotPermitted,
)
from idtool.vault import Vault
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS


def _with_police(vault: Vault) -> None:
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.add_officer(session, POLICE, "police", POLICE_PASS)


def _slots_doc(vault: Vault) -> dict:
    return json.loads(vault.slots_path.read_text())


def _write_doc(vault: Vault, doc: dict) -> None:
    vault.slots_path.write_text(json.dumps(doc))


def _flip(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_right_and_wrong_passphrase(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        assert session.officer.role == "supervisor"
        assert session.officer.name == SUPERVISOR
    with pytest.raises(AuthenticationFailed):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS + "x")


def test_name_is_matched_without_case_or_spacing(made_vault):
    vault, _ = made_vault
    with vault.unlock("  " + SUPERVISOR.upper() + " ", SUPERVISOR_PASS) as session:
        assert session.officer.name == SUPERVISOR


def test_unknown_name_and_wrong_passphrase_give_the_same_message(made_vault):
    vault, _ = made_vault
    with pytest.raises(AuthenticationFailed) as unknown:
        vault.unlock("Nobody", SUPERVISOR_PASS)
    with pytest.raises(AuthenticationFailed) as wrong:
        vault.unlock(SUPERVISOR, "wrong-passphrase")
    assert str(unknown.value) == str(wrong.value)


@pytest.mark.parametrize("field", ["identity", "db_key", "salt", "nonce", "tag_in_aad"])
def test_edited_slot_fails(made_vault, field):
    vault, _ = made_vault
    doc = _slots_doc(vault)
    slot = next(s for s in doc["slots"] if s["kind"] == "officer")
    if field == "tag_in_aad":
        # Re-point the slot to another name: the tag is bound into the associated data.
        other = keyslots.SlotsFile.load(vault.slots_path)
        slot["tag"] = other.officer_tag("Someone Else")
        _write_doc(vault, doc)
        with pytest.raises(AuthenticationFailed):
            vault.unlock("Someone Else", SUPERVISOR_PASS)
        return
    slot[field] = _flip(slot[field])
    _write_doc(vault, doc)
    with pytest.raises(AuthenticationFailed):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)


def test_slot_swapped_between_officers_fails(made_vault):
    vault, _ = made_vault
    _with_police(vault)
    doc = _slots_doc(vault)
    officers_slots = [s for s in doc["slots"] if s["kind"] == "officer"]
    sup, pol = officers_slots[0], officers_slots[1]
    # Give each slot the other's name tag: the police officer's name now leads to the
    # supervisor's wrapped key and vice versa.
    sup["tag"], pol["tag"] = pol["tag"], sup["tag"]
    _write_doc(vault, doc)
    for name, pw in (
        (POLICE, POLICE_PASS),
        (SUPERVISOR, SUPERVISOR_PASS),
        (POLICE, SUPERVISOR_PASS),
        (SUPERVISOR, POLICE_PASS),
    ):
        with pytest.raises(AuthenticationFailed):
            vault.unlock(name, pw)
        vault.throttle.record_success()  # this test is about slots, not throttling


def test_slot_moved_to_another_database_fails(tmp_path, made_vault):
    vault, _ = made_vault
    other = Vault(tmp_path / "other", kdf_params=vault.kdf_params())
    other.create("Other Supervisor", "supervisor", "other-pass-1")[0].close()
    # Copy our supervisor's slot into the other database's slots file.
    ours = next(s for s in _slots_doc(vault)["slots"] if s["kind"] == "officer")
    doc = json.loads(other.slots_path.read_text())
    ours_copy = dict(ours)
    ours_copy["tag"] = keyslots.SlotsFile.load(other.slots_path).officer_tag(SUPERVISOR)
    doc["slots"].append(ours_copy)
    other.slots_path.write_text(json.dumps(doc))
    with pytest.raises(AuthenticationFailed):
        other.unlock(SUPERVISOR, SUPERVISOR_PASS)
    # Swapping the whole slots file between folders fails as well (the unlock counter, signed
    # for the other file, no longer verifies: that alone means the longest wait).
    shutil.copy(vault.slots_path, other.slots_path)
    with pytest.raises((AuthenticationFailed, CorruptDatabase, LockedOut)):
        other.unlock(SUPERVISOR, SUPERVISOR_PASS)
    other.throttle.path.unlink()
    shutil.copy(vault.throttle.path, other.throttle.path)
    with pytest.raises((AuthenticationFailed, CorruptDatabase)):
        other.unlock(SUPERVISOR, SUPERVISOR_PASS)


def test_removed_officer_old_slot_copy_opens_nothing(made_vault, tmp_path):
    vault, _ = made_vault
    _with_police(vault)
    old_slots = vault.slots_path.read_bytes()
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.remove_officer(session, POLICE)
    with pytest.raises(AuthenticationFailed):
        vault.unlock(POLICE, POLICE_PASS)
    # Put the old slots file back: the old key no longer decrypts the re-keyed database.
    vault.slots_path.write_bytes(old_slots)
    with pytest.raises(CorruptDatabase):
        vault.unlock(POLICE, POLICE_PASS)
    # The old slot copy does still yield the old key - which opens nothing.
    old = keyslots.SlotsFile.load(vault.slots_path)
    old_key = old.open_slot(old.find_officer(POLICE), POLICE_PASS.encode())
    from idtool import database

    with pytest.raises(CorruptDatabase):
        database.connect(vault.db_path, old_key)


def test_remaining_officers_still_unlock_after_rekey(made_vault):
    vault, code = made_vault
    _with_police(vault)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.add_officer(session, "Third Officer", "social_worker", "third-pass-1")
        new_code = officers.remove_officer(session, POLICE)
        # The session goes on working on the re-keyed database.
        names = {o.name for o in officers.list_officers(session)}
        assert names == {SUPERVISOR, "Third Officer"}
    with vault.unlock("Third Officer", "third-pass-1") as session:
        assert session.officer.role == "social_worker"
    # The removal renewed the recovery code: the old one opens nothing.
    with pytest.raises(AuthenticationFailed):
        vault.reset_passphrase(code, "Third Officer", "fourth-pass-1")
    vault.reset_passphrase(new_code, "Third Officer", "fourth-pass-1")
    with vault.unlock("Third Officer", "fourth-pass-1"):
        pass
    assert not vault.pending_slots_path.exists()


def test_passphrase_change_rewrites_only_that_slot(made_vault):
    vault, _ = made_vault
    _with_police(vault)
    before = {s["id"]: s for s in _slots_doc(vault)["slots"]}
    with vault.unlock(POLICE, POLICE_PASS) as session:
        with pytest.raises(AuthenticationFailed):
            officers.change_passphrase(session, "not-the-old-one", "new-police-pass")
        officers.change_passphrase(session, POLICE_PASS, "new-police-pass")
    after = {s["id"]: s for s in _slots_doc(vault)["slots"]}
    assert before.keys() == after.keys()
    changed = [sid for sid in before if before[sid] != after[sid]]
    assert len(changed) == 1
    assert after[changed[0]]["db_key"] == before[changed[0]]["db_key"]
    with pytest.raises(AuthenticationFailed):
        vault.unlock(POLICE, POLICE_PASS)
    vault.unlock(POLICE, "new-police-pass").close()


def test_recovery_code_resets_a_lost_passphrase(made_vault):
    vault, code = made_vault
    assert len(keyslots.normalise_recovery_code(code)) == 32
    with pytest.raises(AuthenticationFailed):
        vault.reset_passphrase("AAAA-" + code[5:], SUPERVISOR, "brand-new-pass")
    vault.reset_passphrase(code.lower().replace("-", " "), SUPERVISOR, "brand-new-pass")
    with pytest.raises(AuthenticationFailed):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    vault.unlock(SUPERVISOR, "brand-new-pass").close()


def test_interrupted_rekey_is_finished_at_unlock(made_vault):
    """Crash after the database was re-keyed but before the slots file was replaced."""
    vault, _ = made_vault
    _with_police(vault)
    old_slots = vault.slots_path.read_bytes()
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.remove_officer(session, POLICE)
    new_slots = vault.slots_path.read_bytes()
    vault.slots_path.write_bytes(old_slots)
    vault.pending_slots_path.write_bytes(new_slots)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS):
        pass
    assert not vault.pending_slots_path.exists()
    assert vault.slots_path.read_bytes() == new_slots


def test_officer_rules(made_vault):
    vault, _ = made_vault
    _with_police(vault)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        with pytest.raises(InvalidInput):
            officers.add_officer(session, POLICE.lower(), "police", "whatever-1")
        with pytest.raises(InvalidInput):
            officers.add_officer(session, "Short Pass", "police", "short")
        with pytest.raises(InvalidInput):
            officers.add_officer(session, "Bad Role", "general", "long-enough-1")
        with pytest.raises(NotPermitted):
            officers.remove_officer(session, SUPERVISOR)
    with vault.unlock(POLICE, POLICE_PASS) as session, pytest.raises(NotPermitted):
        officers.add_officer(session, "Someone", "police", "long-enough-1")


class _Crash(Exception):
    """Stands for the process dying at this point."""


def _removed_officer_opens_nothing(
    vault: Vault, name: str, passphrase: str, old_key: bytes
) -> None:
    slots = vault.load_slots()
    assert slots.find_officer(name) is None  # no slot left for the removed officer
    with pytest.raises(AuthenticationFailed):
        vault.unlock(name, passphrase)
    from idtool import database

    with pytest.raises(CorruptDatabase):  # the key their old slot gave opens nothing now
        database.connect(vault.db_path, old_key).close()


@pytest.mark.parametrize("crash_at", ["before_side_file", "before_rekey"])
def test_a_removal_cut_short_is_completed_at_the_next_unlock(made_vault, monkeypatch, crash_at):
    """The officer is marked removed, then the process dies before the database is re-keyed:
    the next unlock drops their slot and re-keys, so their passphrase decrypts nothing."""
    from idtool import database

    vault, _ = made_vault
    _with_police(vault)
    session = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    old_key = session.db_key
    if crash_at == "before_side_file":
        monkeypatch.setattr(
            keyslots.SlotsFile, "save", lambda self, path: (_ for _ in ()).throw(_Crash())
        )
    else:
        monkeypatch.setattr(database, "rekey", lambda conn, key: (_ for _ in ()).throw(_Crash()))
    with pytest.raises(_Crash):
        officers.remove_officer(session, POLICE)
    session.close()
    monkeypatch.undo()
    assert vault.load_slots().find_officer(POLICE) is not None  # the crash left it behind

    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as again:
        assert again.db_key != old_key
        actions = [e.action for e in audit.entries(again.conn)]
        assert actions.count("database.rekey") == 2  # the cut one and the finished one
    assert not vault.pending_slots_path.exists()
    _removed_officer_opens_nothing(vault, POLICE, POLICE_PASS, old_key)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS):  # and nothing more happens after that
        pass


def test_a_slot_saved_for_an_add_that_never_committed_is_dropped(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        slots = vault.load_slots()
        slots.add_officer("Never Added", "never-added-1", session.db_key, vault.kdf_params())
        slots.save(vault.slots_path)  # the process died before the officer's row committed
        old_key = session.db_key
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        assert session.db_key != old_key
    _removed_officer_opens_nothing(vault, "Never Added", "never-added-1", old_key)
