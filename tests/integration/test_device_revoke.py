"""Revoking a device (stolen or retired laptop): the supervisor's rules, refusing its packages
with a clear message, carrying the revocation to other devices in update bundles, and the
command line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from idtool.errors import BundleError, InvalidInput, NotPermitted
from idtool.sync import devices, export, updates
from idtool.sync.devices import DeviceStatus
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import consent_to_referral, person_case
from tests.support.sync import CRISIS, PASS, SUP, dump, make_world, two_orgs, update_all


def _audit(session, action: str) -> list[tuple[str, dict]]:
    return [
        (str(t), json.loads(d))
        for t, d in session.conn.execute(
            "SELECT target, details FROM audit WHERE action = ? ORDER BY seq", (action,)
        )
    ]


def test_revoke_rules_and_audit(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    lost, other = w.devs
    # Only the supervisor may revoke.
    with pytest.raises(NotPermitted):
        devices.revoke(other, lost.device_id, "stolen")
    # Never its own device, never an unknown id, never without a reason.
    with pytest.raises(InvalidInput, match="itself"):
        devices.revoke(w.sup, w.sup.device_id, "retired")
    with pytest.raises(InvalidInput, match="not in the trust list"):
        devices.revoke(w.sup, "no-such-device", "stolen")
    with pytest.raises(InvalidInput, match="reason"):
        devices.revoke(w.sup, lost.device_id, "  \n ")
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.TRUSTED
    assert _audit(w.sup, "sync.device_revoke") == []

    assert devices.revoke(w.sup, lost.device_id, "  laptop   stolen ") is True
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.REVOKED
    assert devices.get(w.sup.conn, other.device_id).status is DeviceStatus.TRUSTED
    assert lost.device_id not in devices.trusted(w.sup.conn, devices.DeviceRole.DEVICE)
    assert _audit(w.sup, "sync.device_revoke") == [
        (lost.device_id, {"role": "device", "reason": "laptop stolen"})
    ]
    assert len(devices.revoked_on(w.sup.conn, lost.device_id)) == 10

    # Revoking twice is a no-op: False, no second audit entry, still revoked.
    assert devices.revoke(w.sup, lost.device_id, "again") is False
    assert len(_audit(w.sup, "sync.device_revoke")) == 1
    # Neither an update nor a new enrolment of the same id trusts it again.
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.REVOKED
    known = devices.get(w.sup.conn, lost.device_id)
    devices.upsert(
        w.sup.conn, replace(known, status=DeviceStatus.TRUSTED), "2026-01-01T00:00:00+00:00"
    )
    assert devices.get(w.sup.conn, lost.device_id).status is DeviceStatus.REVOKED
    # The update for all devices is no longer addressed to the revoked one.
    path = updates.export_update_all(w.sup, w.out)
    with pytest.raises(BundleError):
        import_bundle(lost, path)
    assert import_bundle(other, path).quarantined == 0


def test_case_bundle_from_a_revoked_device_is_refused(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    lost = w.devs[0]
    person_case(lost, "Жылдыз Осмонова")
    path = export.export_cases(lost, w.out)
    devices.revoke(w.sup, lost.device_id, "stolen")
    before = dump(w.sup.conn)
    with pytest.raises(BundleError) as e:
        import_bundle(w.sup, path)
    assert e.value.reason == "revoked"
    date = devices.revoked_on(w.sup.conn, lost.device_id)
    assert e.value.message == (
        f"Device {lost.device_id} was revoked on {date}: its exchange packages are no longer "
        "accepted. Nothing was imported."
    )
    assert dump(w.sup.conn) == before
    assert w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_update_carries_the_revocation_and_referrals_are_refused(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    old_update = updates.export_update_all(w.sup, w.out)  # while the sender is still trusted
    case = person_case(sender, "Асел Кадырова")
    consent_to_referral(sender, case.uuid, CRISIS)
    referral = export_referral(sender, case.uuid, CRISIS, None, w.out, services=("shelter",))

    devices.revoke(w.sup, sender.device_id, "retired")
    new_update = updates.export_update_all(w.sup, w.out)
    report = import_bundle(receiver, new_update)
    assert report.quarantined == 0
    assert devices.get(receiver.conn, sender.device_id).status is DeviceStatus.REVOKED
    assert sender.device_id not in devices.trusted(receiver.conn, devices.DeviceRole.DEVICE)
    assert [t for t, _ in _audit(receiver, "sync.device_revoked")] == [sender.device_id]

    before = dump(receiver.conn)
    with pytest.raises(BundleError) as e:
        import_bundle(receiver, referral)
    assert e.value.reason == "revoked"
    assert "was revoked on" in e.value.message and "Nothing was imported" in e.value.message
    assert dump(receiver.conn) == before

    # An older update (it said "trusted") cannot un-revoke: its sequence is refused as a
    # replay, and even applied by hand its trusted entry does not win.
    with pytest.raises(BundleError) as e:
        import_bundle(receiver, old_update)
    assert e.value.reason == "replay"
    from idtool.sync.apply import Applier
    from idtool.sync.report import ImportReport
    from idtool.sync.update_trust import apply_update

    rows = [r for r in updates.update_records(w.sup.conn) if r["table"] == "sync_devices"]
    for r in rows:
        r["row"]["status"] = "trusted"
    report = ImportReport("b", w.sup.device_id, "update", 99)
    apply_update(receiver, Applier(receiver.conn, "b", w.sup.device_id, report), rows)
    assert devices.get(receiver.conn, sender.device_id).status is DeviceStatus.REVOKED
    with pytest.raises(BundleError) as e:
        import_bundle(receiver, referral)
    assert e.value.reason == "revoked"
    assert len(_audit(receiver, "sync.device_revoked")) == 1


def test_a_device_enrolled_later_learns_the_revocation(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    devices.revoke(w.sup, w.devs[0].device_id, "stolen")
    update_all(type(w)(w.root, w.sup, [w.devs[1]], w.out))
    assert devices.get(w.devs[1].conn, w.devs[0].device_id).status is DeviceStatus.REVOKED
    assert devices.revoked_on(w.devs[1].conn, w.devs[0].device_id)


def test_command_line_list_and_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from idtool.cli import main

    w = make_world(tmp_path, 1)
    lost = w.devs[0].device_id
    w.sup.close()
    for dev in w.devs:
        dev.close()
    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    s = ["--data", str(tmp_path / "sup"), "--officer", SUP, "--lang", "en"]
    assert main([*s, "device", "list"]) == 0
    out = capsys.readouterr().out
    assert lost in out and "\ttrusted\t" in out
    assert main([*s, "device", "revoke", lost, "--reason", " "]) == InvalidInput.exit_code
    assert "reason" in capsys.readouterr().err
    assert main([*s, "device", "revoke", "nope", "--reason", "stolen"]) == InvalidInput.exit_code
    assert main([*s, "device", "revoke", lost, "--reason", "stolen"]) == 0
    assert "is revoked" in capsys.readouterr().out
    assert main([*s, "device", "revoke", lost, "--reason", "stolen"]) == 0
    assert "revoked already" in capsys.readouterr().out
    assert main([*s, "device", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(lost))
    assert "\trevoked 20" in line
