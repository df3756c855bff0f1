"""Issue 19 attacked through case bundles: a device writes a criminal-justice link or a
prosecutor's review for a case it does not own."""

from __future__ import annotations

from pathlib import Path

from idtool import cases
from tests.support.issuing import new_uuid, record
from tests.support.sync import REGION, quarantine_reasons, row_of, send, world_with_exports


def _link(case_uuid: str, device: str, officer: str) -> dict[str, object]:
    return {
        "uuid": new_uuid(),
        "case_uuid": case_uuid,
        "opened": "criminal",
        "articles": '["cc_trafficking"]',
        "prosecution": "public",
        "stage": "verdict",
        "stage_dates": "{}",
        "role": "victim",
        "officer_uuid": officer,
        "updated_at": "2026-01-01T00:00:00+00:00",
        "version": 1,
        "device_id": device,
        "base_version": 0,
    }


def _review(case_uuid: str, device: str, officer: str) -> dict[str, object]:
    return {
        "uuid": new_uuid(),
        "case_uuid": case_uuid,
        "outcome": "confirmed",
        "link_version": 1,
        "note": "",
        "officer_uuid": officer,
        "reviewed_at": "2026-01-01T00:00:00+00:00",
        "version": 1,
        "device_id": device,
        "base_version": 0,
    }


def test_attack_a_device_writes_a_link_or_review_for_a_case_it_does_not_own(
    tmp_path: Path,
) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    theirs = other.conn.execute("SELECT uuid FROM cases").fetchone()[0]
    coordinators = cases.open_case(w.sup, full_name="Координатор Иши", region=REGION).uuid
    me, officer = dev.device_id, dev.officer.uuid
    attacks = [
        record("criminal_links", _link(theirs, me, officer)),
        record("prosecutor_reviews", _review(theirs, me, officer)),
        record("criminal_links", _link(coordinators, me, officer)),
        record("prosecutor_reviews", _review(coordinators, me, officer)),
    ]
    report = send(w, dev, attacks)
    assert report.quarantined == 4
    assert quarantine_reasons(w.sup)[-4:] == [
        ("criminal_links", "not_owner"),
        ("prosecutor_reviews", "not_owner"),
        ("criminal_links", "not_owner"),
        ("prosecutor_reviews", "not_owner"),
    ]
    for table in ("criminal_links", "prosecutor_reviews"):
        assert w.sup.conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    assert row_of(w.sup, "cases", theirs)["uuid"] == theirs
