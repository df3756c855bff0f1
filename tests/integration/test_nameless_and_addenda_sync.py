"""Nameless persons and interview addenda in packages: working names travel, are checked, never
make duplicates, and a package from a program that predates them still imports; a referral
package needs the name; addenda travel, for the sender's own cases only."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import addenda, case_assessments, cases, consent, identity, interviews
from idtool.sync import conflicts, export
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import screen
from tests.support.sync import craft, device_records, make_world, two_orgs


def test_nameless_persons_of_two_posts_are_not_duplicates(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    for dev in w.devs:
        for working in ("", "Person 1", "Woman from the bus station"):
            cases.open_case(dev, region="osh", working_name=working, birth_date="2001-02-03")
    assert import_bundle(w.sup, export.export_cases(w.devs[0], w.out)).duplicates == 0
    report = import_bundle(w.sup, export.export_cases(w.devs[1], w.out))
    assert report.duplicates == 0 and report.quarantined == 0
    assert conflicts.open_duplicates(w.sup) == []
    stored = w.sup.conn.execute(
        "SELECT working_name, name_key FROM persons ORDER BY working_name"
    ).fetchall()
    bus = "Woman from the bus station"
    assert stored == [("", "")] * 2 + [("Person 1", "")] * 2 + [(bus, "")] * 2


def test_a_package_from_before_working_names_imports(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    case = cases.open_case(dev, full_name="Нургүл Асанова", region="osh")
    records = device_records(dev)
    for record in records:
        if record["table"] == "persons":
            del record["row"]["working_name"]  # an older program does not know the column
    report = import_bundle(w.sup, craft(dev, w.out, records))
    assert report.quarantined == 0
    assert cases.get_case(w.sup, case.uuid, audit_view=False).person.working_name == ""


def test_a_working_name_with_hidden_characters_is_quarantined(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    cases.open_case(dev, region="osh", working_name="Bus station")
    records = device_records(dev)
    for record in records:
        if record["table"] == "persons":
            record["row"]["working_name"] = "Bus \u202estation"
    report = import_bundle(w.sup, craft(dev, w.out, records))
    assert report.quarantined >= 1
    assert {q.reason for q in conflicts.quarantined(w.sup) if q.table == "persons"} == {"bad_name"}
    assert w.sup.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0


def test_no_referral_package_without_the_name_an_organisation_needs(tmp_path: Path) -> None:
    _w, sender, _receiver = two_orgs(tmp_path, "crisis-centre-osh")
    case = cases.open_case(sender, region="osh", working_name="Woman from the bus station")
    consent.record(
        sender,
        case.uuid,
        consent.Purpose.REFERRAL,
        consent.State.GIVEN,
        recipient_id="crisis-centre-osh",
    )
    out = tmp_path / "referral"
    out.mkdir()
    with pytest.raises(identity.IdentityMissing) as refused:
        export_referral(sender, case.uuid, "crisis-centre-osh", None, out, services=("shelter",))
    assert refused.value.missing == ("full_name",)
    assert list(out.iterdir()) == []
    reason = sender.conn.execute(
        "SELECT json_extract(details, '$.reason') FROM audit"
        " WHERE action = 'referral.bundle_refused'"
    ).fetchone()
    assert reason == ("identity_missing",)


def test_addenda_travel_in_case_packages_and_only_for_the_sender_s_cases(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, other = w.devs
    case = cases.open_case(dev, region="osh", working_name="Woman from the bus station")
    interview = screen(dev, case.uuid)
    assert import_bundle(w.sup, export.export_cases(dev, w.out)).quarantined == 0
    made = addenda.amend(dev, interview.uuid, {"debt": "no"}, "Corrected by the person.")
    report = import_bundle(w.sup, export.export_cases(dev, w.out))
    assert report.quarantined == 0
    assert addenda.for_case(w.sup, case.uuid) == [
        addenda.Addendum(**{**made.__dict__, "officer_name": "Officer 0"})
    ]
    assert interviews.answers(w.sup, interview.uuid)["debt"] == "no"
    assert case_assessments.latest(w.sup, case.uuid).uuid == made.assessment_uuid

    # Another post cannot add an addendum to this post's case.
    row = w.sup.conn.execute(
        "SELECT * FROM interview_addenda WHERE uuid = ?", (made.uuid,)
    ).fetchone()
    columns = [d[0] for d in w.sup.conn.execute("SELECT * FROM interview_addenda").description]
    forged = dict(zip(columns, row, strict=True))
    forged |= {"uuid": "00000000-0000-4000-8000-000000000001", "device_id": other.device_id}
    forged["officer_uuid"] = other.officer.uuid
    records = [*device_records(other), {"table": "interview_addenda", "row": forged}]
    import_bundle(w.sup, craft(other, w.out, records))
    reasons = {q.reason for q in conflicts.quarantined(w.sup) if q.table == "interview_addenda"}
    assert reasons == {"not_owner"}
    assert len(addenda.for_case(w.sup, case.uuid)) == 1
