"""Issue 12 attacked again after it was implemented: each test is one attack on the new trust
code, by an enrolled but dishonest device, a border guard who writes SQL into the database they
can open, a removed officer who kept a copy of a data folder, or someone handed a code.

A test that passes is an attack that is refused (a regression test). An attack that still works
is marked `xfail(strict=True)` with what it does: the test asserts what should hold, so it
starts to pass (and then fails as XPASS, to be unmarked) once the hole is closed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idtool import cases, decisions, policy
from idtool.certificate import issuance, issuing, keyring, ledger, payload, trust
from idtool.certificate.verify import Status, verify
from idtool.sync import devices, export
from idtool.sync.importer import import_bundle
from tests.support.cases import decided_case
from tests.support.issuing import (
    announce,
    certificate_row,
    forge,
    issuing_world,
    new_uuid,
    public_raw,
    record,
    revocation_row,
    update,
)
from tests.support.sync import (
    REGION,
    quarantine_reasons,
    row_of,
    send,
    world_with_exports,
)

# == 1. Records bound to their signer ========================================================


def test_a_device_cannot_hang_its_new_person_on_the_coordinators_case(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    theirs = cases.open_case(w.sup, full_name="Координатор Иши", region=REGION).uuid
    case = row_of(w.sup, "cases", theirs)
    person = {
        **row_of(w.sup, "persons", case["person_uuid"]),
        "uuid": new_uuid(),
        "full_name": "Жаңы Киши",
        "device_id": dev.device_id,
        "version": 1,
        "base_version": 0,
    }
    moved = {
        **case,
        "person_uuid": person["uuid"],
        "device_id": dev.device_id,
        "version": case["version"] + 1,
    }
    report = send(w, dev, [record("persons", person), record("cases", moved)])
    assert report.quarantined == 1 and quarantine_reasons(w.sup)[-1] == ("cases", "not_owner")
    assert row_of(w.sup, "cases", theirs) == case


def test_a_child_cannot_be_moved_between_cases_either_way(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    mine = dev.conn.execute("SELECT uuid FROM interviews").fetchone()[0]
    theirs = other.conn.execute("SELECT uuid FROM interviews").fetchone()[0]
    my_case = row_of(w.sup, "interviews", mine)["case_uuid"]
    their_case = row_of(w.sup, "interviews", theirs)["case_uuid"]
    before = {k: row_of(w.sup, "interviews", k) for k in (mine, theirs)}
    attacks = [
        # my interview, moved into the other device's case (right device_id)
        {**before[mine], "case_uuid": their_case, "version": before[mine]["version"] + 1},
        # the other device's interview, pulled into my case under my name
        {
            **before[theirs],
            "case_uuid": my_case,
            "device_id": dev.device_id,
            "officer_uuid": dev.officer.uuid,
            "version": before[theirs]["version"] + 1,
        },
    ]
    for row in attacks:
        report = send(w, dev, [record("interviews", row)])
        assert report.quarantined == 1
        assert quarantine_reasons(w.sup)[-1] == ("interviews", "not_owner")
    assert {k: row_of(w.sup, "interviews", k) for k in (mine, theirs)} == before


def test_an_interview_planted_in_another_devices_case_carries_no_answers(tmp_path: Path) -> None:
    """Batch path: the interview and several answers to it in one bundle, answers first and
    last, so the answers are looked up both before and after the interview was refused."""
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    template = row_of(
        w.sup, "interviews", other.conn.execute("SELECT uuid FROM interviews").fetchone()[0]
    )
    planted = {
        **template,
        "uuid": new_uuid(),
        "device_id": dev.device_id,
        "officer_uuid": dev.officer.uuid,
        "version": 1,
        "base_version": 0,
    }
    answers = [
        record(
            "answers",
            {
                "interview_uuid": planted["uuid"],
                "question": f"q{i}",
                "value": '"planted"',
                "updated_at": "2026-01-01",
            },
        )
        for i in range(5)
    ]
    report = send(w, dev, [*answers[:2], record("interviews", planted), *answers[2:]])
    assert report.imported == 0 and report.quarantined == 6
    reasons = quarantine_reasons(w.sup)[-6:]
    assert ("interviews", "not_owner") in reasons
    assert {r for t, r in reasons if t == "answers"} == {"missing_reference"}
    assert (
        w.sup.conn.execute(
            "SELECT count(*) FROM interviews WHERE uuid = ?", (planted["uuid"],)
        ).fetchone()[0]
        == 0
    )


def test_a_referral_event_on_another_devices_referral_is_refused(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    case = w.sup.conn.execute(
        "SELECT uuid, officer_uuid FROM cases WHERE device_id = ?", (other.device_id,)
    ).fetchone()
    referral = new_uuid()
    w.sup.conn.execute(  # the other device's referral, as if imported from it
        "INSERT INTO referrals (uuid, case_uuid, recipient_id, services, urgency, reason,"
        " risks, legal_basis, fields, status, officer_uuid, created_at, device_id) VALUES"
        " (?, ?, 'shelter', '[]', 'routine', '', '', 'consent', '[]', 'sent', ?,"
        " '2026-01-01', ?)",
        (referral, case[0], case[1], other.device_id),
    )
    event = {
        "uuid": new_uuid(),
        "referral_uuid": referral,
        "status": "declined",
        "note": "",
        "at": "2026-01-02",
        "officer_uuid": dev.officer.uuid,
        "version": 1,
        "device_id": dev.device_id,
        "base_version": 0,
    }
    # twice in one bundle under two uuids: the batch path
    report = send(
        w,
        dev,
        [
            record("referral_events", event),
            record("referral_events", {**event, "uuid": new_uuid()}),
        ],
    )
    assert report.quarantined == 2
    assert quarantine_reasons(w.sup)[-2:] == [("referral_events", "not_owner")] * 2
    assert w.sup.conn.execute("SELECT count(*) FROM referral_events").fetchone()[0] == 0


def test_batch_and_single_paths_refuse_the_same_officer_and_person_rows(tmp_path: Path) -> None:
    """Several officers and persons rows in one bundle (one batch each) mixing a legitimate new
    row with rows of other devices and of the coordinator: only the legitimate ones land."""
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    coordinators = row_of(w.sup, "officers", w.sup.officer.uuid)
    theirs = row_of(w.sup, "officers", other.officer.uuid)
    new_officer = {
        **row_of(w.sup, "officers", dev.officer.uuid),
        "uuid": new_uuid(),
        "name": "Жаңы Кызматкер",
        "role": "supervisor",
        "version": 1,
        "base_version": 0,
    }
    their_person_uuid = other.conn.execute("SELECT uuid FROM persons").fetchone()[0]
    their_person = row_of(w.sup, "persons", their_person_uuid)
    my_person = {
        **their_person,
        "uuid": new_uuid(),
        "device_id": dev.device_id,
        "full_name": "Өз Кишиси",
        "document_number": "",
        "version": 1,
        "base_version": 0,
    }
    records = [
        record("officers", new_officer),
        record(
            "officers",
            {**coordinators, "role": "border_guard", "version": 9, "device_id": dev.device_id},
        ),
        record("officers", {**theirs, "name": "Changed", "version": 9, "device_id": dev.device_id}),
        record("persons", my_person),
        record(
            "persons",
            {**their_person, "full_name": "Changed Name", "version": 9, "device_id": dev.device_id},
        ),
        record("persons", {**their_person, "full_name": "Changed Name", "version": 9}),
    ]
    report = send(w, dev, records)
    assert report.imported == 2 and report.quarantined == 4
    assert row_of(w.sup, "officers", w.sup.officer.uuid) == coordinators
    assert row_of(w.sup, "officers", other.officer.uuid) == theirs
    assert row_of(w.sup, "persons", their_person_uuid) == their_person
    # the new officer is known by name only: no key slot, cannot log in, whatever its role
    slot, active = w.sup.conn.execute(
        "SELECT slot_id, active FROM officers WHERE uuid = ?", (new_officer["uuid"],)
    ).fetchone()
    assert slot is None and active == 0
    assert w.sup.can(policy.Action.MANAGE_OFFICERS)


def test_a_device_cannot_point_its_own_case_at_another_devices_person(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 2)
    dev, other = w.devs
    my_case = row_of(w.sup, "cases", dev.conn.execute("SELECT uuid FROM cases").fetchone()[0])
    their_person = other.conn.execute("SELECT uuid FROM persons").fetchone()[0]
    report = send(
        w,
        dev,
        [
            record(
                "cases", {**my_case, "person_uuid": their_person, "version": my_case["version"] + 1}
            )
        ],
    )
    assert report.quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("cases", "not_owner")
    assert row_of(w.sup, "cases", my_case["uuid"]) == my_case


def test_a_device_cannot_take_a_case_uuid_before_its_real_owner_sends_it(tmp_path: Path) -> None:
    """A referral package names the sender's case: a dishonest receiver that sent a case under
    that id first would make the real one refused at the coordinator. The package carries only
    derived ids (`referral_out.public_id`), never the sender's own record uuids."""
    from idtool import consent
    from idtool.sync import referral_out
    from idtool.sync.referral_out import export_referral

    w = world_with_exports(tmp_path, 2)
    victim, evil = w.devs
    devices.set_organisation(w.sup, evil.device_id, "crisis-centre-osh")
    update(w, victim, evil)
    referred = cases.open_case(victim, full_name="Жолдош Алиев", region=REGION)
    consent.record(
        victim,
        referred.uuid,
        consent.Purpose.REFERRAL,
        consent.State.GIVEN,
        recipient_id="crisis-centre-osh",
    )
    import_bundle(
        evil,
        export_referral(
            victim, referred.uuid, "crisis-centre-osh", None, w.out, services=("shelter",)
        ),
    )
    learned = {
        str(v)
        for row in evil.conn.execute(
            "SELECT referral_uuid, source_case_uuid, consents FROM referrals_received"
        )
        for v in row
    }
    own = {
        str(r[0])
        for t in ("cases", "referrals", "consents", "persons")
        for r in victim.conn.execute(f"SELECT uuid FROM {t}")
    }
    assert not any(u in text for u in own for text in learned)
    assert referral_out.public_id(referred.uuid) in learned
    # What the receiver learned, used as a case id at the coordinator, takes nothing from anyone.
    mine = row_of(
        w.sup,
        "cases",
        evil.conn.execute("SELECT uuid FROM cases ORDER BY rowid LIMIT 1").fetchone()[0],
    )
    squat = {
        **mine,
        "uuid": referral_out.public_id(referred.uuid),
        "number": "SQUAT-2026-1",
        "version": 1,
        "base_version": 0,
    }
    send(w, evil, [record("cases", squat)])
    report = import_bundle(w.sup, export.export_cases(victim, w.out))
    assert ("cases", "not_owner") not in quarantine_reasons(w.sup), report
    assert row_of(w.sup, "cases", referred.uuid)["device_id"] == victim.device_id


def test_a_future_dated_device_decision_cannot_outrank_the_coordinators(tmp_path: Path) -> None:
    w = world_with_exports(tmp_path, 1)
    dev = w.devs[0]
    # a demo case with an assessment (which ones have one depends on the demo's draws)
    case_uuid = dev.conn.execute("SELECT case_uuid FROM assessments").fetchone()[0]
    template = row_of(
        w.sup,
        "decisions",
        w.sup.conn.execute(
            "SELECT uuid FROM decisions WHERE device_id = ? LIMIT 1", (dev.device_id,)
        ).fetchone()[0],
    )
    dated = {
        **template,
        "uuid": new_uuid(),
        "case_uuid": case_uuid,
        "decision": decisions.Decision.IDENTIFIED_VICTIM.value,
        "supersedes": None,
        "officer_uuid": dev.officer.uuid,
        "decided_at": "2099-12-31T00:00:00+00:00",
        "reason": "",
        "assessment_uuid": None,
    }
    # A record dated in the future (by more than a day) is quarantined: sender clocks never
    # decide which decision is the latest.
    assert send(w, dev, [record("decisions", dated)]).quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("decisions", "dated_in_future")
    # The coordinator reviews the case and decides otherwise, today.
    decisions.record(
        w.sup, case_uuid, decisions.Decision.NOT_VICTIM, reason="checked with the employer"
    )
    latest = decisions.history(w.sup, case_uuid)[-1]
    assert latest.officer_uuid == w.sup.officer.uuid


# -- certificates and revocations in case bundles ---------------------------------------------


def test_a_device_cannot_revoke_another_devices_certificate_by_taking_its_number(
    tmp_path: Path,
) -> None:
    w = issuing_world(tmp_path, 3)
    evil, victim, verifier = w.devs
    case = decided_case(evil, name="Айнура Бекова")
    import_bundle(w.sup, export.export_cases(evil, w.out))
    """Numbers are predictable, and a revocation names a number: a device plants a certificate
    with another device's next number in its own case and revokes it. Refused: a certificate is
    imported only in its sender's number namespace, with a code its issuing key signed."""
    number = f"{ledger.number_prefixes(victim.device_id)[0]}{date.today().year}-00001"
    report = send(
        w,
        evil,
        [
            record("certificates", certificate_row(w, evil, case.uuid, number, "x")),
            record("certificate_revocations", revocation_row(evil, number)),
        ],
    )
    assert report.quarantined == 2
    assert [r for _, r in quarantine_reasons(w.sup)[-2:]] == [
        "bad_certificate",
        "missing_reference",
    ]
    update(w, victim, verifier)
    # The victim post issues its first certificate, genuinely, and sends it.
    genuine = issuance.issue(victim, decided_case(victim).uuid, "en").certificate
    assert genuine.number == number
    import_bundle(w.sup, export.export_cases(victim, w.out))
    update(w, verifier)
    for session in (w.sup, victim, verifier):
        assert verify(session, genuine.code).status is Status.VALID


def test_a_copied_code_in_another_case_is_not_vouched_for_after_its_device_is_revoked(
    tmp_path: Path,
) -> None:
    """A device stores, in its own case, a copy of a certificate code another device signed: the
    coordinator refuses it (the code is not signed by the sender's issuing key, nor numbered in
    its namespace), and when the other device is revoked the copy does not make a code issued
    later valid."""
    w = issuing_world(tmp_path, 3)
    evil, lost, verifier = w.devs
    import_bundle(w.sup, export.export_cases(lost, w.out))
    case = decided_case(evil, name="Айнура Бекова")
    import_bundle(w.sup, export.export_cases(evil, w.out))
    # The lost device's certificate, issued but never sent to the coordinator ...
    unsent = issuance.issue(lost, decided_case(lost).uuid, "en").certificate
    # ... is planted by the dishonest device in its own case, under another number.
    row = certificate_row(w, evil, case.uuid, "KG-VS-EVIL-2026-00001", unsent.code)
    assert send(w, evil, [record("certificates", row)]).quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("certificates", "bad_certificate")
    devices.revoke(w.sup, lost.device_id, "laptop stolen")
    update(w, verifier)
    for session in (w.sup, verifier):
        result = verify(session, unsent.code)
        assert result.status is Status.ISSUER_REVOKED and result.issuer_status == "revoked"


# -- issuer keys announced in case bundles ----------------------------------------------------


def test_announcements_of_keys_that_are_not_the_senders_are_refused(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 2)
    evil, other = w.devs
    import_bundle(w.sup, export.export_cases(other, w.out))
    theirs = issuing.active(other.conn)
    coordinators = issuing.active(w.sup.conn)
    assert theirs is not None and coordinators is not None
    before = w.sup.conn.execute(
        "SELECT key_id, issuer_device, status FROM trusted_keys ORDER BY key_id"
    ).fetchall()
    for public in (theirs[1], coordinators[1]):
        for status in ("active", "retired"):
            report = send(w, evil, [announce(public, status)])
            assert report.quarantined == 1
            assert quarantine_reasons(w.sup)[-1] == ("issuing_keys", "not_owner")
    # "revoked" is not a status a device announces, not even for its own key; nor are
    # malformed rows taken.
    own = issuing.active(evil.conn)
    assert own is not None
    malformed = [
        announce(own[1], "revoked"),
        announce(own[1], "active", ["zz"]),
        record("issuing_keys", {"public_key": own[1].hex()}),
        record("issuing_keys", {"public_key": "00" * 31, "status": "active", "certificates": []}),
        record(
            "issuing_keys", {"public_key": own[1].hex(), "status": ["active"], "certificates": []}
        ),
        record("issuing_keys", ["not", "a", "row"]),
    ]
    report = send(w, evil, malformed)
    assert report.quarantined == len(malformed)
    assert {r for _t, r in quarantine_reasons(w.sup)[-len(malformed) :]} == {"wrong_type"}
    assert (
        w.sup.conn.execute(
            "SELECT key_id, issuer_device, status FROM trusted_keys ORDER BY key_id"
        ).fetchall()
        == before
    )


def test_a_retirement_vouches_only_for_certificates_the_coordinator_imported(
    tmp_path: Path,
) -> None:
    w = issuing_world(tmp_path, 2)
    evil, verifier = w.devs
    kid, key = issuing.private_key(evil)
    public = public_raw(key)
    sent = issuance.issue(evil, decided_case(evil).uuid, "en").certificate.code
    import_bundle(w.sup, export.export_cases(evil, w.out))
    later = forge(key, "KG-VS-EVIL-2026-00077")  # never sent to the coordinator
    report = send(
        w,
        evil,
        [announce(public, "retired", [keyring.code_digest(sent), keyring.code_digest(later)])],
    )
    assert report.issuer_keys == 1
    update(w, verifier)
    for session in (w.sup, verifier):
        assert verify(session, sent).status is Status.VALID
        assert verify(session, later).status is Status.ISSUER_REVOKED
    # A second retirement with a longer list changes nothing: the first list is frozen.
    send(w, evil, [announce(public, "retired", [keyring.code_digest(later)])])
    update(w, verifier)
    assert verify(verifier, later).status is Status.ISSUER_REVOKED
    assert keyring.vouched(w.sup.conn, kid.hex()) == [keyring.code_digest(sent)]


def test_a_device_cannot_take_over_and_retire_a_key_without_a_device(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 2)
    evil, verifier = w.devs
    partner = Ed25519PrivateKey.generate()  # another NRM body's issuing key
    trust.add_key(w.sup, public_raw(partner), "Partner NRM body")
    code = forge(partner, "KG-VS-PART-2026-00001")
    update(w, evil, verifier)
    assert verify(verifier, code).status is Status.VALID
    # The dishonest device read the partner's public key from the update's trust list.
    send(w, evil, [announce(public_raw(partner), "retired")])
    update(w, verifier)
    owner = w.sup.conn.execute(
        "SELECT issuer_device FROM trusted_keys WHERE key_id = ?",
        (payload.key_id(public_raw(partner)).hex(),),
    ).fetchone()[0]
    assert owner == ""
    for session in (w.sup, verifier):
        assert verify(session, code).status is Status.VALID


def test_a_certificate_in_my_case_cannot_name_another_devices_person(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 2)
    evil, victim = w.devs
    case = decided_case(evil, name="Айнура Бекова")
    theirs = decided_case(victim)
    import_bundle(w.sup, export.export_cases(evil, w.out))
    import_bundle(w.sup, export.export_cases(victim, w.out))
    row = {
        **certificate_row(w, evil, case.uuid, "KG-VS-EVIL-2026-00001", "x"),
        "person_uuid": theirs.person.uuid,
    }
    report = send(w, evil, [record("certificates", row)])
    assert report.quarantined == 1 and report.imported == 0
