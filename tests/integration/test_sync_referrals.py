"""Referral bundles between two organisations' devices: only with consent, identifying fields only
for a type of organisation allowed them, the receiver continues the case, and what it refuses or
quarantines (a hidden character in a name, an answer its question cannot take)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from idtool import interviews
from idtool.bundle import open_manifest, read_bundle
from idtool.errors import BundleError, NotPermitted
from idtool.sync import devices, referral_out
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import consent_to_referral, person_case
from tests.support.sync import CRISIS, OMBUDSMAN, two_orgs


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
        referral_out.public_id(second.uuid),
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


def test_a_received_answer_its_question_cannot_take_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The receiving device checks received answers against their questionnaire version, as
    `save_answer` does for typed ones: a wrongly typed one is quarantined, the rest arrive."""
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    case = person_case(sender, "Айжан Сынамаева")
    consent_to_referral(sender, case.uuid, CRISIS)
    real = referral_out.build_records

    def tampered(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        records = real(*args, **kwargs)
        answer = next(
            r for r in records if r["table"] == "answer" and r["row"]["question"] == "debt"
        )
        answer["row"]["value"] = json.dumps("twenty")
        return records

    monkeypatch.setattr(referral_out, "build_records", tampered)
    path = export_referral(sender, case.uuid, CRISIS, None, w.out, services=("shelter",))
    report = import_bundle(receiver, path)
    assert report.tables["answer"]["quarantined"] == 1
    assert report.imported > 0
    stored = receiver.conn.execute(
        "SELECT count(*) FROM answers WHERE question = 'debt'"
    ).fetchone()[0]
    assert stored == 0
