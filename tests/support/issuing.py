"""Posts that issue certificates, and what the attack tests make against them: forged
certificate codes and rows made by hand for case and update bundles."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from idtool import kdf, officers
from idtool.certificate import payload
from idtool.session import Session
from idtool.sync import devices, enrol, updates
from idtool.sync.importer import import_bundle
from idtool.vault import Vault
from tests.conftest import ISSUING_ORG
from tests.support.cases import BIRTH, HOLDER
from tests.support.sync import World, make_world, row_of

GUARD = "Эрмек Чекарачы"
GUARD_PASS = "guard-secret-2026"
POST_SUP = "Нурлан Башчы"
POST_SUP_PASS = "post-boss-pass-2026"


def new_uuid() -> str:
    return str(uuid.uuid4())


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def forge(key: Ed25519PrivateKey, number: str = "KG-VS-FAKE-2026-00001") -> str:
    """A certificate code signed with `key`, as someone holding that key would make it."""
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = payload.key_id(public)
    salt = payload.new_salt()
    claims = payload.Claims(
        number, "2026-03-01", kid, "FAKE-2026-00001", salt, payload.holder_hash(salt, HOLDER, BIRTH)
    )
    return payload.encode(claims, kid, key.sign)


def issuing_world(tmp_path: Path, n: int) -> World:
    """`make_world` whose devices work for an organisation that may issue certificates."""
    w = make_world(tmp_path, n)
    for dev in w.devs:
        devices.set_organisation(w.sup, dev.device_id, ISSUING_ORG)
    for dev in w.devs:
        import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id]))
    return w


def update(w: World, *targets: Session) -> None:
    """The coordinator's update reaches each of `targets`."""
    for dev in targets:
        import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id]))


def enrolled_post(w: World, folder: Path, label: str) -> Session:
    """A post with a supervisor and a border guard, enrolled with the coordinator and working
    for an organisation that may issue; returns the post supervisor's session."""
    boss, _code = Vault(folder, kdf_params=kdf.FAST_PARAMS).create(
        POST_SUP, "supervisor", POST_SUP_PASS
    )
    request = enrol.accept_enrolment(boss, enrol.create_enrolment(w.sup), label=label)
    import_bundle(boss, enrol.approve(w.sup, request, folder.parent / f"{label}.idtb"))
    devices.set_organisation(w.sup, boss.device_id, ISSUING_ORG)
    import_bundle(boss, updates.export_update(w.sup, w.out, [boss.device_id]))
    officers.add_officer(boss, GUARD, "border_guard", GUARD_PASS)
    return boss


def record(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {"table": table, "row": row}


def certificate_row(
    w: World, dev: Session, case_uuid: str, number: str, code: str
) -> dict[str, Any]:
    """A certificates row for `dev`'s own case as the coordinator stores it, made by hand."""
    case = row_of(w.sup, "cases", case_uuid)
    decision = w.sup.conn.execute(
        "SELECT uuid FROM decisions WHERE case_uuid = ? ORDER BY decided_at DESC LIMIT 1",
        (case_uuid,),
    ).fetchone()[0]
    return {
        "uuid": new_uuid(),
        "number": number,
        "case_uuid": case_uuid,
        "person_uuid": case["person_uuid"],
        "decision_uuid": decision,
        "holder_key": "",
        "holder_name": "Ким Болсо",
        "holder_birth_date": "2000-01-01",
        "officer_uuid": dev.officer.uuid,
        "officer_name": dev.officer.name,
        "organisation": "",
        "language": "en",
        "issue_date": "2026-01-01",
        "issued_at": "2026-01-01T00:00:00+00:00",
        "code": code,
        "prints": 1,
        "version": 1,
        "device_id": dev.device_id,
        "base_version": 0,
    }


def revocation_row(dev: Session, number: str) -> dict[str, Any]:
    return {
        "uuid": new_uuid(),
        "number": number,
        "reason": "forged",
        "officer_uuid": dev.officer.uuid,
        "officer_name": dev.officer.name,
        "revoked_at": "2026-01-02T00:00:00+00:00",
        "version": 1,
        "device_id": dev.device_id,
        "base_version": 0,
    }


def announce(public: bytes, status: str, certificates: list[str] | None = None) -> dict[str, Any]:
    return record(
        "issuing_keys",
        {"public_key": public.hex(), "status": status, "certificates": certificates or []},
    )


def guard_session(folder: Path) -> Session:
    return Vault(folder, kdf_params=kdf.FAST_PARAMS).unlock(GUARD, GUARD_PASS)
