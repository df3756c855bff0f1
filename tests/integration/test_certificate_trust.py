"""Certificates only from those allowed to issue, and revocation that revokes (issue 12, parts 2
and 4): each test is an attack that succeeded before the issuing key was separated from the
device's bundle key and before a revoked device's keys stopped vouching for new certificates."""

from __future__ import annotations

import base64
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool import audit, kdf, officers, permissions, policy, policy_options
from idtool.certificate import eligibility, issuance, issuing, issuing_org, ledger, payload
from idtool.certificate.verify import Status, verify
from idtool.cli import main
from idtool.errors import AuthenticationFailed, NotPermitted
from idtool.session import Session
from idtool.sync import devices, enrol, export, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.conftest import ISSUING_ORG, POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import decided_case
from tests.support.issuing import GUARD, GUARD_PASS, forge
from tests.support.sync import PASS, make_world


def keys_in_meta(session: Session) -> list[Ed25519PrivateKey]:
    """Every Ed25519 private key an officer can read from the database's meta table."""
    found = []
    for _key, value in session.conn.execute("SELECT key, value FROM meta"):
        try:
            raw = bytes.fromhex(str(value))
        except ValueError:
            continue
        if len(raw) == 32:
            found.append(Ed25519PrivateKey.from_private_bytes(raw))
    return found


@pytest.fixture
def supervisor_and_guard(made_vault):
    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    officers.add_officer(sup, GUARD, "border_guard", GUARD_PASS)
    guard = vault.unlock(GUARD, GUARD_PASS)
    yield vault, sup, guard
    guard.close()
    sup.close()


def test_a_border_guard_cannot_sign_a_certificate_that_verifies(supervisor_and_guard):
    _vault, sup, guard = supervisor_and_guard
    genuine = issuance.issue(sup, decided_case(sup).uuid, "en").certificate.code
    assert verify(guard, genuine).status is Status.VALID
    # Everything the guard can open: the database (the device's bundle key is in it) ...
    candidates = keys_in_meta(guard)
    assert candidates, "the device's bundle key is readable by every officer"
    for key in candidates:
        code = forge(key)
        for session in (guard, sup):
            assert verify(session, code).status is not Status.VALID
    # ... and their own key slot: no seal of the issuing key opens with it.
    seals = guard.conn.execute("SELECT slot_id, sealed FROM issuing_key_wraps").fetchall()
    assert seals and guard.slot_id not in {s for s, _ in seals}
    for _slot, sealed in seals:
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(base64.b64decode(sealed), [guard.slot_identity])
    with pytest.raises(NotPermitted):
        issuing.private_key(guard)


def test_policy_change_reseals_and_a_removed_right_rotates_the_key(supervisor_and_guard):
    vault, sup, guard = supervisor_and_guard
    guard.close()
    permissions.change(sup, policy.Action.ISSUE_CERTIFICATE, policy.Role.BORDER_GUARD, True)
    guard = vault.unlock(GUARD, GUARD_PASS)
    kid, key = issuing.private_key(guard)  # sealed for the guard by the supervisor
    # Two officers may issue now: the supervisor confirms (the four-eyes rule).
    issued = issuance.issue(
        guard, decided_case(sup).uuid, "en", confirmer=(SUPERVISOR, SUPERVISOR_PASS)
    ).certificate.code
    assert verify(sup, issued).status is Status.VALID
    # The right is taken away: the guard may have kept the key, so it is retired. What it
    # signed before still verifies; what the guard signs with it now does not.
    permissions.change(sup, policy.Action.ISSUE_CERTIFICATE, policy.Role.BORDER_GUARD, False)
    assert issuing.active(sup.conn)[0] != kid.hex()
    later = forge(key)
    assert verify(sup, issued).status is Status.VALID
    result = verify(sup, later)
    assert result.status is Status.ISSUER_REVOKED and result.issuer_status == "retired"
    assert "no longer uses" in result.message()
    rotations = [e.details for e in audit.entries(sup.conn) if e.action == "certificate.key_rotate"]
    assert rotations and rotations[-1]["old"] == kid.hex()
    # The supervisor still issues, with the new key.
    fresh = issuance.issue(sup, decided_case(sup, name="Айнура Бекова").uuid, "en")
    assert verify(guard, fresh.certificate.code).status is Status.VALID
    guard.close()


def test_removing_an_officer_who_could_issue_retires_the_key(made_vault):
    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    officers.add_officer(sup, "Полиция Кызматкери", "police", "police-secret-99")
    police = vault.unlock("Полиция Кызматкери", "police-secret-99")
    kid, key = issuing.private_key(police)
    police.close()
    officers.remove_officer(sup, "Полиция Кызматкери")
    assert issuing.active(sup.conn)[0] != kid.hex()
    assert verify(sup, forge(key)).status is Status.ISSUER_REVOKED
    sup.close()


def test_a_database_from_before_issuing_keys_retires_its_bundle_key(made_vault, monkeypatch):
    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    bundle_key = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(devices.own_signing_key(sup.conn))
    )
    public = bundle_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # Before: certificates were signed with the bundle key.
    monkeypatch.setattr(
        issuing, "private_key", lambda session: (payload.key_id(public), bundle_key)
    )
    old = issuance.issue(sup, decided_case(sup).uuid, "en").certificate.code
    monkeypatch.undo()
    conn = sup.conn
    for statement in (
        "DROP TABLE issuing_key_wraps",
        "DROP TABLE issuing_keys",
        "DROP TABLE policy_options",
        "DROP TABLE trusted_key_certificates",
        "DELETE FROM trusted_keys",
        "ALTER TABLE trusted_keys DROP COLUMN status",
        "ALTER TABLE trusted_keys DROP COLUMN issuer_device",
    ):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO trusted_keys (uuid, key_id, public_key, label, added_at,"
        " device_id) VALUES ('u', ?, ?, 'this device', '2025-01-01', ?)",
        (payload.key_id(public).hex(), public.hex(), sup.device_id),
    )
    conn.execute("PRAGMA user_version = 10")
    sup.close()

    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)  # migrates, then makes an issuing key
    assert verify(sup, old).status is Status.VALID  # issued before: still valid
    forged = verify(sup, forge(bundle_key))  # anyone can read the bundle key: not valid
    assert forged.status is Status.ISSUER_REVOKED and forged.issuer_status == "retired"
    kid, _key = issuing.private_key(sup)
    assert kid != payload.key_id(public)
    new = issuance.issue(sup, decided_case(sup, name="Айнура Бекова").uuid, "en")
    assert verify(sup, new.certificate.code).status is Status.VALID
    sup.close()


def test_a_revoked_devices_certificates_verify_only_if_issued_before(
    tmp_path: Path, monkeypatch
) -> None:
    w = make_world(tmp_path, 2)
    lost, other = w.devs
    # The coordinator names the organisation the post works for: it may issue.
    devices.set_organisation(w.sup, lost.device_id, ISSUING_ORG)
    import_bundle(lost, updates.export_update(w.sup, w.out, [lost.device_id]))
    before = issuance.issue(lost, decided_case(lost).uuid, "en").certificate.code
    import_bundle(w.sup, export.export_cases(lost, w.out))
    # The coordinator verifies its own devices' certificates (it learned the issuing key).
    assert verify(w.sup, before).status is Status.VALID
    import_bundle(other, updates.export_update(w.sup, w.out, [other.device_id]))
    assert verify(other, before).status is Status.VALID

    # The laptop is stolen; the thief, who knows a passphrase, keeps issuing certificates.
    devices.revoke(w.sup, lost.device_id, "laptop stolen")
    after = issuance.issue(
        lost, decided_case(lost, name="Айнура Бекова").uuid, "en"
    ).certificate.code
    for session in (w.sup, other):
        if session is other:
            import_bundle(other, updates.export_update(w.sup, w.out, [other.device_id]))
        assert verify(session, before).status is Status.VALID
        result = verify(session, after)
        assert result.status is Status.ISSUER_REVOKED and result.issuer_status == "revoked"
        assert "revoked" in result.message() and not result.ok

    # The command line says so with its own exit code.
    monkeypatch.setenv("IDTOOL_PASSPHRASE", PASS)
    args = ["--data", str(tmp_path / "dev1"), "--officer", "Officer 1", "certificate", "verify"]
    assert main([*args, after]) == 14
    assert main([*args, before]) == 0


def test_a_device_cannot_announce_another_devices_issuing_key(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    dev, other = w.devs
    import_bundle(w.sup, export.export_cases(other, w.out))
    theirs = issuing.active(other.conn)
    assert theirs is not None
    from tests.support.sync import quarantine_reasons, send

    report = send(
        w,
        dev,
        [
            {
                "table": "issuing_keys",
                "row": {"public_key": theirs[1].hex(), "status": "retired", "certificates": []},
            }
        ],
    )
    assert report.quarantined == 1
    assert quarantine_reasons(w.sup)[-1] == ("issuing_keys", "not_owner")
    status = w.sup.conn.execute(
        "SELECT status, issuer_device FROM trusted_keys WHERE key_id = ?", (theirs[0],)
    ).fetchone()
    assert tuple(status) == ("active", other.device_id)


def test_four_eyes_rule_needs_another_officer_who_may_issue(made_vault):
    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    case = decided_case(sup)
    assert not eligibility.confirmation_needed(sup)  # one officer who may issue: "auto" is off
    officers.add_officer(sup, POLICE, "police", POLICE_PASS)
    officers.add_officer(sup, GUARD, "border_guard", GUARD_PASS)
    police = vault.unlock(POLICE, POLICE_PASS)
    assert eligibility.confirmation_needed(police)
    refusals = [
        (None, NotPermitted, "second officer"),
        ((SUPERVISOR, "not the passphrase"), AuthenticationFailed, "not correct"),
        ((POLICE, POLICE_PASS), NotPermitted, "another officer"),
        ((GUARD, GUARD_PASS), NotPermitted, "may not issue"),
    ]
    for confirmer, error, words in refusals:
        with pytest.raises(error, match=words):
            issuance.issue(police, case.uuid, "en", confirmer=confirmer)
        assert ledger.get(police, case.uuid) is None
    printed = issuance.issue(police, case.uuid, "en", confirmer=(SUPERVISOR, SUPERVISOR_PASS))
    entry = [e for e in audit.entries(police.conn) if e.action == "certificate.issue"][-1]
    assert (
        entry.officer == police.officer.uuid and entry.details["confirmed_by"] == sup.officer.uuid
    )
    assert verify(sup, printed.certificate.code).status is Status.VALID
    # "off": no confirmation; "on" with a single officer who may issue: no certificate.
    issuing_org.set_option(sup, "four_eyes", "off")
    assert not eligibility.confirmation_needed(police)
    officers.remove_officer(sup, POLICE)
    issuing_org.set_option(sup, "four_eyes", "on")
    other = decided_case(sup, name="Айнура Бекова")
    assert "second officer" in eligibility.issue_blocked(sup, other.uuid)
    police.close()
    sup.close()


def test_the_coordinator_decides_who_may_issue_on_its_devices(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    issuing_org.set_option(w.sup, "four_eyes", "on")
    issuing_org.set_option(w.sup, "issuing_types", ["crisis_centre", "police"])
    devices.set_organisation(w.sup, dev.device_id, "crisis-centre-osh")
    report = import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id]))
    assert report.quarantined == 0
    options = policy_options.get(dev.conn)
    assert options.four_eyes == "on" and options.issuing_types == ("crisis_centre", "police")
    assert issuing_org.issuing_body(dev.conn).id == "crisis-centre-osh"
    # An enrolled device cannot set them itself, not even by its own supervisor.
    boss, _code = Vault(tmp_path / "post", kdf_params=kdf.FAST_PARAMS).create(
        SUPERVISOR, "supervisor", SUPERVISOR_PASS
    )
    request = enrol.accept_enrolment(boss, enrol.create_enrolment(w.sup), label="post")
    import_bundle(boss, enrol.approve(w.sup, request, tmp_path / "u.idtb"))
    with pytest.raises(NotPermitted, match="coordinator"):
        issuing_org.set_option(boss, "four_eyes", "off")
    assert policy_options.get(boss.conn).four_eyes == "on"
    boss.close()
