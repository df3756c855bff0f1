"""Issue 12 attacked again: the coordinator's key change, against a removed officer who copied the
coordinator's folder first; and bundles read with several identities. See
test_attacks_case_bundles.py for the conventions (a passing test is a refused attack, xfail one
that still works)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyrage
import pytest

from idtool import audit, cases, kdf, officers
from idtool.bundle import keys, read_bundle
from idtool.errors import AuthenticationFailed, BundleError
from idtool.session import Session
from idtool.sync import devices, enrol, export, keychange, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.issuing import (
    record,
)
from tests.support.sync import (
    REGION,
    REMOVED,
    REMOVED_PASS,
    World,
    craft,
    make_world,
)


def _coordinator_copied_then_rotated(tmp_path: Path, w: World) -> tuple[Session, Session]:
    """The removed officer copies the coordinator's folder, is removed, and the coordinator
    changes its keys. Returns (coordinator, the copy opened with the removed officer's
    passphrase)."""
    officers.add_officer(w.sup, REMOVED, "supervisor", REMOVED_PASS)
    w.sup.close()
    shutil.copytree(tmp_path / "sup", tmp_path / "stolen")
    sup = w.reopen_supervisor(tmp_path / "sup")
    w.sup = sup
    officers.remove_officer(sup, REMOVED)
    keychange.rotate(sup)
    thief = Vault(tmp_path / "stolen", kdf_params=kdf.FAST_PARAMS).unlock(REMOVED, REMOVED_PASS)
    return sup, thief


def test_replayed_and_rogue_key_changes_are_refused_after_the_real_one(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    sup, thief = _coordinator_copied_then_rotated(tmp_path, w)
    legit = keychange.write_key_change(sup, w.out)
    assert import_bundle(dev, legit).quarantined == 0
    new = devices.get(dev.conn, sup.device_id)
    # the same key change, written again (a new package, signed with the old key)
    again = keychange.write_key_change(sup, w.out)
    with pytest.raises(BundleError) as replay:
        import_bundle(dev, again)
    assert replay.value.reason == "unknown_key" and "key-change package" in replay.value.message
    # the copy changes the keys its own way, after the real change
    keychange.rotate(thief)
    with pytest.raises(BundleError) as rogue:
        import_bundle(dev, keychange.write_key_change(thief, w.out))
    assert rogue.value.reason == "unknown_key"
    assert devices.get(dev.conn, sup.device_id) == new
    # a key-change record signed by the copy's keys, slipped into a genuine new update
    _old, change = keychange.latest_change(thief.conn)
    report = import_bundle(
        dev,
        updates.export_update(sup, w.out, [dev.device_id], extra=[record("key_change", change)]),
    )
    assert report.quarantined == 1 and devices.get(dev.conn, sup.device_id) == new
    thief.close()


def test_window_a_device_that_takes_the_copys_key_change_first_follows_the_copy(
    tmp_path: Path,
) -> None:
    """The window docs/security.md describes, as it is: a device that imports the copy's key
    change before the real one trusts the copy from then on. It refuses the real coordinator
    (clear errors, no crash), encrypts its packages and seals its recovery slot to the copy;
    the coordinator notices because it can no longer read that device's packages."""
    w = make_world(tmp_path, 1)
    late = w.devs[0]
    sup, thief = _coordinator_copied_then_rotated(tmp_path, w)
    keychange.rotate(thief)
    rogue = keychange.write_key_change(thief, w.out)
    legit = keychange.write_key_change(sup, w.out)
    assert import_bundle(late, rogue).quarantined == 0
    changed = [e for e in audit.entries(late.conn) if e.action == "sync.supervisor_keys_changed"]
    assert (
        changed[-1].details["fingerprint"]
        == devices.own_device(thief.conn, devices.DeviceRole.SUPERVISOR).fingerprint
    )
    for package in (legit, updates.export_update(sup, w.out, [late.device_id])):
        with pytest.raises(BundleError) as refused:
            import_bundle(late, package)
        assert refused.value.reason == "unknown_key"
    cases.open_case(late, full_name="Жаңы Иш", region=REGION)
    package = export.export_cases(late, w.out)
    with pytest.raises(BundleError) as unreadable:
        import_bundle(sup, package)
    assert unreadable.value.reason == "wrong_recipient"
    assert import_bundle(thief, package).imported > 0
    enrol.recovery_key(tmp_path / "dev0" / "keyslots.json", devices.own_identity(thief.conn))
    with pytest.raises(AuthenticationFailed):
        enrol.recovery_key(tmp_path / "dev0" / "keyslots.json", devices.own_identity(sup.conn))
    thief.close()


@pytest.mark.xfail(
    strict=True,
    reason=(
        "`write_key_change` writes only the newest key change, signed with the key just before "
        "it: a device that missed two rotations cannot follow (unknown_key) and must be enrolled "
        "again"
    ),
)
def test_a_device_that_missed_two_key_changes_can_still_follow(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    keychange.rotate(w.sup)
    keychange.rotate(w.sup)
    import_bundle(dev, keychange.write_key_change(w.sup, w.out))
    assert (
        devices.get(dev.conn, w.sup.device_id).fingerprint
        == devices.own_device(w.sup.conn, devices.DeviceRole.SUPERVISOR).fingerprint
    )


def test_read_bundle_with_several_identities(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    cases.open_case(dev, full_name="Бир Иш", region=REGION)
    package = export.export_cases(dev, w.out)
    senders = devices.trusted(w.sup.conn, devices.DeviceRole.DEVICE)
    mine = devices.own_identity(w.sup.conn)
    stranger = pyrage.x25519.Identity.generate()
    header, _payload = read_bundle(package, senders, [stranger, mine])
    assert header.sender == dev.device_id
    read_bundle(package, senders, str(mine))
    for identities in ([], [stranger], str(stranger)):
        with pytest.raises(BundleError) as refused:
            read_bundle(package, senders, identities)
        assert refused.value.reason == "wrong_recipient"
    # a header that names this coordinator while the payload is encrypted to someone else
    path = craft(dev, w.out, [], sequence=99, recipients=[str(stranger.to_public())])
    raw = path.read_bytes()
    swapped = raw.replace(
        keys.recipient_fingerprint(stranger).encode(), keys.recipient_fingerprint(mine).encode()
    )
    assert swapped != raw
    path.write_bytes(swapped)
    with pytest.raises(BundleError) as broken:  # the recipients are in the signed header
        read_bundle(path, senders, [mine])
    assert broken.value.reason == "bad_signature"
