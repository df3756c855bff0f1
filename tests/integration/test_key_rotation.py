"""Removal that removes (issue 12, part 3): a removed officer's recovery code and copy of the
coordinator's keys stop working. Each test is the attack, which worked before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool import audit, cases, database, kdf, officers
from idtool.certificate import trust
from idtool.cli import main
from idtool.errors import AuthenticationFailed, BundleError, InvalidInput, NotPermitted
from idtool.sync import devices, enrol, export, keychange, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.sync import PASS, REMOVED, REMOVED_PASS, SUP, make_world

NEW_PASS = "brand-new-passphrase-77"


def test_removing_an_officer_issues_a_new_recovery_code(made_vault, capsys, monkeypatch):
    vault, old_code = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as sup:
        officers.add_officer(sup, REMOVED, "supervisor", REMOVED_PASS)
        new_code = officers.remove_officer(sup, REMOVED)
    assert new_code and new_code != old_code
    # The code the removed officer may know opens nothing any more ...
    with pytest.raises(AuthenticationFailed):
        vault.reset_passphrase(old_code, SUPERVISOR, NEW_PASS)
    # ... the new one, shown once to the supervisor who removed them, does.
    vault.reset_passphrase(new_code, SUPERVISOR, NEW_PASS)
    with vault.unlock(SUPERVISOR, NEW_PASS) as sup:
        actions = [e.action for e in audit.entries(sup.conn)]
        assert "recovery.renew" in actions
        # The command line shows the new code once; renewing on its own works too.
        monkeypatch.setenv("IDTOOL_PASSPHRASE", NEW_PASS)
        assert (
            main(["--data", str(vault.folder), "--officer", SUPERVISOR, "officer", "recovery-code"])
            == 0
        )
    printed = capsys.readouterr().out.split()
    third = next(word for word in printed if word.count("-") == 7)
    with pytest.raises(AuthenticationFailed):
        vault.reset_passphrase(new_code, SUPERVISOR, "another-new-passphrase-88")
    vault.reset_passphrase(third, SUPERVISOR, "another-new-passphrase-88")


def _rogue_issuer() -> bytes:
    return Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_removed_officers_copy_of_the_coordinator_loses_its_power(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, late = w.devs
    officers.add_officer(w.sup, REMOVED, "supervisor", REMOVED_PASS)
    # Before leaving, the officer copies the coordinator's folder.
    w.sup.close()
    shutil.copytree(tmp_path / "sup", tmp_path / "stolen")
    sup = w.reopen_supervisor(tmp_path / "sup")
    before = export.export_cases(late, w.out)  # written before the key change, to the old key

    officers.remove_officer(sup, REMOVED)
    old_fingerprint = devices.own_device(sup.conn, devices.DeviceRole.SUPERVISOR).fingerprint
    new_fingerprint = keychange.rotate(sup)
    assert new_fingerprint != old_fingerprint
    change = keychange.write_key_change(sup, w.out)
    report = import_bundle(dev, change)
    assert report.quarantined == 0
    known = devices.get(dev.conn, sup.device_id)
    assert known is not None and known.fingerprint == new_fingerprint
    assert import_bundle(dev, change).already_imported

    # The copy still opens with the removed officer's passphrase: it signs an update adding a
    # rogue issuer key, with a later sequence number. The device that took the key change
    # refuses it.
    thief = Vault(tmp_path / "stolen", kdf_params=kdf.FAST_PARAMS).unlock(REMOVED, REMOVED_PASS)
    trust.add_key(thief, _rogue_issuer(), "rogue")
    updates.export_update(thief, w.out, [dev.device_id, late.device_id])
    forged = updates.export_update(thief, w.out, [dev.device_id, late.device_id])
    with pytest.raises(BundleError) as refused:
        import_bundle(dev, forged)
    assert refused.value.reason == "unknown_key"
    # Later case packages are encrypted to the new key only: the copy cannot read them.
    cases.open_case(dev, full_name="Жаңы Иш", region=next(iter(cases.REGIONS)))
    after = export.export_cases(dev, w.out)
    with pytest.raises(BundleError) as unreadable:
        import_bundle(thief, after)
    assert unreadable.value.reason == "wrong_recipient"
    assert import_bundle(sup, after).imported > 0
    # The coordinator still reads what was written to its old key before the change.
    assert import_bundle(sup, before).imported > 0
    # The device's recovery slot for the coordinator now opens with the new identity only.
    slots = tmp_path / "dev0" / "keyslots.json"
    key = enrol.recovery_key(slots, devices.own_identity(sup.conn))
    database.connect(tmp_path / "dev0" / "idtool.db", key).close()
    with pytest.raises(AuthenticationFailed):
        enrol.recovery_key(slots, devices.own_identity(thief.conn))

    # A device that has not imported the key change yet still trusts the old key: that is the
    # window docs/security.md describes. It refuses the coordinator's new updates until it gets
    # the key-change package, which the coordinator writes again.
    update = updates.export_update(sup, w.out, [late.device_id])
    with pytest.raises(BundleError) as missed:
        import_bundle(late, update)
    assert missed.value.reason == "unknown_key"
    import_bundle(late, keychange.write_key_change(sup, w.out))
    assert import_bundle(late, updates.export_update(sup, w.out, [late.device_id])).imported >= 0
    assert devices.get(late.conn, sup.device_id).fingerprint == new_fingerprint
    with pytest.raises(BundleError):
        import_bundle(late, forged)
    rotations = [e for e in audit.entries(sup.conn) if e.action == "sync.keys_rotate"]
    assert rotations[-1].details == {"old": old_fingerprint, "new": new_fingerprint}
    thief.close()
    sup.close()


def test_a_key_change_not_signed_by_both_keys_is_refused(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    keychange.rotate(w.sup)
    old_signing, change = keychange.latest_change(w.sup.conn)
    other = Ed25519PrivateKey.generate()
    bad = {**change, "new_signature": other.sign(b"something else").hex()}
    path = updates.export_update_all(
        w.sup, w.out, extra=[{"table": "key_change", "row": bad}], signing=old_signing
    )
    report = import_bundle(dev, path)
    assert report.quarantined >= 1
    assert (
        devices.get(dev.conn, w.sup.device_id).signing_key == change["statement"]["old_signing_key"]
    )


def test_only_a_coordinator_rotates_and_the_command_line_does_it(
    tmp_path: Path, monkeypatch
) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    with pytest.raises(NotPermitted):
        keychange.rotate(dev)
    w.sup.close()
    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    out = tmp_path / "stick"
    out.mkdir()
    assert (
        main(
            ["--data", str(tmp_path / "sup"), "--officer", SUP, "keys", "rotate", "--out", str(out)]
        )
        == 0
    )
    (package,) = out.iterdir()
    assert import_bundle(dev, package).quarantined == 0
    assert (
        main(
            [
                "--data",
                str(tmp_path / "sup"),
                "--officer",
                SUP,
                "keys",
                "change-package",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(list(out.iterdir())) == 2
    # The coordinator names a device's organisation from the command line too.
    assert (
        main(
            [
                "--data",
                str(tmp_path / "sup"),
                "--officer",
                SUP,
                "device",
                "organisation",
                dev.device_id,
                "crisis-centre-osh",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--data",
                str(tmp_path / "sup"),
                "--officer",
                SUP,
                "device",
                "organisation",
                dev.device_id,
                "no-such-org",
            ]
        )
        == InvalidInput.exit_code
    )
