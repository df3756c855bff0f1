"""A new certificate for a person who already had one (issue 14, item 6): only with the
coordinator's audited permission, with a new number; without it, once per person holds."""

from __future__ import annotations

import pytest

from idtool import audit, database, officers
from idtool.certificate import eligibility, issuance, ledger, reissue
from idtool.certificate.verify import Status, verify
from idtool.errors import InvalidInput, NotPermitted
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import BIRTH, HOLDER, decided_case

OTHER_SPELLING = "Jyldyzkan Tunguchbaeva"


@pytest.fixture
def session(made_vault):
    vault, _ = made_vault
    s = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    yield s
    s.close()


def actions(session, prefix="certificate."):
    return [
        (e.action, e.details) for e in audit.entries(session.conn) if e.action.startswith(prefix)
    ]


def test_without_permission_a_person_gets_one_certificate(session):
    case = decided_case(session)
    first = issuance.issue(session, case.uuid, "ru").certificate
    issuance.revoke(session, case.uuid, "Decision reviewed")
    with pytest.raises(InvalidInput, match="only once unless the coordinator") as info:
        issuance.issue(session, case.uuid, "ru")
    assert first.number in info.value.message and HOLDER not in info.value.message
    # Met again in another case (another spelling): the same.
    again = decided_case(session, name=OTHER_SPELLING)
    with pytest.raises(InvalidInput, match="only once unless the coordinator"):
        issuance.issue(session, again.uuid, "ru")
    assert "coordinator" in eligibility.issue_blocked(session, again.uuid)
    assert session.conn.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1


def test_after_a_revocation_the_coordinator_allows_a_new_number(session):
    case = decided_case(session)
    first = issuance.issue(session, case.uuid, "ru").certificate
    issuance.revoke(session, case.uuid, "Wrong date of birth recorded")
    with pytest.raises(InvalidInput, match="reason"):
        reissue.allow(session, case.uuid, "   ")
    with pytest.raises(InvalidInput, match="too long"):
        reissue.allow(session, case.uuid, "x" * (reissue.MAX_REASON + 1))
    [allowance] = reissue.allow(session, case.uuid, "Revoked for a typing error; decision stands")
    assert allowance.number == first.number and allowance.device_id == session.device_id
    assert eligibility.issue_blocked(session, case.uuid) == ""
    with pytest.raises(InvalidInput, match="no permission is needed"):
        reissue.allow(session, case.uuid, "again")
    second = issuance.issue(session, case.uuid, "en")
    assert second.certificate.number != first.number
    assert ledger.get(session, case.uuid).number == second.certificate.number
    assert verify(session, second.certificate.code).status is Status.VALID
    assert verify(session, first.code).status is Status.REVOKED
    # The permission is spent: a third needs another one, for the second certificate.
    with pytest.raises(InvalidInput, match="only once"):
        issuance.issue(session, case.uuid, "en")
    issuance.revoke(session, case.uuid, "Again revoked")
    [next_one] = reissue.allow(session, case.uuid, "Second correction")
    assert next_one.number == second.certificate.number
    third = issuance.issue(session, case.uuid, "ky").certificate
    assert len({first.number, second.certificate.number, third.number}) == 3
    log = actions(session)
    allowed = [d for a, d in log if a == "certificate.allow_new"]
    assert [d["number"] for d in allowed] == [first.number, second.certificate.number]
    assert all(d["revoked"] is True for d in allowed)
    issued = [d for a, d in log if a == "certificate.issue"]
    assert [d.get("follows") for d in issued] == [
        None,
        [first.number],
        [second.certificate.number, first.number],
    ]
    assert all(HOLDER not in str(d) and "correction" not in str(d) for _a, d in log)
    assert audit.verify(session.conn).ok


def test_trafficked_again_the_new_certificate_replaces_the_valid_one(session):
    old_case = decided_case(session)
    old = issuance.issue(session, old_case.uuid, "ru").certificate
    # A new case years later, the name spelt another way: held up by the valid certificate.
    new_case = decided_case(session, name=OTHER_SPELLING)
    assert old.number in eligibility.issue_blocked(session, new_case.uuid)
    assert [c.number for c in reissue.blocking(session, new_case.uuid)] == [old.number]
    reissue.allow(session, new_case.uuid, "Trafficked again in 2026, identified in a new case")
    new = issuance.issue(session, new_case.uuid, "ru").certificate
    assert new.number != old.number
    # One valid certificate per person at a time: the old one is revoked, as replaced.
    assert verify(session, old.code).status is Status.REVOKED
    assert verify(session, new.code, HOLDER, BIRTH).status is Status.VALID
    replaced = ledger.get(session, old_case.uuid)
    assert replaced.revoked and new.number in replaced.revocation.reason
    revoke = [d for a, d in actions(session) if a == "certificate.revoke"]
    assert revoke == [{"number": old.number, "replaced_by": new.number}]
    assert ledger.numbers_by_case(session) == {
        old_case.uuid: old.number,
        new_case.uuid: new.number,
    }


def test_only_a_supervisor_on_the_coordinators_computer_may_allow(session, made_vault):
    case = decided_case(session)
    issuance.issue(session, case.uuid, "ru")
    issuance.revoke(session, case.uuid, "Reviewed")
    officers.add_officer(session, "Police One", "police", "police-pass-1")
    vault, _ = made_vault
    with vault.unlock("Police One", "police-pass-1") as police:
        assert reissue.may_allow(police)
        with pytest.raises(NotPermitted):
            reissue.allow(police, case.uuid, "I say so")
    # A supervisor on a device enrolled with a coordinator: the coordinator decides.
    session.conn.execute(
        "INSERT INTO sync_devices (device_id, label, signing_key, age_recipient, role, status,"
        " enrolled_at) VALUES ('coordinator-1', 'Coordinator', 'aa', 'age1x', 'supervisor',"
        " 'trusted', '2026-01-01')"
    )
    assert "coordinator" in reissue.may_allow(session)
    with pytest.raises(NotPermitted):
        reissue.allow(session, case.uuid, "Local supervisor")
    assert reissue.allowances(session.conn) == {}
    assert not [a for a, _d in actions(session) if a == "certificate.allow_new"]


def test_permissions_are_never_edited_or_deleted(session):
    case = decided_case(session)
    issuance.issue(session, case.uuid, "ru")
    issuance.revoke(session, case.uuid, "Reviewed")
    reissue.allow(session, case.uuid, "Reviewed by the commission")
    with pytest.raises(database.DatabaseError, match="never"):
        session.conn.execute("UPDATE certificate_allowances SET number = 'KG-VS-X-2026-00001'")
    with pytest.raises(database.DatabaseError, match="never"):
        session.conn.execute("DELETE FROM certificate_allowances")


V14_CERTIFICATES = """
CREATE TABLE certificates_v14 (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    person_uuid TEXT NOT NULL UNIQUE REFERENCES persons (uuid),
    decision_uuid TEXT NOT NULL REFERENCES decisions (uuid),
    holder_key TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    holder_birth_date TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    officer_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    language TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    code TEXT NOT NULL,
    prints INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
)"""


def test_migration_15_from_a_database_of_version_14(made_vault):
    """A database of version 14: one certificate per person by a UNIQUE column, no
    permissions, the NRM directory as shipped before. After the upgrade the certificates are
    the same rows (not journalled again, still never deleted), a person may hold a second
    one, and the directory entries nobody edited read as shipped now; an edited one is kept."""
    import json

    from idtool import directory, migrations, records

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        case = decided_case(session)
        cert = issuance.issue(session, case.uuid, "ru").certificate
        directory.organisations(session)  # the working copy, as shipped
        conn = session.conn
        conn.execute(V14_CERTIFICATES)
        conn.execute("INSERT INTO certificates_v14 SELECT * FROM certificates")
        conn.execute("DROP TABLE certificates")
        conn.execute("ALTER TABLE certificates_v14 RENAME TO certificates")
        conn.execute("DROP TABLE certificate_allowances")
        old_border = {
            "id": "border-service",
            "type": "border_service",
            "region": "national",
            "name": {"ky": "Чек ара", "ru": "Пограничная служба", "en": "Border Service"},
            "services": ["documents"],
            "contact": "",
            "active": True,
        }
        conn.execute(
            "UPDATE directory SET entry = ? WHERE org_id = 'border-service'",
            (json.dumps(old_border, ensure_ascii=False),),
        )
        edited = {**old_border, "id": "ombudsman", "type": "ombudsman", "contact": "+996 312 0"}
        records.update(
            conn,
            "directory",
            {"entry": json.dumps(edited, ensure_ascii=False)},
            "org_id = ?",
            ("ombudsman",),
            session.device_id,
        )
        conn.execute("DELETE FROM directory WHERE org_id IN ('hotline', 'labour-inspectorate')")
        conn.execute("PRAGMA user_version = 14")
        rows = conn.execute("SELECT * FROM certificates").fetchall()
        journal = conn.execute("SELECT max(id) FROM sync_changes").fetchone()[0]

    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        conn = session.conn
        assert migrations.current_version(conn) == migrations.latest()
        assert conn.execute("SELECT * FROM certificates").fetchall() == rows
        assert conn.execute("SELECT max(id) FROM sync_changes").fetchone()[0] == journal
        unique = [
            [c[2] for c in conn.execute(f"PRAGMA index_info({r[1]})")]
            for r in conn.execute("PRAGMA index_list(certificates)")
            if r[2]
        ]
        assert ["person_uuid"] not in unique and ["number"] in unique
        with pytest.raises(database.DatabaseError, match="never"):
            conn.execute("DELETE FROM certificates")
        assert directory.find(conn, "border-service") == directory.find_shipped("border-service")
        assert directory.find(conn, "hotline") == directory.find_shipped("hotline")
        assert directory.find(conn, "labour-inspectorate") is not None
        assert directory.find(conn, "ombudsman").contact == "+996 312 0"  # the edit is kept
        issuance.revoke(session, case.uuid, "Reviewed")
        reissue.allow(session, case.uuid, "Reviewed by the commission")
        second = issuance.issue(session, case.uuid, "en").certificate
        assert {c.number for c in ledger.of_person(session, case.person.uuid)} == {
            cert.number,
            second.number,
        }
        # The new certificate is journalled for the next package, as any change.
        assert conn.execute("SELECT max(id) FROM sync_changes").fetchone()[0] > journal
