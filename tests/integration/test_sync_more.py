"""Update bundles with directory, policy and questionnaires; referral bundles between two
organisations' devices; fuzzing the record applier with bundles from a trusted device."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtool import directory, interviews, permissions, policy
from idtool.bundle import open_manifest, read_bundle
from idtool.errors import BundleError, NotPermitted
from idtool.paths import questionnaires_dir
from idtool.questionnaire import registry
from idtool.sync import devices, export, referral, tables
from idtool.sync.importer import import_bundle
from idtool.sync.referral import export_referral
from tests.support.cases import consent_to_referral, person_case
from tests.support.sync import CRISIS, OMBUDSMAN, World, craft, make_world, two_orgs, update_all

# -- update bundles -------------------------------------------------------------------------


def test_update_installs_directory_policy_and_questionnaires(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    case = person_case(dev, "Айпери Садырова")  # run with the shipped screening version "1"
    old = next(i for i in interviews.for_case(dev, case.uuid) if i.form_id == "nrm-screening")
    org = directory.get(w.sup, CRISIS)
    directory.save(w.sup, directory.Organisation(**{**org.__dict__, "contact": "+996 555 000"}))
    assert permissions.change(w.sup, policy.Action.STATISTICS, policy.Role.POLICE, True)
    text = (questionnaires_dir() / "nrm-screening.yaml").read_text("utf-8")
    newer = text.replace('version: "1"', 'version: "2"', 1)
    broken = text.replace('version: "1"', 'version: "3"', 1).replace("sections:", "sectionz:")
    for version, body in (("2", newer), ("3", broken)):  # as if installed on the supervisor
        w.sup.conn.execute(
            "INSERT INTO questionnaires VALUES ('nrm-screening', ?, ?, 'x', 'b', 's', 'now')",
            (version, body),
        )

    update_all(w)

    assert directory.get(dev, CRISIS).contact == "+996 555 000"
    assert dev.can(policy.Action.STATISTICS)
    installed = dev.installed_forms
    assert registry.load_shipped("nrm-screening", installed=installed).version == "2"
    assert registry.load_shipped("nrm-screening").version == "1"  # only this database has "2"
    assert registry.load_shipped("nrm-screening", "1", installed=installed).version == "1"
    assert interviews.form_of(dev, old).version == "1"  # old version stays
    assert [f.version for f in interviews.forms_for(dev) if f.form_id == "nrm-screening"] == ["2"]
    with pytest.raises(registry.FormNotFound):
        registry.load_shipped("nrm-screening", "3", installed=installed)
    installed = dev.conn.execute("SELECT version FROM questionnaires").fetchall()
    assert installed == [("2",)]
    quarantined = dev.conn.execute(
        "SELECT reason FROM sync_quarantine WHERE tbl = 'questionnaires'"
    ).fetchall()
    assert quarantined == [("invalid_questionnaire",)]
    actions = {r[0] for r in dev.conn.execute("SELECT action FROM audit")}
    assert {
        "questionnaire.install",
        "directory.update",
        "policy.update",
        "bundle.import",
    } <= actions
    # The same update again changes nothing; a second, newer update is all "unchanged".
    assert import_bundle(dev, next(w.out.glob("*.idtb"))).already_imported
    report = import_bundle(dev, export.export_update_all(w.sup, w.out))
    assert report.imported == 0 and report.quarantined == 1  # the broken form, again


def test_update_import_needs_the_permission(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    path = export.export_update_all(w.sup, w.out)
    for role in policy.Role:
        policy.set_allowed(dev.conn, policy.Action.IMPORT_UPDATE_BUNDLE, role, False, dev.device_id)
    with pytest.raises(NotPermitted):
        import_bundle(dev, path)


# -- referral bundles -----------------------------------------------------------------------


def _payload(path: Path, sender: Any, receiver: Any) -> list[dict[str, Any]]:
    header, payload = read_bundle(
        path,
        devices.trusted(receiver.conn, devices.DeviceRole.DEVICE),
        devices.own_identity(receiver.conn),
    )
    return open_manifest(payload, header).records


def test_no_referral_bundle_without_consent(tmp_path: Path) -> None:
    _w, sender, _receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Нургүл Асанова")
    out = tmp_path / "ref"
    out.mkdir()
    with pytest.raises(NotPermitted):
        export_referral(sender, case.uuid, CRISIS, None, out)
    assert list(out.iterdir()) == []
    assert (
        sender.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'referral.bundle_refused'"
        ).fetchone()[0]
        == 1
    )


def test_identifying_fields_never_reach_a_type_not_allowed_them(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, OMBUDSMAN)
    case = person_case(sender, "Бермет Токтогулова")
    consent_to_referral(sender, case.uuid, OMBUDSMAN)
    path = export_referral(sender, case.uuid, OMBUDSMAN, None, w.out, services=("legal_aid",))
    records = _payload(path, sender, receiver)
    blob = json.dumps(records, ensure_ascii=False)
    assert "Бермет" not in blob and "ID7654321" not in blob and "1998-04-12" not in blob
    assert {r["row"]["sensitivity"] for r in records if r["table"] == "answer"} <= {"ordinary"}
    report = import_bundle(receiver, path)
    assert report.quarantined == 0
    names = receiver.conn.execute(
        "SELECT full_name, document_number, birth_date FROM persons WHERE device_id = ?",
        (receiver.device_id,),
    ).fetchall()
    assert names == [("", "", "")]


def test_receiver_continues_the_case_without_asking_again(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    first = person_case(sender, "Жылдыз Осмонова")
    second = person_case(sender, "Асел Кадырова")
    for case in (first, second):
        consent_to_referral(sender, case.uuid, CRISIS)
    a = export_referral(sender, first.uuid, CRISIS, None, w.out, services=("shelter",))
    b = export_referral(sender, second.uuid, CRISIS, None, w.out, services=("shelter",))

    report = import_bundle(receiver, b)
    assert report.quarantined == 0 and report.imported > 0
    row = receiver.conn.execute(
        "SELECT case_uuid, status, sender, source_case_uuid FROM referrals_received"
    ).fetchone()
    case_uuid, status, from_device, source = row
    assert (status, from_device, source) == (
        "accepted",
        sender.device_id,
        referral.public_id(second.uuid),
    )
    person = receiver.conn.execute(
        "SELECT p.full_name, p.document_number FROM cases c JOIN"
        " persons p ON p.uuid = c.person_uuid WHERE c.uuid = ?",
        (case_uuid,),
    ).fetchone()
    assert person == ("Асел Кадырова", "ID7654321")
    answers: dict[str, object] = {}
    for interview in interviews.for_case(receiver, case_uuid):
        assert interview.state == "completed"  # read-only: nothing to ask again
        answers |= interviews.answers(receiver, interview.uuid)
    assert answers["document_number"] == "ID7654321" and answers["debt"] == "yes"

    # Replay: the older bundle after the newer one is refused, nothing changes.
    before = receiver.conn.execute("SELECT count(*) FROM cases").fetchone()
    with pytest.raises(BundleError) as e:
        import_bundle(receiver, a)
    assert e.value.reason == "replay"
    assert import_bundle(receiver, b).already_imported
    assert receiver.conn.execute("SELECT count(*) FROM cases").fetchone() == before
    # Only the organisation's device can open it: the supervisor cannot import it.
    with pytest.raises(BundleError):
        import_bundle(w.sup, b)


def test_referral_with_a_hidden_character_in_the_name_is_refused(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Нургүл Асанова")
    consent_to_referral(sender, case.uuid, CRISIS)
    # As an older version (or a tampered sender) could have stored it.
    sender.conn.execute(
        "UPDATE persons SET full_name = ? WHERE uuid = ?",
        ("Нургүл \u202eАсанова", case.person.uuid),
    )
    path = export_referral(sender, case.uuid, CRISIS, None, w.out, services=("shelter",))
    before = receiver.conn.execute("SELECT count(*) FROM persons").fetchone()
    with pytest.raises(BundleError) as e:
        import_bundle(receiver, path)
    assert e.value.reason == "bad_name" and "Асанова" not in e.value.message
    assert receiver.conn.execute("SELECT count(*) FROM persons").fetchone() == before


# -- fuzzing the record applier -------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.binary(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
)
TABLES = st.sampled_from([*tables.ORDER, "audit", "sync_devices", "nope", ""])


@st.composite
def records(draw: st.DrawFn, columns: dict[str, list[str]]) -> dict[str, Any]:
    table = draw(TABLES)
    names = columns.get(table, ["uuid", "x"])
    row: dict[str, Any] = {}
    for name in names:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        if name in ("uuid", "case_uuid", "person_uuid", "interview_uuid"):
            row[name] = draw(st.one_of(st.just(str(uuid.uuid4())), VALUES))
        else:
            row[name] = draw(VALUES)
    if draw(st.booleans()):
        row[draw(st.text(min_size=1, max_size=5))] = draw(VALUES)
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return {"table": table}
    if shape == 1:
        return {"table": table, "row": draw(VALUES)}
    return {"table": table, "row": row}


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("fuzz"), 1)


def test_fuzzed_records_only_report_or_quarantine(fuzz_world: World) -> None:
    w = fuzz_world
    dev = w.devs[0]
    schema = tables.schema(w.sup.conn)
    columns = {name: list(t.names) for name, t in schema.items()}

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(records(columns), max_size=8))
    def run(batch: list[dict[str, Any]]) -> None:
        last = w.sup.conn.execute(
            "SELECT sequence, digest FROM sync_bundles WHERE direction = 'in' AND sender = ?"
            " ORDER BY sequence DESC LIMIT 1",
            (dev.device_id,),
        ).fetchone()
        seq, previous = (0, None) if last is None else last
        done = w.sup.conn.execute(
            "SELECT coalesce(max(seq), 0) FROM sync_audit WHERE sender = ?", (dev.device_id,)
        ).fetchone()[0]
        audit, head = export.audit_records(dev.conn, done)
        path = craft(dev, w.out, batch + audit, sequence=seq + 1, previous=previous, head=head)
        try:
            report = import_bundle(w.sup, path)
        except BundleError:
            return
        finally:
            path.unlink()
        assert report.imported + report.unchanged + report.conflicts + report.quarantined >= len(
            batch
        ) - sum(r.get("table") == "audit" for r in batch)

    run()


def test_installed_questionnaires_are_found_after_a_restart(tmp_path):
    """Unlocking activates the questionnaire versions that update bundles installed."""
    from idtool import kdf
    from idtool.questionnaire import registry
    from idtool.vault import Vault

    vault = Vault(tmp_path / "d", kdf_params=kdf.FAST_PARAMS)
    vault.create("Sup", "supervisor", "passphrase-1")[0].close()
    with vault.unlock("Sup", "passphrase-1") as session:
        text = (registry.questionnaires_dir() / "nrm-screening.yaml").read_text("utf-8")
        text = text.replace('version: "1"', 'version: "77"', 1)
        import hashlib

        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES ('nrm-screening', '77', ?, ?, 'b', 's', '2026-01-01')",
            (text, hashlib.sha256(text.encode()).hexdigest()),
        )
    with vault.unlock("Sup", "passphrase-1") as session:
        found = registry.load_shipped("nrm-screening", "77", installed=session.installed_forms)
        assert found.version == "77"
        with pytest.raises(registry.FormNotFound):  # nothing global: another database's
            registry.load_shipped("nrm-screening", "77")


def test_first_export_reads_whole_tables_and_carries_what_the_journal_would(tmp_path: Path) -> None:
    """Since position 0 the tables are read whole (fast path); the records are exactly those
    the change journal names, and a decision comes after the one it supersedes."""
    from idtool import decisions, demo
    from idtool.decisions import Decision

    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 4, seed=3)
    case = person_case(dev, "Тест Тестов")
    first = decisions.record(dev, case.uuid, Decision.NEEDS_INFORMATION, "ask again")
    later = decisions.record(dev, case.uuid, Decision.NOT_VICTIM, "no indicators")
    whole, top = export.changed_records(dev.conn, 0)
    journal, top_j = export.changed_records(dev.conn, -1)  # the journal path, same changes

    def canonical(records: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)

    assert top == top_j and canonical(whole) == canonical(journal)
    order = [r["row"]["uuid"] for r in whole if r["table"] == "decisions"]
    assert order.index(first.uuid) < order.index(later.uuid)
    tables_seen = [r["table"] for r in whole]
    assert tables_seen == sorted(tables_seen, key=tables.ORDER.index)  # parents first


def test_a_received_answer_its_question_cannot_take_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The receiving device checks received answers against their questionnaire version, as
    `save_answer` does for typed ones: a wrongly typed one is quarantined, the rest arrive."""
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Айжан Сынамаева")
    consent_to_referral(sender, case.uuid, CRISIS)
    real = referral.build_records

    def tampered(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        records = real(*args, **kwargs)
        answer = next(
            r for r in records if r["table"] == "answer" and r["row"]["question"] == "debt"
        )
        answer["row"]["value"] = json.dumps("twenty")
        return records

    monkeypatch.setattr(referral, "build_records", tampered)
    path = export_referral(sender, case.uuid, CRISIS, None, w.out, services=("shelter",))
    report = import_bundle(receiver, path)
    assert report.tables["answer"]["quarantined"] == 1
    assert report.imported > 0
    stored = receiver.conn.execute(
        "SELECT count(*) FROM answers WHERE question = 'debt'"
    ).fetchone()[0]
    assert stored == 0
