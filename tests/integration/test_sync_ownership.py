"""Records are bound to the device that signed the bundle (issue 12, part 1).

Each test is an attack: an enrolled device sends a correctly signed case bundle whose records
claim another origin, or change what belongs to another device. Nothing may change; the record
is quarantined with a specific reason and the refusal is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idtool import audit, cases, decisions, policy
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from tests.support.sync import (
    REGION,
    dump,
    quarantine_reasons,
    row_of,
    send,
    world_with_exports,
)


def refused_audit(session: Session) -> list[dict[str, Any]]:
    return [e.details for e in audit.entries(session.conn) if e.action == "sync.records_refused"]


def test_officer_row_forged_as_the_coordinators_cannot_demote_its_supervisor(
    tmp_path: Path,
) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    mine = row_of(w.sup, "officers", w.sup.officer.uuid)
    assert mine["role"] == "supervisor"
    forged = {**mine, "role": "border_guard", "version": mine["version"] + 5}
    before = dump(w.sup.conn)
    report = send(w, dev, [{"table": "officers", "row": forged}])
    assert report.imported == 0 and report.quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("officers", "foreign_origin")
    assert row_of(w.sup, "officers", w.sup.officer.uuid) == mine
    # The coordinator can still manage officers.
    assert w.sup.can(policy.Action.MANAGE_OFFICERS)
    assert {
        k: v for k, v in dump(w.sup.conn).items() if k not in ("sync_quarantine", "bundles")
    } == {k: v for k, v in before.items() if k not in ("sync_quarantine", "bundles")}
    # Claiming the row as its own does not work either: it belongs to the coordinator.
    report = send(w, dev, [{"table": "officers", "row": {**forged, "device_id": dev.device_id}}])
    assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("officers", "not_owner")
    assert row_of(w.sup, "officers", w.sup.officer.uuid) == mine
    assert refused_audit(w.sup)[-1]["refused"] == {"officers/not_owner": 1}
    assert refused_audit(w.sup)[0]["sender"] == dev.device_id


def test_a_device_cannot_overwrite_another_devices_officer(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    theirs = row_of(w.sup, "officers", other.officer.uuid)
    for device_id, reason in ((other.device_id, "foreign_origin"), (dev.device_id, "not_owner")):
        changed = {
            **theirs,
            "name": "Someone else",
            "version": theirs["version"] + 1,
            "device_id": device_id,
        }
        report = send(w, dev, [{"table": "officers", "row": changed}])
        assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("officers", reason)
    assert row_of(w.sup, "officers", other.officer.uuid) == theirs


def test_versioned_case_of_another_device_or_the_coordinator_is_not_changed(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    theirs_uuid = other.conn.execute("SELECT uuid FROM cases").fetchone()[0]
    theirs = row_of(w.sup, "cases", theirs_uuid)
    coordinators = cases.open_case(w.sup, full_name="Тест Координатор", region=REGION).uuid
    own = row_of(w.sup, "cases", coordinators)
    attacks = [
        ({**theirs, "status": "closed", "version": 9}, "foreign_origin"),
        ({**theirs, "status": "closed", "version": 9, "device_id": dev.device_id}, "not_owner"),
        ({**own, "status": "closed", "version": 9}, "foreign_origin"),
        ({**own, "status": "closed", "version": 9, "device_id": dev.device_id}, "not_owner"),
    ]
    for row, reason in attacks:
        report = send(w, dev, [{"table": "cases", "row": row}])
        assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("cases", reason)
    assert row_of(w.sup, "cases", theirs_uuid) == theirs
    assert row_of(w.sup, "cases", coordinators) == own
    # A record planted "from" another device: a new case claiming the other's origin.
    person = row_of(w.sup, "persons", theirs["person_uuid"])
    planted = {**theirs, "uuid": "6f0f5a3e-0000-4000-8000-000000000001", "number": "X-1"}
    report = send(w, dev, [{"table": "cases", "row": planted}])
    assert quarantine_reasons(w.sup)[-1] == ("cases", "foreign_origin")
    # ... or hung on the other device's person under its own name.
    planted = {**planted, "device_id": dev.device_id, "officer_uuid": dev.officer.uuid}
    report = send(w, dev, [{"table": "cases", "row": planted}])
    assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("cases", "not_owner")
    assert row_of(w.sup, "persons", person["uuid"]) == person
    assert (
        w.sup.conn.execute(
            "SELECT count(*) FROM cases WHERE uuid = ?", (planted["uuid"],)
        ).fetchone()[0]
        == 0
    )


def test_append_only_decision_cannot_reverse_the_coordinators_decision(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    # a demo case with an assessment (which ones have one depends on the demo's draws)
    case_uuid = dev.conn.execute("SELECT case_uuid FROM assessments").fetchone()[0]
    decisions.record(
        w.sup, case_uuid, decisions.Decision.IDENTIFIED_VICTIM, reason="reviewed by the coordinator"
    )
    theirs = w.sup.conn.execute(
        "SELECT uuid FROM decisions WHERE device_id = ?", (w.sup.device_id,)
    ).fetchone()[0]
    row = row_of(w.sup, "decisions", theirs)
    reversal = {
        **row,
        "uuid": "6f0f5a3e-0000-4000-8000-0000000000d1",
        "decision": "not_victim",
        "supersedes": theirs,
        "decided_at": audit.now_iso(),
    }
    before = decisions.history(w.sup, case_uuid)
    report = send(w, dev, [{"table": "decisions", "row": reversal}])
    assert report.quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("decisions", "foreign_origin")
    # Under the device's own name, but naming the coordinator's officer: refused too.
    report = send(w, dev, [{"table": "decisions", "row": {**reversal, "device_id": dev.device_id}}])
    assert quarantine_reasons(w.sup)[-1] == ("decisions", "foreign_officer")
    assert decisions.history(w.sup, case_uuid) == before


def test_certificate_revocation_of_another_devices_certificate_is_refused(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    number = "KG-VS-TEST-2026-00001"
    case_uuid = other.conn.execute("SELECT case_uuid FROM decisions").fetchone()[0]
    w.sup.conn.execute(  # a certificate of the other device's case, as if imported from it
        "INSERT INTO certificates (uuid, number, case_uuid, person_uuid, decision_uuid,"
        " holder_key, holder_name, holder_birth_date, officer_uuid, officer_name, organisation,"
        " language, issue_date, issued_at, code, device_id) SELECT"
        " '6f0f5a3e-0000-4000-8000-0000000000c1', ?, c.uuid, c.person_uuid, d.uuid, 'k', 'n',"
        " '2000-01-01', c.officer_uuid, 'o', '', 'en', '2026-01-01', '2026-01-01', 'code', ?"
        " FROM cases c JOIN decisions d ON d.case_uuid = c.uuid WHERE c.uuid = ? LIMIT 1",
        (number, other.device_id, case_uuid),
    )
    assert w.sup.conn.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1
    revocation = {
        "uuid": "6f0f5a3e-0000-4000-8000-0000000000e1",
        "number": number,
        "reason": "forged",
        "officer_uuid": other.officer.uuid,
        "officer_name": "x",
        "revoked_at": "2026-02-02T00:00:00+00:00",
        "version": 1,
        "device_id": other.device_id,
        "base_version": 0,
    }
    for row, reason in (
        (revocation, "foreign_origin"),
        ({**revocation, "device_id": dev.device_id, "officer_uuid": dev.officer.uuid}, "not_owner"),
        (
            {
                **revocation,
                "device_id": dev.device_id,
                "officer_uuid": dev.officer.uuid,
                "number": "KG-VS-NONE",
            },
            "missing_reference",
        ),
    ):
        report = send(w, dev, [{"table": "certificate_revocations", "row": row}])
        assert report.quarantined == 1
        assert quarantine_reasons(w.sup)[-1] == ("certificate_revocations", reason)
    assert w.sup.conn.execute("SELECT count(*) FROM certificate_revocations").fetchone()[0] == 0


def test_answers_of_another_devices_interview_are_not_changed(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    key = w.sup.conn.execute(
        "SELECT a.interview_uuid || '/' || a.question FROM answers a JOIN interviews i ON"
        " i.uuid = a.interview_uuid WHERE i.device_id = ? LIMIT 1",
        (other.device_id,),
    ).fetchone()[0]
    theirs = row_of(w.sup, "answers", key)
    report = send(w, dev, [{"table": "answers", "row": {**theirs, "value": '"changed"'}}])
    assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("answers", "not_owner")
    assert row_of(w.sup, "answers", key) == theirs
    # A new answer planted in the other device's interview: refused as well.
    planted = {**theirs, "question": "planted_question"}
    send(w, dev, [{"table": "answers", "row": planted}])
    assert quarantine_reasons(w.sup)[-1] == ("answers", "not_owner")
    assert (
        w.sup.conn.execute(
            "SELECT count(*) FROM answers WHERE question = ?", ("planted_question",)
        ).fetchone()[0]
        == 0
    )


def test_policy_and_trust_list_cannot_travel_in_a_case_bundle(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    table_before = policy.table(w.sup.conn)
    devices_before = w.sup.conn.execute("SELECT * FROM sync_devices ORDER BY 1").fetchall()
    keys_before = w.sup.conn.execute("SELECT * FROM trusted_keys ORDER BY 1").fetchall()
    records = [
        {
            "table": "policy",
            "row": {"action": "manage_officers", "role": "border_guard", "allowed": True},
        },
        {
            "table": "sync_devices",
            "row": {
                "device_id": dev.device_id,
                "label": "x",
                "signing_key": "00" * 32,
                "age_recipient": "age1x",
                "role": "supervisor",
                "status": "trusted",
            },
        },
        {"table": "trusted_keys", "row": {"public_key": "11" * 32, "label": "rogue"}},
    ]
    report = send(w, dev, records)
    assert report.quarantined == 3 and report.imported == 0
    assert [r for _, r in quarantine_reasons(w.sup)[-3:]] == ["unknown_table"] * 3
    assert policy.table(w.sup.conn) == table_before
    assert w.sup.conn.execute("SELECT * FROM sync_devices ORDER BY 1").fetchall() == devices_before
    assert w.sup.conn.execute("SELECT * FROM trusted_keys ORDER BY 1").fetchall() == keys_before


def test_a_device_still_changes_its_own_records_and_sends_only_its_own(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    # a demo case with an assessment (which ones have one depends on the demo's draws)
    case_uuid = dev.conn.execute("SELECT case_uuid FROM assessments").fetchone()[0]
    cases.open_case(dev, full_name="Жаңы Адам", region=REGION)
    decisions.record(dev, case_uuid, decisions.Decision.POSSIBLE_VICTIM, reason="more later")
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.quarantined == 0 and report.imported >= 3
    assert not refused_audit(w.sup)
    # A revocation this device learned from an update is not sent back as its own.
    dev.conn.execute(
        "INSERT INTO certificate_revocations (uuid, number, reason, officer_uuid, officer_name,"
        " revoked_at, device_id) VALUES ('6f0f5a3e-0000-4000-8000-0000000000e2', 'N-1', 'r',"
        " 'o', 'o', '2026-01-01', ?)",
        (w.sup.device_id,),
    )
    records, _ = export.changed_records(dev.conn, 0)
    assert all(r["row"].get("device_id", dev.device_id) == dev.device_id for r in records)


def test_an_older_database_learns_who_owns_what_it_imported(tmp_path: Path) -> None:
    from idtool import migrations

    w = world_with_exports(tmp_path, 2)
    conn = w.sup.conn
    imported = conn.execute(
        "SELECT tbl, record_key, device_id FROM sync_owners ORDER BY 1, 2"
    ).fetchall()
    assert {t for t, _, _ in imported} == {"persons", "cases", "officers"}
    conn.execute("DROP TABLE sync_owners")
    (owners,) = [m for m in migrations.all_migrations() if m.name == "m0010_record_owners"]
    owners.apply(conn)
    assert (
        conn.execute("SELECT tbl, record_key, device_id FROM sync_owners ORDER BY 1, 2").fetchall()
        == imported
    )
    # ... and the rules hold on it at once.
    dev, other = w.devs
    theirs = row_of(w.sup, "officers", other.officer.uuid)
    send(
        w,
        dev,
        [
            {
                "table": "officers",
                "row": {**theirs, "name": "x", "version": 7, "device_id": dev.device_id},
            }
        ],
    )
    assert quarantine_reasons(w.sup)[-1] == ("officers", "not_owner")
