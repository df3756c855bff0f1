"""Attacks on the criminal-justice link (issue 19): each test is a hostile or careless path
that must stay closed."""

from __future__ import annotations

import pytest
from sqlcipher3 import dbapi2

from idtool import addenda, cj_link, database, interviews, migrations, officers
from idtool.decisions import Decision
from idtool.stats import justice
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import STRONG, screen
from tests.support.cj import case_with, kinds

TRAFFICKING = {"opened": "criminal", "articles": ("cc_trafficking",), "prosecution": "public"}
MIGRATION = {"opened": "misconduct", "articles": ("cm_illegal_migration",)}


def _as(session, name, role):
    officers.add_officer(session, name, role, f"{role}-pass-123")
    return session.vault.unlock(name, f"{role}-pass-123")


def test_attack_prosecutor_reads_amended_answers_through_the_addenda(session):
    case = case_with(session, link=MIGRATION)
    (interview,) = interviews.for_case(session, case.uuid)
    addenda.amend(session, interview.uuid, {"debt": "no"}, "the person corrected it")
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    seen = addenda.for_case(prosecutor, case.uuid)
    values = [(c.before, c.after) for a in seen for c in a.changes]
    assert values == [] and all(not a.reason for a in seen)
    prosecutor.close()


def _linked_and_reviewed_earlier(monkeypatch, session, case, link):
    """The link recorded and reviewed (confirmed) at earlier times than now, so facts recorded
    after it in the test are later, not in the same second."""
    prosecutor = _as(session, "Prosecutor One", "prosecutor")
    with monkeypatch.context() as m:
        m.setattr(cj_link, "now_iso", lambda: "2020-01-01T00:00:00+00:00")
        cj_link.record(session, case.uuid, **link)
        m.setattr(cj_link, "now_iso", lambda: "2020-01-02T00:00:00+00:00")
        cj_link.record_review(prosecutor, case.uuid, "confirmed")
    prosecutor.close()


def test_attack_a_review_does_not_silence_an_alarm_the_link_did_not_have(session, monkeypatch):
    # The prosecutor reviews a misconduct case whose person showed no indicators (no alarm);
    # a later screening shows forced labour: the lesser article is an alarm again.
    case = case_with(session, strong=False)
    _linked_and_reviewed_earlier(monkeypatch, session, case, MIGRATION)
    assert kinds(session, case) == set()
    screen(session, case.uuid, STRONG)
    assert kinds(session, case) == {"mischarging"}


def test_attack_a_review_before_the_identification_does_not_silence_discontinued(
    session, monkeypatch
):
    case = case_with(session, strong=False)
    _linked_and_reviewed_earlier(
        monkeypatch, session, case, dict(TRAFFICKING, stage="discontinued")
    )
    assert kinds(session, case) == set()
    from idtool import decisions

    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM, "checked")
    assert "discontinued_identified" in kinds(session, case)


def test_a_review_after_the_facts_still_ends_the_alarm(session, monkeypatch):
    case = case_with(session, decision=Decision.IDENTIFIED_VICTIM)
    _linked_and_reviewed_earlier(
        monkeypatch, session, case, dict(TRAFFICKING, stage="discontinued")
    )
    assert "discontinued_identified" in kinds(session, case)  # the decision came after the review
    prosecutor = session.vault.unlock("Prosecutor One", "prosecutor-pass-123")
    cj_link.record_review(prosecutor, case.uuid, "confirmed")
    prosecutor.close()
    assert kinds(session, case) == set()


def test_attack_statistics_hide_a_small_difference_between_columns(session):
    # 7 cases under one article, 5 of identified victims: both counts reach the threshold,
    # but their difference (2 cases of persons not identified) is a small cell.
    for _n in range(5):
        case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=MIGRATION)
    for _n in range(2):
        case_with(session, decision=Decision.NOT_VICTIM, link=MIGRATION)
    pub = justice.compute(session).published(5)
    ((_label, cases_text, identified_text),) = justice.rows(pub)
    shown = [t for t in (cases_text, identified_text) if t.isdigit()]
    assert len(shown) < 2, (cases_text, identified_text)


def test_attack_statistics_hide_a_small_difference_between_figures(session):
    for _n in range(6):
        case_with(
            session,
            decision=Decision.IDENTIFIED_VICTIM,
            link=dict(TRAFFICKING, stage="discontinued"),
        )
    for _n in range(2):
        case_with(
            session, decision=Decision.NOT_VICTIM, link=dict(TRAFFICKING, stage="discontinued")
        )
    pub = justice.compute(session).published(5)
    both = (pub.figure("discontinued"), pub.figure("discontinued_identified"))
    assert None in both, both
    identified = pub.figure("identified")
    qualified = pub.figure("qualified")
    assert identified is None or qualified is None or not 0 < identified - qualified < 5


def test_attack_migration_19_upgrades_a_schema_17_database(vault, monkeypatch):
    """A database made by the real migrations up to 17, with officers and a case, upgraded:
    the officers' CHECK changed in the schema text keeps the file sound."""
    real = migrations.migrate
    monkeypatch.setattr(migrations, "migrate", lambda conn, target=None: real(conn, 17))
    old, _code = vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    assert migrations.current_version(old.conn) == 17
    officers.add_officer(old, "Police One", "police", "police-pass-123")
    with database.transaction(old.conn):
        old.conn.execute(
            "INSERT INTO cases (uuid, number, person_uuid, status, region, opened_at,"
            " officer_uuid, device_id) SELECT 'c', 'X-1', NULL, 'possible', 'osh', '2026',"
            " uuid, device_id FROM officers LIMIT 0"
        )
    old.close()
    monkeypatch.setattr(migrations, "migrate", real)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        conn = session.conn
        assert migrations.current_version(conn) == migrations.latest()
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA writable_schema").fetchone() == (0,)
        prosecutor = _as(session, "Prosecutor One", "prosecutor")
        assert prosecutor.officer.role == "prosecutor"
        prosecutor.close()
        with pytest.raises(dbapi2.IntegrityError):
            conn.execute(
                "INSERT INTO officers (uuid, name, name_key, role, created_at, device_id)"
                " VALUES ('x', 'x', 'x', 'judge', '2026', 'd')"
            )
        case = case_with(session, link=MIGRATION)
        assert cj_link.get(session, case.uuid) is not None
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_attack_qualified_minus_the_shown_articles_gives_a_hidden_cell_away(session):
    # 6 identified victims under trafficking (shown), 2 under forced labour (hidden): the
    # "qualified as trafficking or forced labour" figure, 8, would give the 2 away.
    for _n in range(6):
        case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=TRAFFICKING)
    forced = {"opened": "criminal", "articles": ("cc_forced_labour",), "prosecution": "public"}
    for _n in range(2):
        case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=forced)
    pub = justice.compute(session).published(5)
    assert pub.table.shown("cc_forced_labour", "identified") is None
    assert pub.figure("qualified") is None and pub.share_qualified is None
