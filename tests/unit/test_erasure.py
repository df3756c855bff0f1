"""Erasure on request: every row of the person goes, a tombstone and an audit entry stay, and
nothing the person said is left in the database file, its log, or any page a key holder could
decrypt (free pages and the search indexes included)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from idtool import audit, case_list, consent, database, erasure, names, officers, referrals
from idtool.certificate import issuance
from idtool.consent import Purpose, State
from idtool.errors import InvalidInput, NotPermitted
from idtool.vault import Vault
from tests.conftest import POLICE, POLICE_PASS
from tests.support.cases import BIRTH, DOCUMENT, HOLDER, agree, person_case
from tests.support.pages import readable, traces

ORG = "crisis-centre-osh"
GUARDIAN = "Гүлнара Мамбетова"
REASON = "asked in writing on 3 December"


def _full_case(session):
    """A decided case with a certificate, consents (a guardian named), a referral with its
    events, and a decision reason: every table the person's data reaches."""
    case = person_case(session, decide=True)
    agree(session, case, ORG, guardian=GUARDIAN)
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN, guardian=GUARDIAN)
    issuance.issue(session, case.uuid, "en")
    ref = referrals.make(
        session, case.uuid, ORG, services=("shelter",), urgency="urgent", reason="Needs shelter"
    )
    referrals.set_status(session, ref.uuid, referrals.RefStatus.ACCEPTED, "seen by the centre")
    return case


def _secrets() -> tuple[str, ...]:
    key = names.identity_key(HOLDER)
    return (HOLDER, HOLDER.split()[0], DOCUMENT, BIRTH, GUARDIAN, key, "Needs shelter")


def test_erasure_on_request_leaves_no_trace_in_any_page(session, made_vault, tmp_path: Path):
    vault, _ = made_vault
    case = _full_case(session)
    db = vault.db_path
    before = readable(db, session.db_key)
    assert traces(before, *_secrets()), "the detector must see the data before the erasure"

    erased = erasure.erase_on_request(session, case.uuid, REASON)

    assert erased.numbers == (case.number,) and erased.scrubbed
    wal = db.with_name(db.name + "-wal")
    # The raw files: encrypted pages, an emptied log.
    raw = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert traces(raw, *_secrets()) == []
    assert not wal.exists() or wal.stat().st_size == 0
    # Every page decrypted with the key: used and free pages, slack inside pages, the log.
    assert traces(readable(db, session.db_key), *_secrets()) == []
    # A logical plaintext copy made with the key (what `sqlcipher_export` gives).
    plain = tmp_path / "plain.db"
    session.conn.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
    session.conn.execute("SELECT sqlcipher_export('plaintext')")
    session.conn.execute("DETACH DATABASE plaintext")
    assert traces(plain.read_bytes(), *_secrets()) == []
    with sqlite3.connect(plain) as copy:  # a readable copy: the check above saw its text
        assert copy.execute("SELECT count(*) FROM erasures").fetchone() == (1,)
        assert copy.execute("PRAGMA freelist_count").fetchone() == (0,)


def test_erasure_removes_every_row_and_leaves_an_audited_tombstone(session):
    case = _full_case(session)
    conn = session.conn
    erasure.erase_on_request(session, case.uuid, REASON)

    for table in ("cases", "persons", "stats_case_facts"):
        key = "case_uuid" if table == "stats_case_facts" else "uuid"
        value = case.person.uuid if table == "persons" else case.uuid
        assert (
            conn.execute(f"SELECT count(*) FROM {table} WHERE {key} = ?", (value,)).fetchone()[0]
            == 0
        )
    for table in (
        "interviews",
        "assessments",
        "decisions",
        "consents",
        "referrals",
        "certificates",
        "case_search",
        "case_words",
    ):
        assert conn.execute(
            f"SELECT count(*) FROM {table} WHERE case_uuid = ?", (case.uuid,)
        ).fetchone() == (0,), table
    assert conn.execute("SELECT count(*) FROM answers").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM referral_events").fetchone() == (0,)
    # The change journal forgets the case: no package can send its rows again.
    journal = conn.execute("SELECT tbl FROM sync_changes WHERE tbl != 'officers'").fetchall()
    assert journal == [("erasures",)]
    stone = erasure.tombstone(conn, case.uuid)
    assert stone is not None and stone.kind == "request" and stone.case_number == case.number
    assert stone.owner == session.device_id and stone.officer_uuid == session.officer.uuid
    entry = [e for e in audit.entries(conn, target=case.uuid) if e.action == "case.erase"]
    assert entry and entry[0].details["reason"] == REASON
    assert audit.verify(conn).ok
    assert case_list.CaseQuery(text=HOLDER).count(session) == 0
    with pytest.raises(InvalidInput, match=r"erased already|does not exist"):
        erasure.erase_on_request(session, case.uuid, REASON)


def test_every_case_of_the_person_is_erased(session):
    first = person_case(session)
    conn = session.conn
    person = first.person.uuid
    with database.transaction(conn):  # the same person met again: a second case
        conn.execute(
            "INSERT INTO cases (uuid, number, person_uuid, status, region, opened_at,"
            " officer_uuid, device_id) SELECT 'second', 'N-2', person_uuid, status, region,"
            " opened_at, officer_uuid, device_id FROM cases WHERE uuid = ?",
            (first.uuid,),
        )
    erased = erasure.erase_on_request(session, first.uuid, REASON)
    assert erased.numbers == (first.number, "N-2")
    assert conn.execute("SELECT count(*) FROM persons WHERE uuid = ?", (person,)).fetchone() == (0,)


def test_a_reason_naming_the_person_is_refused_and_nothing_erased(session):
    case = person_case(session)
    for reason in (
        "",
        f"{HOLDER.split()[1]} asked",  # a word of the name
        "Zhyldyzkan asked by phone",  # the same name in Latin letters
        f"document {DOCUMENT.lower()}",
    ):
        with pytest.raises(InvalidInput):
            erasure.erase_on_request(session, case.uuid, reason)
    assert erasure.tombstone(session.conn, case.uuid) is None
    assert session.conn.execute("SELECT full_name FROM persons").fetchone() == (HOLDER,)


def test_only_a_role_the_policy_allows_may_erase(session, made_vault):
    vault, _ = made_vault
    officers.add_officer(session, POLICE, "police", POLICE_PASS)
    case = person_case(session)
    police = Vault(vault.folder, kdf_params=vault.kdf_params()).unlock(POLICE, POLICE_PASS)
    try:
        with pytest.raises(NotPermitted):
            erasure.erase_on_request(police, case.uuid, REASON)
    finally:
        police.close()
    assert erasure.tombstone(session.conn, case.uuid) is None


def test_write_once_rows_stay_write_once_outside_an_erasure(session):
    case = person_case(session, decide=True)
    agree(session, case, ORG, guardian=GUARDIAN)
    conn = session.conn
    for sql in (
        "UPDATE decisions SET reason = 'x'",
        "DELETE FROM decisions",
        "UPDATE consents SET guardian = ''",
    ):
        with pytest.raises(database.DatabaseError), database.transaction(conn):
            conn.execute(sql)
    erasure.erase_on_request(session, case.uuid, REASON)
    with pytest.raises(database.DatabaseError), database.transaction(conn):
        conn.execute("DELETE FROM erasures")
    assert conn.execute("SELECT count(*) FROM erasing").fetchone() == (0,)
