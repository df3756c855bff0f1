"""A device restored from an old backup: it does not write packages under numbers the
coordinator already has; it waits for the coordinator's acknowledgement (carried in update
packages), then writes a catch-up package the coordinator imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import cases, demo, kdf
from idtool.backup import create_backup, restore_backup
from idtool.bundle import read_unverified_header
from idtool.errors import InvalidInput
from idtool.session import Session
from idtool.sync import export, gap, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.sync import PASS, World, make_world

REGION = next(iter(cases.REGIONS))


def restored_device(w: World, backup: Path) -> Session:
    folder = w.root / "restored"
    restore_backup(backup, folder, officer="Officer 0", passphrase=PASS)
    return Vault(folder, kdf_params=kdf.FAST_PARAMS).unlock("Officer 0", PASS)


def sent(w: World, dev: Session) -> Path:
    path = export.export_cases(dev, w.out)
    import_bundle(w.sup, path)
    return path


def test_a_restored_device_catches_up_instead_of_reusing_numbers(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 2, seed=1)
    sent(w, dev)  # package 1
    backup = create_backup(dev, tmp_path).path
    for seed in (2, 3):  # packages 2 and 3 reach the coordinator; then the laptop is lost
        demo.generate(dev, 1, seed=seed)
        sent(w, dev)
    dev.close()

    again = restored_device(w, backup)
    assert gap.restored(again.conn) is not None
    with pytest.raises(InvalidInput) as e:  # it does not know yet what the coordinator has
        export.export_cases(again, w.out)
    assert "coordinator" in e.value.message

    import_bundle(again, updates.export_update_all(w.sup, w.out))
    # numbers continue after the coordinator's highest from this device, not after the backup
    new = cases.open_case(again, full_name="Case after the restore", region=REGION)
    assert new.number.endswith("-00005")
    path = export.export_cases(again, w.out)
    header = read_unverified_header(path)
    assert (header.sequence, header.covers_from) == (4, 2)
    report = import_bundle(w.sup, path)  # the coordinator takes it: no replay, no gap
    assert not report.already_imported and report.quarantined == 0
    numbers = {
        r[0]
        for r in w.sup.conn.execute(
            "SELECT uuid FROM cases WHERE device_id = ?", (again.device_id,)
        )
    }
    assert len(numbers) == 2 + 1 + 1 + 1  # before, between (kept there), after the restore
    # and from then on packages follow normally
    cases.open_case(again, full_name="Another case", region=REGION)
    nxt = export.export_cases(again, w.out)
    assert read_unverified_header(nxt).sequence == 5
    assert read_unverified_header(nxt).covers_from is None
    import_bundle(w.sup, nxt)


def test_nothing_lost_means_a_normal_package(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 1, seed=1)
    sent(w, dev)
    backup = create_backup(dev, tmp_path).path
    dev.close()
    again = restored_device(w, backup)
    import_bundle(again, updates.export_update_all(w.sup, w.out))
    cases.open_case(again, full_name="Case after the restore", region=REGION)
    path = export.export_cases(again, w.out)
    header = read_unverified_header(path)
    assert (header.sequence, header.covers_from) == (2, None)
    import_bundle(w.sup, path)


def test_a_device_never_restored_is_not_held_up(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 1, seed=1)
    assert read_unverified_header(sent(w, dev)).sequence == 1
    assert gap.restored(dev.conn) is None
