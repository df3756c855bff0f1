"""Erasures travel in packages: the post's erasure reaches the coordinator, the coordinator's
update reaches the organisation the case was referred to (which erases its copy and tells the
coordinator in turn), a record written before the erasure arrived is refused and not kept, and
a device may not erase a case that is not its own."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from idtool import audit, erasure, interviews, names, permissions
from idtool.policy import Action, Role
from idtool.session import Session
from idtool.sync import export
from idtool.sync.importer import import_bundle
from idtool.sync.referral_out import export_referral
from tests.support.cases import DOCUMENT, consent_to_referral, person_case
from tests.support.pages import readable, traces
from tests.support.sync import CRISIS, make_world, send, two_orgs, update_all

NAME = "Нургүл Асанова"
REASON = "written request of 2 December"


def _held(session: Session) -> list[str]:
    """The names of persons held, that are not empty."""
    return [
        str(r[0])
        for r in session.conn.execute("SELECT full_name FROM persons WHERE full_name != ''")
    ]


def _clean(session: Session) -> None:
    """No page of the session's database, decrypted, holds the person."""
    blob = readable(session.vault.db_path, session.db_key)
    assert traces(blob, NAME, DOCUMENT, names.identity_key(NAME)) == []
    assert audit.verify(session.conn).ok


def test_an_erasure_reaches_the_coordinator_and_the_referral_recipient(tmp_path: Path) -> None:
    w, sender, receiver = two_orgs(tmp_path, CRISIS)
    permissions.change(w.sup, Action.ERASE_DATA, Role.POLICE, True)  # the posts may erase
    update_all(w)
    case = person_case(sender, NAME)
    consent_to_referral(sender, case.uuid, CRISIS)
    referral = export_referral(sender, case.uuid, CRISIS, None, w.out, services=("shelter",))
    import_bundle(receiver, referral)
    import_bundle(w.sup, export.export_cases(sender, w.out))
    import_bundle(w.sup, export.export_cases(receiver, w.out))
    assert _held(w.sup).count(NAME) == 2 and _held(receiver) == [NAME]

    erasure.erase_on_request(sender, case.uuid, REASON)
    report = import_bundle(w.sup, export.export_cases(sender, w.out))

    assert report.tables["erasures"]["imported"] == 1
    assert erasure.tombstone(w.sup.conn, case.uuid) is not None
    assert _held(w.sup) == [NAME]  # the receiver's copy: the coordinator cannot know it yet
    update_all(w)
    assert _held(receiver) == []
    [own] = [s for s in erasure.tombstones(receiver.conn) if s.owner == receiver.device_id]
    assert own.kind == "request" and own.device_id == receiver.device_id
    import_bundle(w.sup, export.export_cases(receiver, w.out))
    assert _held(w.sup) == []
    assert erasure.tombstone(w.sup.conn, own.case_uuid) is not None
    for session in (sender, receiver, w.sup):
        _clean(session)
    # Its own tombstone coming back changes nothing on the sender; the copy's is kept there.
    report = import_bundle(sender, _update(w))
    assert report.tables["erasures"] == dict(report.tables["erasures"], unchanged=1, imported=1)


def _update(w: Any) -> Path:
    from idtool.sync import updates

    return updates.export_update_all(w.sup, w.out)


def test_records_written_before_the_erasure_arrived_are_refused_and_not_kept(
    tmp_path: Path,
) -> None:
    w = make_world(tmp_path, 1)
    post = w.devs[0]
    case = person_case(post, NAME)
    import_bundle(w.sup, export.export_cases(post, w.out))
    erasure.erase_on_request(w.sup, case.uuid, REASON)  # the coordinator erases the post's case
    # The post, not told yet, goes on with the case: the person's name again, an answer.
    [ident] = [i for i in interviews.for_case(post, case.uuid) if i.form_id == "nrm-identification"]
    interviews.save_answer(post, ident, "full_name", NAME + " кызы")
    interviews.save_answer(post, ident, "document_number", DOCUMENT)

    report = import_bundle(w.sup, export.export_cases(post, w.out))

    assert report.imported == 0 and report.quarantined == 0
    assert _held(w.sup) == []
    assert w.sup.conn.execute("SELECT count(*) FROM sync_quarantine").fetchone() == (0,)
    refused = [e for e in audit.entries(w.sup.conn) if e.action == "sync.records_refused"]
    assert refused and all(k.endswith("/erased") for k in refused[-1].details["refused"])
    _clean(w.sup)
    # The coordinator's update erases the case on the post.
    update_all(w)
    assert _held(post) == [] and erasure.tombstone(post.conn, case.uuid) is not None
    _clean(post)


def _stone(case: Any, officer: str, owner: str, device: str) -> dict[str, Any]:
    return {
        "table": "erasures",
        "row": {
            "uuid": str(uuid.uuid4()),
            "case_uuid": case.uuid,
            "case_number": case.number,
            "person_uuid": case.person.uuid,
            "kind": "request",
            "erased_at": "2026-12-01T10:00:00+00:00",
            "officer_uuid": officer,
            "owner": owner,
            "device_id": device,
        },
    }


def test_attack_a_device_cannot_erase_another_devices_case(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    owner, other = w.devs
    case = person_case(owner, NAME)
    import_bundle(w.sup, export.export_cases(owner, w.out))
    for claimed in (other.device_id, owner.device_id):  # as its own, or in the owner's name
        stone = _stone(case, other.officer.uuid, claimed, other.device_id)
        report = send(w, other, [stone])
        assert report.tables["erasures"]["quarantined"] == 1
        assert erasure.tombstone(w.sup.conn, case.uuid) is None
        assert _held(w.sup) == [NAME]
    # Signed by the other device, naming the owner as the device that decided: refused too.
    stone = _stone(case, owner.officer.uuid, owner.device_id, owner.device_id)
    send(w, other, [stone])
    assert erasure.tombstone(w.sup.conn, case.uuid) is None and _held(w.sup) == [NAME]
    refused = [e for e in audit.entries(w.sup.conn) if e.action == "sync.records_refused"]
    assert len(refused) == 3
