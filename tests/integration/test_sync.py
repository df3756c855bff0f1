"""Sync end to end: enrolment, case bundles from several devices to one supervisor, refusals,
conflicts, duplicates, quarantine, the audit head, the recovery slot, and the command line."""

from __future__ import annotations

import random
import shutil
import uuid
from pathlib import Path

import pytest

from idtool import cases, database, demo, kdf
from idtool.errors import BundleError, NotPermitted
from idtool.sync import conflicts, devices, enrol, export, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.support.sync import PASS, SUP, craft, device_records, dump, make_world

# -- enrolment ------------------------------------------------------------------------------


def test_enrolment_trusts_both_ways_and_recovery_slot_opens_the_device(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    sup_keys = devices.own_device(w.sup.conn, devices.DeviceRole.SUPERVISOR)
    assert devices.trusted(dev.conn, devices.DeviceRole.SUPERVISOR) == {
        w.sup.device_id: sup_keys.signing_key
    }
    assert dev.device_id in devices.trusted(w.sup.conn, devices.DeviceRole.DEVICE)
    # The update bundle put the supervisor's issuing key into the certificate issuer trust
    # list; its bundle key signs bundles only, never certificates.
    from idtool.certificate import issuing

    issuers = {r[0] for r in dev.conn.execute("SELECT public_key FROM trusted_keys")}
    sup_issuing = issuing.active(w.sup.conn)
    assert sup_issuing is not None and sup_issuing[1].hex() in issuers
    assert sup_keys.signing_key not in issuers
    # The supervisor's age identity opens the device's database through the recovery slot.
    key = enrol.recovery_key(tmp_path / "dev0" / "keyslots.json", devices.own_identity(w.sup.conn))
    conn = database.connect(tmp_path / "dev0" / "idtool.db", key)
    try:
        assert (
            conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
            == dev.device_id
        )
    finally:
        conn.close()
    # The fingerprint is six groups of five digits, the same on both sides.
    offer = enrol.read_enrolment(enrol.create_enrolment(w.sup))
    assert offer.fingerprint == sup_keys.fingerprint
    assert [len(g) for g in offer.fingerprint.split()] == [5] * 6


def test_join_needs_the_fingerprint_confirmed_and_a_valid_file(tmp_path: Path) -> None:
    sup, _ = Vault(tmp_path / "sup", kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", PASS)
    dev, _ = Vault(tmp_path / "dev", kdf_params=kdf.FAST_PARAMS).create("Officer", "police", PASS)
    data = enrol.create_enrolment(sup)
    with pytest.raises(BundleError) as e:
        enrol.join(dev, data, confirm=lambda fp: False)
    assert e.value.reason == "not_confirmed"
    assert devices.all_devices(dev.conn) == []
    tampered = data.replace(b"supervisor", b"supervisoR", 1)
    for bad in (tampered, data[:-20], b"\x00" * 10, b"{}"):
        with pytest.raises(BundleError):
            enrol.read_enrolment(bad)
    with pytest.raises(NotPermitted):
        enrol.create_enrolment(dev)  # only a supervisor hands out enrolment files
    shown: list[str] = []
    fingerprint, request = enrol.join(dev, data, confirm=lambda fp: shown.append(fp) or True)
    assert shown == [fingerprint] == [enrol.read_enrolment(data).fingerprint]
    assert enrol.read_request(request).supervisor == sup.device_id
    with pytest.raises(BundleError):  # a supervisor cannot approve its own enrolment file
        enrol.approve(sup, data, tmp_path / "u.idtb")


# -- several devices, any order -------------------------------------------------------------


def test_shuffled_order_gives_the_same_database_and_reimport_changes_nothing(
    tmp_path: Path,
) -> None:
    w = make_world(tmp_path, 3)
    bundles = []
    for i, dev in enumerate(w.devs):
        demo.generate(dev, 2, seed=i)
        bundles.append(export.export_cases(dev, w.out))
        demo.generate(dev, 1, seed=100 + i)
        bundles.append(export.export_cases(dev, w.out))
    w.sup.close()
    shutil.copytree(tmp_path / "sup", tmp_path / "sup2")
    in_order = w.reopen_supervisor(tmp_path / "sup")
    shuffled = w.reopen_supervisor(tmp_path / "sup2")

    for path in bundles:
        report = import_bundle(in_order, path)
        assert report.quarantined == 0 and report.conflicts == 0
    assert in_order.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 9

    pending = bundles[:]
    random.Random(7).shuffle(pending)
    gaps = 0
    while pending:
        refused = []
        for path in pending:
            try:
                import_bundle(shuffled, path)
            except BundleError as e:
                assert e.reason == "gap"
                gaps += 1
                refused.append(path)
        assert len(refused) < len(pending)  # every round makes progress
        pending = refused
    assert gaps > 0  # the shuffle did put a later bundle first
    assert dump(shuffled.conn) == dump(in_order.conn)

    before = dump(in_order.conn)
    again = import_bundle(in_order, bundles[0])
    assert again.already_imported
    assert "already imported" in "\n".join(again.lines())
    assert dump(in_order.conn) == before


# -- refusals -------------------------------------------------------------------------------


def test_each_bad_bundle_is_refused_and_nothing_is_imported(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, other = w.devs
    demo.generate(dev, 1)
    first = export.export_cases(dev, w.out)
    cases.open_case(dev, full_name="Тест Тестов", region=next(iter(cases.REGIONS)))
    second = export.export_cases(dev, w.out)

    # A gap: bundle 2 before bundle 1.
    before = dump(w.sup.conn)
    with pytest.raises(BundleError) as e:
        import_bundle(w.sup, second)
    assert e.value.reason == "gap" and "1" in e.value.message
    assert dump(w.sup.conn) == before

    import_bundle(w.sup, first)
    before = dump(w.sup.conn)
    # A replay: another bundle with sequence 1, correctly signed by the device.
    replay = craft(dev, w.out, [], sequence=1)
    # A forged signer: the device's id, someone else's key.
    forged = craft(dev, w.out, [], sequence=2, signing=devices.own_signing_key(other.conn))
    # An unknown signer: a device that never enrolled.
    stranger, _ = Vault(tmp_path / "stranger", kdf_params=kdf.FAST_PARAMS).create(
        "Stranger", "police", PASS
    )
    stranger.conn.execute(
        "INSERT INTO sync_devices VALUES (?, 'x', ?, ?, 'supervisor', 'trusted', 'now')",
        (w.sup.device_id, "00" * 32, devices.supervisor(dev.conn).age_recipient),
    )
    unknown = craft(stranger, w.out, [], sequence=1)
    # Addressed to the device only, not to the supervisor.
    elsewhere = craft(
        dev,
        w.out,
        [],
        sequence=2,
        recipients=[devices.own_device(dev.conn, devices.DeviceRole.DEVICE).age_recipient],
    )
    truncated = w.out / "truncated.idtb"
    truncated.write_bytes(second.read_bytes()[:-100])
    flipped = w.out / "flipped.idtb"
    data = bytearray(second.read_bytes())
    data[-50] ^= 0x01
    flipped.write_bytes(bytes(data))
    header_flip = w.out / "header-flip.idtb"
    data = bytearray(second.read_bytes())
    data[40] ^= 0x01
    header_flip.write_bytes(bytes(data))

    expected = {
        replay: "replay",
        forged: "unknown_key",
        unknown: "unknown_signer",
        elsewhere: "wrong_recipient",
        truncated: "truncated",
        flipped: "digest",
    }
    for path, reason in expected.items():
        with pytest.raises(BundleError) as e:
            import_bundle(w.sup, path)
        assert e.value.reason == reason, path.name
        assert "\n" not in e.value.message
    with pytest.raises(BundleError):
        import_bundle(w.sup, header_flip)
    assert dump(w.sup.conn) == before
    assert import_bundle(w.sup, second).imported > 0  # the genuine one still imports


def test_audit_head_mismatch_refuses_the_bundle(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 1)
    records = device_records(dev)
    seq, digest = export.audit_records(dev.conn, 1 << 62)[1]
    before = dump(w.sup.conn)
    for head, recs in (
        ((seq + 1, digest), records),  # claims more than it carries
        ((seq, "ab" * 32), records),  # another head
        ((seq, digest), records[:-3] + records[-2:]),
    ):  # an entry cut out
        with pytest.raises(BundleError) as e:
            import_bundle(w.sup, craft(dev, w.out, recs, head=head))
        assert e.value.reason == "audit_head"
    assert dump(w.sup.conn) == before
    assert import_bundle(w.sup, craft(dev, w.out, records)).imported > 0


# -- queues ---------------------------------------------------------------------------------


def test_conflicting_edits_reach_the_conflict_queue(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    case = cases.open_case(dev, full_name="Бермет Мисалова", region=next(iter(cases.REGIONS)))
    import_bundle(w.sup, export.export_cases(dev, w.out))
    # Both edit version 1 of the case.
    with database.transaction(w.sup.conn):
        cases.set_status(w.sup, case.uuid, cases.Status.NEEDS_INFORMATION)
    with database.transaction(dev.conn):
        cases.set_status(dev, case.uuid, cases.Status.CLOSED)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.conflicts == 1 and report.tables["cases"]["conflicts"] == 1
    status = "SELECT status FROM cases WHERE uuid = ?"
    assert w.sup.conn.execute(status, (case.uuid,)).fetchone()[0] == "needs_information"
    [conflict] = conflicts.open_conflicts(w.sup)
    assert (conflict.table, conflict.record_key) == ("cases", case.uuid)
    assert conflict.incoming["status"] == "closed"
    conflicts.resolve_conflict(w.sup, conflict.uuid, keep="incoming")
    assert w.sup.conn.execute(status, (case.uuid,)).fetchone()[0] == "closed"
    assert conflicts.open_conflicts(w.sup) == []
    # The device's next edit follows on cleanly from the version now kept.
    with database.transaction(dev.conn):
        cases.set_status(dev, case.uuid, cases.Status.REFERRED)
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.conflicts == 0
    assert w.sup.conn.execute(status, (case.uuid,)).fetchone()[0] == "referred"
    actions = [r[0] for r in w.sup.conn.execute("SELECT action FROM audit")]
    assert "sync.conflict_resolve" in actions and "bundle.import" in actions


def test_answer_edited_on_both_sides_is_a_conflict(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 1)
    import_bundle(w.sup, export.export_cases(dev, w.out))
    interview, question = dev.conn.execute(
        "SELECT interview_uuid, question FROM answers LIMIT 1"
    ).fetchone()
    for conn, value in ((w.sup.conn, '"supervisor"'), (dev.conn, '"device"')):
        with database.transaction(conn):
            conn.execute(
                "UPDATE answers SET value = ? WHERE interview_uuid = ? AND question = ?",
                (value, interview, question),
            )
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.tables["answers"]["conflicts"] == 1
    # An answer only the device changed is simply updated.
    with database.transaction(dev.conn):
        dev.conn.execute(
            "UPDATE answers SET value = '\"again\"' WHERE interview_uuid = ? AND question != ?",
            (interview, question),
        )
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.tables["answers"]["conflicts"] == 0
    assert report.tables["answers"]["imported"] >= 1
    assert len(conflicts.open_conflicts(w.sup)) == 1  # the contested one waits for a person


def test_update_bundles_refuse_replays(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    older = updates.export_update(w.sup, w.out, [dev.device_id])
    newer = updates.export_update(w.sup, w.out, [dev.device_id])
    assert import_bundle(dev, newer).imported == 0  # a newer snapshot may skip one
    with pytest.raises(BundleError) as e:
        import_bundle(dev, older)
    assert e.value.reason == "replay"


def test_same_person_at_two_posts_is_flagged_not_merged(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    region = next(iter(cases.REGIONS))
    cases.open_case(w.devs[0], full_name="Айгүл Өмүрбекова", region=region, birth_date="1999-04-01")
    cases.open_case(w.devs[1], full_name="Aigul Omurbekova", region=region, birth_date="1999-04-01")
    cases.open_case(
        w.devs[1], full_name="Aigul Omurbekova", region=region, birth_date="2001-04-01"
    )  # another birth date: not flagged
    assert import_bundle(w.sup, export.export_cases(w.devs[0], w.out)).duplicates == 0
    report = import_bundle(w.sup, export.export_cases(w.devs[1], w.out))
    assert report.duplicates == 1
    [dup] = conflicts.open_duplicates(w.sup)
    assert dup.reason == "name_birth_date"
    assert w.sup.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 3
    conflicts.resolve_duplicate(w.sup, dup.uuid, "same")
    assert conflicts.open_duplicates(w.sup) == []
    assert w.sup.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 3


def test_look_alike_person_is_flagged_and_the_sender_s_name_key_not_trusted(tmp_path: Path) -> None:
    """A person sent under a Greek-omicron disguise, with a made-up search key, is still found
    to be a possible duplicate; the key stored is the one computed here from the name."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    region = next(iter(cases.REGIONS))
    mine = cases.open_case(
        w.sup, full_name="Nurgul Asanova", region=region, birth_date="1999-03-08"
    )
    cases.open_case(dev, full_name="Nurgul Asanova", region=region, birth_date="1999-03-08")
    records = device_records(dev)
    for record in records:
        if record["table"] == "persons":
            record["row"] = dict(
                record["row"], full_name="Nurgul Asan\u03bfva", name_key="somebody else"
            )
    report = import_bundle(w.sup, craft(dev, w.out, records))
    assert report.duplicates == 1 and report.quarantined == 0
    keys = {k for (k,) in w.sup.conn.execute("SELECT name_key FROM persons")}
    assert keys == {
        w.sup.conn.execute(
            "SELECT name_key FROM persons WHERE uuid = ?", (mine.person.uuid,)
        ).fetchone()[0]
    }


def test_received_person_with_hidden_characters_is_quarantined(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    cases.open_case(dev, full_name="Nurgul Asanova", region=next(iter(cases.REGIONS)))
    records = device_records(dev)
    person = next(r for r in records if r["table"] == "persons")["row"]
    bad = [
        {"table": "persons", "row": dict(person, uuid=str(uuid.uuid4()), full_name=name)}
        for name in ("Nurgul Asan\u200dova", "Nurgul \u202eavonasA", "Nurgul\x1b[2J", "N" * 200_000)
    ]
    bad.append(
        {"table": "persons", "row": dict(person, uuid=str(uuid.uuid4()), other_names="Nuri\u200b")}
    )
    report = import_bundle(w.sup, craft(dev, w.out, records + bad))
    assert report.quarantined == 5
    assert [q.reason for q in conflicts.quarantined(w.sup)] == ["bad_name"] * 5
    assert w.sup.conn.execute("SELECT full_name FROM persons").fetchall() == [("Nurgul Asanova",)]


def test_bad_records_are_quarantined_and_the_rest_imports(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 1)
    records = device_records(dev)
    case = next(r for r in records if r["table"] == "cases")["row"]
    orphan = dict(case, uuid=str(uuid.uuid4()), number="X-1", person_uuid=str(uuid.uuid4()))
    bad = [
        {"table": "secrets", "row": {"uuid": "x"}},
        {"table": "cases", "row": {k: v for k, v in case.items() if k != "status"}},
        {"table": "cases", "row": dict(case, uuid=str(uuid.uuid4()), version="2")},
        {"table": "cases", "row": orphan},
        {"nonsense": 1},
    ]
    report = import_bundle(w.sup, craft(dev, w.out, bad + records))
    assert report.quarantined == 5
    assert report.imported == len([r for r in records if r["table"] != "audit"])
    reasons = sorted(q.reason for q in conflicts.quarantined(w.sup))
    assert reasons == [
        "missing_fields",
        "missing_reference",
        "not_a_record",
        "unknown_table",
        "wrong_type",
    ]
    assert w.sup.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1


def test_roles(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    path = export.export_cases(dev, w.out)
    with pytest.raises(NotPermitted):
        import_bundle(dev, path)  # case bundles are for supervisors
    with pytest.raises(BundleError) as e:
        export.export_cases(w.sup, w.out)  # the supervisor is not enrolled with anyone
    assert e.value.reason == "not_enrolled"


# -- command line ---------------------------------------------------------------------------


def test_command_line_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from idtool.cli import main

    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    sup_dir, dev_dir = tmp_path / "sup", tmp_path / "dev"
    Vault(sup_dir, kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", PASS)[0].close()
    dev, _ = Vault(dev_dir, kdf_params=kdf.FAST_PARAMS).create("Officer", "police", PASS)
    cases.open_case(dev, full_name="Тест", region=next(iter(cases.REGIONS)))
    dev.close()
    s = ["--data", str(sup_dir), "--officer", SUP, "--lang", "en"]
    d = ["--data", str(dev_dir), "--officer", "Officer", "--lang", "en"]
    assert main([*s, "enrol", "create", "--out", str(tmp_path / "enrol.json")]) == 0
    assert "Fingerprint:" in capsys.readouterr().out
    # Without a terminal and without --yes, join refuses rather than trusting blindly.
    assert (
        main(
            [*d, "enrol", "join", str(tmp_path / "enrol.json"), "--out", str(tmp_path / "req.json")]
        )
        != 0
    )
    assert (
        main(
            [
                *d,
                "enrol",
                "join",
                str(tmp_path / "enrol.json"),
                "--out",
                str(tmp_path / "req.json"),
                "--yes",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *s,
                "enrol",
                "approve",
                str(tmp_path / "req.json"),
                "--out",
                str(tmp_path / "update.idtb"),
                "--yes",
            ]
        )
        == 0
    )
    assert main([*d, "import", str(tmp_path / "update.idtb")]) == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    capsys.readouterr()
    assert main([*d, "export", "--out", str(usb)]) == 0
    bundle = Path(capsys.readouterr().out.strip())
    assert bundle.exists() and bundle.parent == usb
    assert main([*s, "import", str(bundle)]) == 0
    assert "imported" in capsys.readouterr().out
    assert main([*s, "import", str(bundle)]) == 0  # valid, changes nothing
    assert "already imported" in capsys.readouterr().out
    broken = tmp_path / "broken.idtb"
    broken.write_bytes(bundle.read_bytes()[:-10])
    assert main([*s, "import", str(broken)]) == BundleError.exit_code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.idtb" in err[0]
