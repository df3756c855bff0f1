"""Schema migrations and the role policy table."""

from __future__ import annotations

import os

import pytest

from idtool import database, migrations, officers, policy
from idtool.errors import CorruptDatabase, InvalidInput, NotPermitted
from idtool.policy import Action, Role
from tests.conftest import POLICE, POLICE_PASS, SUPERVISOR, SUPERVISOR_PASS


def test_migrations_are_numbered_and_reach_latest(tmp_path):
    numbers = [m.number for m in migrations.all_migrations()]
    assert numbers == list(range(1, migrations.latest() + 1))
    conn = database.connect(tmp_path / "m.db", os.urandom(32), create=True)
    assert migrations.migrate(conn) == migrations.latest()
    assert migrations.migrate(conn) == migrations.latest()  # idempotent


@pytest.mark.parametrize("start", range(0, migrations.latest()))
def test_upgrade_from_every_earlier_version(tmp_path, start):
    key = os.urandom(32)
    path = tmp_path / "m.db"
    conn = database.connect(path, key, create=True)
    migrations.migrate(conn, target=start)
    assert migrations.current_version(conn) == start
    conn.close()
    conn = database.connect(path, key)
    assert migrations.migrate(conn) == migrations.latest()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "officers", "policy", "audit"} <= tables


def test_database_from_a_newer_program_is_refused(tmp_path):
    conn = database.connect(tmp_path / "m.db", os.urandom(32), create=True)
    conn.execute(f"PRAGMA user_version = {migrations.latest() + 1}")
    with pytest.raises(CorruptDatabase, match="newer version"):
        migrations.migrate(conn)


def test_split_sql_keeps_triggers_whole():
    parts = migrations.split_sql(
        "CREATE TABLE a (x);\nCREATE TRIGGER t BEFORE DELETE ON a\nBEGIN\n"
        "    SELECT RAISE(ABORT, 'no');\nEND;\nCREATE TABLE b (y);"
    )
    assert len(parts) == 3
    assert "RAISE" in parts[1]


def test_default_policy_matches_the_issue_table(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        table = policy.table(session.conn)
    everyone = set(Role)
    # A prosecutor reviews cases: no interviews, no referrals (issue 19).
    frontline = everyone - {Role.PROSECUTOR}
    assert table[Action.SCREENING_INTERVIEW] == frontline
    assert table[Action.REFERRAL] == frontline
    assert table[Action.EXPORT_OWN_BUNDLE] == everyone
    assert table[Action.IMPORT_UPDATE_BUNDLE] == everyone
    assert table[Action.IMPORT_REFERRAL_BUNDLE] == everyone
    for action in (Action.IDENTIFICATION_INTERVIEW, Action.DECIDE_STATUS, Action.ISSUE_CERTIFICATE):
        assert table[action] == {Role.POLICE, Role.SOCIAL_WORKER, Role.SUPERVISOR}
    for action in (
        Action.IMPORT_CASE_BUNDLE,
        Action.REVIEW_QUEUE,
        Action.STATISTICS,
        Action.TRUST_LIST,
        Action.MANAGE_OFFICERS,
    ):
        assert table[action] == {Role.SUPERVISOR}
    assert table[Action.CRIMINAL_LINK] == {Role.POLICE, Role.PROSECUTOR, Role.SUPERVISOR}
    assert table[Action.PROSECUTOR_REVIEW] == {Role.PROSECUTOR}


def test_policy_is_enforced_in_the_core_and_editable(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        officers.add_officer(session, POLICE, "police", POLICE_PASS)
    with vault.unlock(POLICE, POLICE_PASS) as session:
        assert session.can(Action.DECIDE_STATUS)
        assert not session.can(Action.STATISTICS)
        with pytest.raises(NotPermitted):
            session.require(Action.STATISTICS)
        with pytest.raises(NotPermitted):
            officers.list_officers(session)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session, database.transaction(session.conn):
        assert policy.set_allowed(
            session.conn, Action.STATISTICS, Role.POLICE, True, session.device_id
        )
        assert not policy.set_allowed(
            session.conn, Action.STATISTICS, Role.POLICE, True, session.device_id
        )
        # Managing officers stays with supervisors whatever the table says.
        assert not policy.set_allowed(
            session.conn, Action.MANAGE_OFFICERS, Role.POLICE, True, session.device_id
        )
    with vault.unlock(POLICE, POLICE_PASS) as session:
        session.require(Action.STATISTICS)
        assert not session.can(Action.MANAGE_OFFICERS)


def test_records_carry_uuid_version_device_and_base_version(made_vault):
    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        for table in ("officers", "policy"):
            cols = {r[1] for r in session.conn.execute(f"PRAGMA table_info({table})")}
            assert {"uuid", "version", "device_id", "base_version"} <= cols
        assert session.meta("device_id") == session.device_id
        assert len(bytes.fromhex(session.meta("device_signing_key"))) == 32
        assert session.meta("device_age_identity").startswith("AGE-SECRET-KEY-")


def test_identity_keys_of_an_older_database_are_recomputed(made_vault):
    """A database of version 9 holds transliteration keys (and may hold a name typed before
    names were checked): after the upgrade its persons and certificates carry identity keys,
    the search still finds people in both scripts, a look-alike gets no second certificate,
    and nothing is queued to be sent for it."""
    from idtool import case_list, cases, names
    from idtool.certificate import issuance
    from idtool.translit import search_key
    from tests.support.cases import decided_case

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        holder = decided_case(session, name="Nurgul Asanova", birth="1999-03-08")
        issuance.issue(session, holder.uuid, "en")
        aigul = cases.open_case(session, full_name="Айгүл Өмүрбекова", region="osh")
        typed = cases.open_case(session, full_name="Placeholder", region="osh")
        conn = session.conn
        conn.execute(
            "UPDATE persons SET full_name = 'Bermet Asan\u200dbekova' WHERE uuid = ?",
            (typed.person.uuid,),
        )
        for uuid_, name in conn.execute("SELECT uuid, full_name FROM persons").fetchall():
            conn.execute(
                "UPDATE persons SET name_key = ? WHERE uuid = ?", (search_key(name), uuid_)
            )
        conn.execute(
            "UPDATE certificates SET holder_key = ?",
            (f"{search_key('Nurgul Asanova')}|1999-03-08",),
        )
        conn.execute("PRAGMA user_version = 11")
        journal = conn.execute("SELECT max(id) FROM sync_changes").fetchone()[0]

    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        conn = session.conn
        assert migrations.current_version(conn) == migrations.latest()
        for name, key in conn.execute("SELECT full_name, name_key FROM persons"):
            assert key == names.identity_key(name) != search_key(name)
        assert conn.execute("SELECT holder_key FROM certificates").fetchall() == [
            (names.holder_key("Nurgul Asanova", "1999-03-08"),)
        ]
        assert conn.execute("SELECT max(id) FROM sync_changes").fetchone()[0] == journal
        for text, found in (
            ("Aigul Omurbekova", aigul.uuid),
            ("Айгүл", aigul.uuid),
            ("Bermet Asanbekova", typed.uuid),
            ("Нургул", holder.uuid),
        ):
            assert [r.uuid for r in case_list.CaseQuery(text=text).page(session, 0, 10)] == [found]
        again = decided_case(session, name="Nurgul Asan\u03bfva", birth="1999-03-08")
        with pytest.raises(InvalidInput, match="only once"):
            issuance.issue(session, again.uuid, "en")
