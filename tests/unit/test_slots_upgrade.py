"""Officer-name tags (issue 12, part 8) and key files written by earlier versions (format 1).

The fixture folder tests/fixtures/legacy-keyslots-v1 was written by the code before format 2:
HMAC name tags and no unlock counter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest

from idtool import kdf, keyslots, officers, throttle
from idtool.errors import AuthenticationFailed, CorruptDatabase, LockedOut
from idtool.vault import Vault
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS

LEGACY = Path(__file__).parent.parent / "fixtures" / "legacy-keyslots-v1"
LEGACY_CODE = "ZKCK-QJBT-OIQD-WB22-ST6U-EG6U-VNJF-ZQHX"


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


def _hmac_tag(tag_salt: str, name: str) -> str:
    """The format-1 tag: what anyone with the file could compute for a guessed name."""
    key = keyslots._unb64(tag_salt)
    return hmac.new(key, keyslots.normalise_name(name).encode(), hashlib.sha256).hexdigest()


def _doc(vault: Vault) -> dict:
    return json.loads(vault.slots_path.read_text("utf-8"))


@pytest.fixture
def legacy(tmp_path: Path) -> Vault:
    folder = tmp_path / "legacy"
    shutil.copytree(LEGACY, folder)
    (folder / "README.md").unlink()
    return Vault(folder, kdf_params=kdf.FAST_PARAMS)


# -- name tags ------------------------------------------------------------------------------
def test_an_officer_name_cannot_be_confirmed_with_a_fast_hash(made_vault):
    """Attack: with a copy of keyslots.json, guess a name and compare its HMAC to the tags."""
    vault, _ = made_vault
    doc = _doc(vault)
    tags = {s["tag"] for s in doc["slots"] if s["kind"] == "officer"}
    assert _hmac_tag(doc["tag_salt"], SUPERVISOR) not in tags
    # The tag is Argon2id of the name with the file's salt and its recorded parameters.
    params = kdf.KdfParams.from_dict(doc["tag_kdf"])
    assert params == vault.kdf_params()
    slow = kdf.derive(
        keyslots.normalise_name(SUPERVISOR).encode(), keyslots._unb64(doc["tag_salt"]), params
    ).hex()
    assert tags == {slow}


def test_looking_up_a_name_costs_a_key_derivation(made_vault, monkeypatch):
    vault, _ = made_vault
    calls: list[bytes] = []
    real = kdf.derive

    def counting(secret: bytes, salt: bytes, params: kdf.KdfParams) -> bytes:
        calls.append(secret)
        return real(secret, salt, params)

    monkeypatch.setattr(kdf, "derive", counting)
    slots = vault.load_slots()
    assert slots.find_officer(SUPERVISOR) is not None
    assert calls == [keyslots.normalise_name(SUPERVISOR).encode()]


def test_unlock_work_does_not_depend_on_whether_the_name_exists(made_vault, monkeypatch):
    """The same key derivations, with the same parameters, for a known and an unknown name."""
    vault, _ = made_vault
    seen: list[kdf.KdfParams] = []
    real = kdf.derive

    def recording(secret: bytes, salt: bytes, params: kdf.KdfParams) -> bytes:
        seen.append(params)
        return real(secret, salt, params)

    monkeypatch.setattr(kdf, "derive", recording)
    work = []
    for name in (SUPERVISOR, "Nobody Here"):
        seen.clear()
        with pytest.raises(AuthenticationFailed):
            vault.unlock(name, "wrong-passphrase")
        work.append(list(seen))
        vault.throttle.record_success()
    assert work[0] == work[1]
    assert len(work[0]) == 2  # the name tag, then the slot (or the stand-in derivation)


# -- key files of format 1 -------------------------------------------------------------------
def test_a_format_1_folder_unlocks_and_is_upgraded(legacy):
    doc = _doc(legacy)
    assert doc["format"] == 1 and not legacy.throttle.path.exists()
    old_tags = {_hmac_tag(doc["tag_salt"], n) for n in (SUPERVISOR, POLICE)}
    assert old_tags <= {s["tag"] for s in doc["slots"]}
    assert legacy.throttle.seconds_to_wait() == 0  # no counter yet: not a lockout here

    legacy.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    text = legacy.slots_path.read_text("utf-8")
    doc = json.loads(text)
    assert doc["format"] == keyslots.FORMAT == 2
    assert "tag_kdf" in doc
    assert not any(tag in text for tag in old_tags)  # no fast tag left for anyone
    assert legacy.throttle.path.exists() and legacy.throttle.failures == 0
    # The police officer has not unlocked since: the slot keeps its old associated data
    # (recomputed from the typed name) and opens with the new tag.
    legacy.unlock(POLICE, POLICE_PASS).close()
    with pytest.raises(AuthenticationFailed):
        legacy.unlock(POLICE, SUPERVISOR_PASS)
    with legacy.unlock(POLICE, POLICE_PASS) as session:
        officers.change_passphrase(session, POLICE_PASS, "сары-жылкы-тоодо-чабат")
    police = next(s for s in legacy.load_slots().slots if s.kind == "officer" and s.aad_format == 2)
    assert police.tag == legacy.load_slots().officer_tag(POLICE)
    legacy.unlock(POLICE, "сары-жылкы-тоодо-чабат").close()
    legacy.reset_passphrase(LEGACY_CODE, SUPERVISOR, "көк-асман-алма-терезе")
    legacy.unlock(SUPERVISOR, "көк-асман-алма-терезе").close()


def test_a_reset_with_the_recovery_code_upgrades_too(legacy):
    legacy.reset_passphrase(LEGACY_CODE, POLICE, "кызыл-тоо-суу-жаркын")
    assert _doc(legacy)["format"] == 2
    legacy.unlock(POLICE, "кызыл-тоо-суу-жаркын").close()
    legacy.unlock(SUPERVISOR, SUPERVISOR_PASS).close()


def test_a_format_1_counter_is_carried_over(legacy):
    clock = Clock()
    legacy = Vault(legacy.folder, clock=clock, kdf_params=kdf.FAST_PARAMS)
    legacy.throttle.path.write_text(json.dumps({"failures": 4, "last": clock.now}))
    with pytest.raises(LockedOut) as locked:
        legacy.unlock(SUPERVISOR, SUPERVISOR_PASS)
    assert locked.value.wait_seconds == pytest.approx(throttle.delay_after(4))


@pytest.mark.parametrize("start", ["upgraded", "new"])
def test_editing_the_key_file_back_to_format_1_bypasses_nothing(legacy, made_vault, start):
    """Format 1 had no counter before a first failure. Edited back to it, with the counter
    deleted, the folder counts attempts afresh, but no passphrase opens it any more."""
    vault = legacy if start == "upgraded" else made_vault[0]
    if start == "upgraded":
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    doc = _doc(vault)
    doc["format"] = 1
    del doc["tag_kdf"]
    for slot in doc["slots"]:
        if slot["kind"] == "officer":
            slot["tag"] = _hmac_tag(doc["tag_salt"], SUPERVISOR)
            slot["aad_format"] = 1
    vault.slots_path.write_text(json.dumps(doc))
    vault.throttle.path.unlink()
    assert vault.throttle.seconds_to_wait() == 0
    with pytest.raises((AuthenticationFailed, CorruptDatabase)):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)


def test_an_unknown_format_is_refused(made_vault):
    vault, _ = made_vault
    doc = _doc(vault)
    doc["format"] = 3
    vault.slots_path.write_text(json.dumps(doc))
    with pytest.raises(CorruptDatabase):
        vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
