"""Issue 12 attacked again, part 2: the certificate-issuing key against a border guard who writes
SQL into the database they open, the four-eyes rule, and issuer keys anyone could sign for. See
test_attacks_case_bundles.py for the conventions (a passing test is a refused attack, xfail one that
still works)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idtool import audit, kdf, officers, policy
from idtool.certificate import eligibility, issuance, issuing, ledger, payload
from idtool.certificate.verify import Status, verify
from idtool.errors import AuthenticationFailed, NotPermitted
from idtool.session import Session
from idtool.sync import devices, export
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import decided_case
from tests.support.issuing import (
    GUARD,
    GUARD_PASS,
    POST_SUP,
    POST_SUP_PASS,
    announce,
    enrolled_post,
    forge,
    guard_session,
    issuing_world,
    new_uuid,
    public_raw,
    update,
)
from tests.support.sync import quarantine_reasons, send

# == 2. The issuing key against a border guard who writes SQL ================================


def test_a_guards_own_issuing_key_row_and_seal_are_never_trusted(tmp_path: Path) -> None:
    """The guard makes a key, stores it as the device's active issuing key sealed to their own
    slot (SQL), and signs with it: nothing trusts it, here or anywhere."""
    w = issuing_world(tmp_path, 1)
    verifier = w.devs[0]
    post = enrolled_post(w, tmp_path / "post", "post")
    guard = guard_session(tmp_path / "post")
    rogue = Ed25519PrivateKey.generate()
    raw = rogue.private_bytes_raw()
    kid = payload.key_id(public_raw(rogue)).hex()
    guard.conn.execute(
        "INSERT INTO issuing_keys (key_id, public_key, status, created_at)"
        " VALUES (?, ?, 'active', '2026-01-01')",
        (kid, public_raw(rogue).hex()),
    )
    recipient = str(guard.slot_identity.to_public())
    guard.conn.execute(
        "INSERT INTO issuing_key_wraps (key_id, slot_id, sealed) VALUES (?, ?, ?)",
        (kid, guard.slot_id, issuing._seal(raw, kid, guard.slot_id, recipient)),
    )
    with pytest.raises(NotPermitted):  # the role still may not issue through the program
        issuing.private_key(guard)
    code = forge(rogue, "KG-VS-GARD-2026-00001")
    guard.close()
    post.close()
    post = Vault(tmp_path / "post", kdf_params=kdf.FAST_PARAMS).unlock(POST_SUP, POST_SUP_PASS)
    import_bundle(w.sup, export.export_cases(post, w.out))
    update(w, verifier)
    for session in (post, w.sup, verifier):
        assert verify(session, code).status is Status.UNKNOWN_ISSUER
    # the supervisor still issues with the device's real key, which verifies everywhere
    real = issuance.issue(post, decided_case(post).uuid, "en").certificate.code
    assert payload.decode(real).kid.hex() != kid
    import_bundle(w.sup, export.export_cases(post, w.out))
    update(w, verifier)
    assert verify(verifier, real).status is Status.VALID
    post.close()


def _rogue_trusted_key(guard: Session) -> Ed25519PrivateKey:
    """The guard's SQL: their own key on the trust list as one of this device's issuing keys."""
    rogue = Ed25519PrivateKey.generate()
    public = public_raw(rogue)
    guard.conn.execute(
        "INSERT INTO trusted_keys (uuid, key_id, public_key, label, added_at, device_id,"
        " issuer_device, status) VALUES (?, ?, ?, 'device', '2026-01-01', ?, ?, 'active')",
        (new_uuid(), payload.key_id(public).hex(), public.hex(), guard.device_id, guard.device_id),
    )
    return rogue


def test_a_guards_trusted_keys_row_does_not_reach_other_devices(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 1)
    verifier = w.devs[0]
    post = enrolled_post(w, tmp_path / "post", "post")
    guard = guard_session(tmp_path / "post")
    code = forge(_rogue_trusted_key(guard), "KG-VS-GARD-2026-00001")
    guard.close()
    import_bundle(w.sup, export.export_cases(post, w.out))  # the supervisor's honest export
    update(w, verifier)
    assert verify(verifier, code).status is not Status.VALID


def test_how_a_rogue_key_announcement_looks_at_the_coordinator(tmp_path: Path) -> None:
    """What the coordinator does with the attack above: the device's own audit chain (stored at
    the coordinator) has no `certificate.key_create` or `key_rotate` for that key, so the key is
    not learned: quarantined as "unaudited_key" and the refusal audited."""
    w = issuing_world(tmp_path, 1)
    post = enrolled_post(w, tmp_path / "post", "post")
    import_bundle(w.sup, export.export_cases(post, w.out))
    guard = guard_session(tmp_path / "post")
    rogue_kid = payload.key_id(public_raw(_rogue_trusted_key(guard))).hex()
    guard.close()
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.issuer_keys == 0 and report.quarantined == 1
    learned = [
        e
        for e in audit.entries(w.sup.conn)
        if e.action == "trust.issuer_key_learned" and e.target == rogue_kid
    ]
    assert learned == []
    refused = [e for e in audit.entries(w.sup.conn) if e.action == "sync.records_refused"]
    assert refused[-1].details["refused"] == {"issuing_keys/unaudited_key": 1}
    assert refused[-1].details["sender"] == post.device_id
    created = set()
    for (entry,) in w.sup.conn.execute(
        "SELECT entry FROM sync_audit WHERE sender = ?", (post.device_id,)
    ):
        details = json.loads(entry).get("details") or {}
        if isinstance(details, str):
            details = json.loads(details)
        created |= {details.get("key"), details.get("new")}
    assert issuing.active(post.conn)[0] in created  # the real key's creation is on record
    assert rogue_kid not in created  # the rogue one's is not
    assert (
        w.sup.conn.execute("SELECT 1 FROM trusted_keys WHERE key_id = ?", (rogue_kid,)).fetchone()
        is None
    )
    post.close()


def _sql_grant(guard: Session, how: str) -> None:
    if how == "policy":
        guard.conn.execute(
            "UPDATE policy SET allowed = 1 WHERE action = ? AND role = ?",
            (policy.Action.ISSUE_CERTIFICATE.value, policy.Role.BORDER_GUARD.value),
        )
    else:
        guard.conn.execute(
            "UPDATE officers SET role = 'police' WHERE uuid = ?", (guard.officer.uuid,)
        )


@pytest.mark.parametrize("how", ["policy", "role"])
def test_a_guard_cannot_give_themselves_the_issuing_key_in_sql(tmp_path: Path, how: str) -> None:
    w = issuing_world(tmp_path, 1)
    verifier = w.devs[0]
    post = enrolled_post(w, tmp_path / "post", "post")
    guard = guard_session(tmp_path / "post")
    _sql_grant(guard, how)
    guard.close()
    guard = guard_session(tmp_path / "post")  # the next unlock re-seals the issuing key
    seal = guard.conn.execute(
        "SELECT w.key_id, w.sealed FROM issuing_key_wraps w JOIN issuing_keys k ON"
        " k.key_id = w.key_id WHERE k.status = 'active' AND w.slot_id = ?",
        (guard.slot_id,),
    ).fetchone()
    code = "none"
    if seal is not None:
        raw = issuing._unseal(seal[1], guard.slot_identity, seal[0], guard.slot_id)
        code = forge(Ed25519PrivateKey.from_private_bytes(raw), "KG-VS-GARD-2026-00001")
    guard.close()
    import_bundle(w.sup, export.export_cases(post, w.out))
    update(w, verifier)
    assert verify(verifier, code).status is not Status.VALID


def test_a_guard_cannot_make_the_post_announce_another_devices_key(tmp_path: Path) -> None:
    """The guard rewrites the trust list in SQL: another device's revoked key becomes "active"
    and this device's own. Only this database believes it; the coordinator refuses the
    announcement and every other device keeps the revocation."""
    w = issuing_world(tmp_path, 2)
    lost, verifier = w.devs
    import_bundle(w.sup, export.export_cases(lost, w.out))
    kid, key = issuing.private_key(lost)
    devices.revoke(w.sup, lost.device_id, "laptop stolen")
    post = enrolled_post(w, tmp_path / "post", "post")
    update(w, verifier)
    guard = guard_session(tmp_path / "post")
    code = forge(key, "KG-VS-LOST-2026-00009")
    assert verify(guard, code).status is Status.ISSUER_REVOKED
    guard.conn.execute(
        "UPDATE trusted_keys SET status = 'active', issuer_device = ? WHERE key_id = ?",
        (guard.device_id, kid.hex()),
    )
    assert verify(guard, code).status is Status.VALID  # their own database: their own belief
    guard.close()
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert ("issuing_keys", "not_owner") in quarantine_reasons(w.sup)
    assert any(e.action == "sync.records_refused" for e in audit.entries(w.sup.conn))
    assert report.issuer_keys >= 0
    update(w, verifier)
    for session in (w.sup, verifier):
        assert verify(session, code).status is Status.ISSUER_REVOKED
    post.close()


# -- the four-eyes rule through the core API --------------------------------------------------


def test_four_eyes_cannot_be_satisfied_by_the_same_removed_remote_or_demo_officer(
    made_vault,
) -> None:
    from idtool import demo

    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    officers.add_officer(sup, POLICE, "police", POLICE_PASS)
    officers.add_officer(sup, "Кеткен Кызматкер", "police", "left-the-post-2026")
    officers.remove_officer(sup, "Кеткен Кызматкер")
    officers.add_officer(sup, GUARD, "border_guard", GUARD_PASS)
    demo.generate(sup, 1, seed=3)  # demo officers: no key slot
    demo_name = sup.conn.execute(
        "SELECT name FROM officers WHERE name_key = 'demo:police'"
    ).fetchone()[0]
    police = vault.unlock(POLICE, POLICE_PASS)
    case = decided_case(police)
    assert eligibility.confirmation_needed(police)
    attempts = [
        ((POLICE.upper(), POLICE_PASS), NotPermitted),  # themselves, name in capitals
        ((f"  {POLICE.lower()}  ", POLICE_PASS), NotPermitted),
        (("Кеткен Кызматкер", "left-the-post-2026"), AuthenticationFailed),  # removed
        ((demo_name, ""), AuthenticationFailed),  # a demo officer
        ((demo_name, POLICE_PASS), AuthenticationFailed),
        ((GUARD, GUARD_PASS), NotPermitted),  # may not issue
        ((SUPERVISOR, POLICE_PASS), AuthenticationFailed),  # someone else's name, own secret
    ]
    for confirmer, error in attempts:
        with pytest.raises(error):
            issuance.issue(police, case.uuid, "en", confirmer=confirmer)
        assert ledger.get(police, case.uuid) is None
        vault.confirm_officer(police.conn, SUPERVISOR, SUPERVISOR_PASS)  # throttle back to 0
    printed = issuance.issue(police, case.uuid, "en", confirmer=(SUPERVISOR, SUPERVISOR_PASS))
    assert verify(sup, printed.certificate.code).status is Status.VALID
    police.close()
    sup.close()


# == 5. Anything else =========================================================================

SMALL_ORDER_KEY = bytes([1]) + bytes(31)  # the identity point, a valid-looking Ed25519 key


def _forged_under_small_order_key(number: str) -> str:
    """A code anyone can write, with no private key: under the identity point, the signature
    R = identity, S = 0 verifies for every message (OpenSSL does not refuse small-order keys)."""
    kid = payload.key_id(SMALL_ORDER_KEY)
    salt = payload.new_salt()
    claims = payload.Claims(
        number,
        "2026-03-01",
        kid,
        "ANY-1",
        salt,
        payload.holder_hash(salt, "Ким Болсо", "2000-01-01"),
    )
    return payload.encode(claims, kid, lambda _message: SMALL_ORDER_KEY + bytes(32))


def test_a_small_order_issuer_key_does_not_let_anyone_forge(tmp_path: Path) -> None:
    w = issuing_world(tmp_path, 2)
    evil, verifier = w.devs
    import_bundle(w.sup, export.export_cases(evil, w.out))
    send(w, evil, [announce(SMALL_ORDER_KEY, "active")])
    update(w, verifier)
    stranger_code = _forged_under_small_order_key("KG-VS-ANY0-2026-00001")
    for session in (w.sup, verifier):
        assert verify(session, stranger_code).status is not Status.VALID
