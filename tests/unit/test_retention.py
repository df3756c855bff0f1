"""The retention schedule: which cases are due on a date, and erasing them keeps every figure
of the statistics while the person's data leaves the file."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from idtool import audit, database, demo, erasure, names, policy_options, referrals, retention
from idtool.errors import InvalidInput
from idtool.stats import facts
from idtool.stats.compute import compute
from tests.support.cases import DOCUMENT, HOLDER, agree, person_case
from tests.support.pages import readable, traces

FAR = date(2100, 1, 1)
ORG = "crisis-centre-osh"


def _figures(session) -> dict[str, object]:
    stats = compute(session, demo=True)
    found = {f.name: getattr(stats, f.name) for f in dataclasses.fields(stats) if f.name != "scope"}
    found["breakdowns"] = {k: dataclasses.asdict(v) for k, v in stats.breakdowns.items()}
    return found


def test_statuses_are_those_of_cases():
    from idtool import cases

    assert set(policy_options.RETENTION_STATUSES) == {s.value for s in cases.Status}


def test_the_schedule_is_policy_data_checked_on_the_way_in(session):
    assert retention.schedule(session.conn) == {}
    assert retention.set_period(session, "closed", 5)
    assert retention.set_period(session, "not_identified", 2)
    assert not retention.set_period(session, "closed", 5)
    assert retention.schedule(session.conn) == {"closed": 5, "not_identified": 2}
    assert retention.set_period(session, "not_identified", None)
    assert retention.schedule(session.conn) == {"closed": 5}
    for status, years in (("deleted", 3), ("closed", 0), ("closed", 101)):
        with pytest.raises(InvalidInput):
            retention.set_period(session, status, years)
    assert policy_options.validated("retention", {"closed": "5"}) is None
    assert policy_options.validated("retention", {"closed": True}) is None
    assert any(e.action == "policy.option" for e in audit.entries(session.conn, "retention"))


def test_a_case_is_due_the_given_number_of_years_after_its_last_record(session):
    case = person_case(session, decide=True)  # "identified"
    last = date.fromisoformat(
        session.conn.execute("SELECT max(decided_at) FROM decisions").fetchone()[0][:10]
    )
    retention.set_period(session, "identified", 3)
    assert retention.due(session, retention.years_before(last, -3) - timedelta(days=1)) == []
    [due] = retention.due(session, retention.years_before(last, -3))
    assert (due.case_uuid, due.status, due.years, due.last) == (
        case.uuid,
        "identified",
        3,
        last.isoformat(),
    )
    retention.set_period(session, "identified", None)
    assert retention.due(session, FAR) == []


def test_retention_keeps_every_figure_and_erases_the_person(session, made_vault):
    vault, _ = made_vault
    demo.generate(session, 30, seed=7)
    case = person_case(session, decide=True)
    agree(session, case, ORG, guardian="Гүлнара Мамбетова")
    ref = referrals.make(session, case.uuid, ORG, services=("shelter",), reason="Needs shelter")
    referrals.set_status(session, ref.uuid, referrals.RefStatus.SERVICE_DELIVERED, "done")
    before = _figures(session)
    assert before["screened"] and before["identified"] and before["referrals_made"]
    answers_before = session.conn.execute(
        f"SELECT count(*) FROM answers WHERE question IN ({', '.join('?' * len(facts.QUESTIONS))})",
        facts.QUESTIONS,
    ).fetchone()[0]
    for status in policy_options.RETENTION_STATUSES:
        retention.set_period(session, status, 1)
    listed = retention.due(session, FAR)
    assert case.number in {d.number for d in listed} and len(listed) == 31

    applied = retention.apply(session, FAR)

    assert sorted(applied.numbers) == sorted(d.number for d in listed) and applied.scrubbed
    # The statistics read only the facts kept: every figure and breakdown is the same, from
    # facts recomputed after the erasure (the triggers marked the cases).
    session.conn.execute("INSERT OR IGNORE INTO stats_dirty (case_uuid) SELECT uuid FROM cases")
    assert _figures(session) == before
    conn = session.conn
    assert conn.execute(
        "SELECT count(*) FROM persons WHERE full_name != '' OR birth_date != ''"
        " OR document_number != '' OR name_key != ''"
    ).fetchone() == (0,)
    assert conn.execute(
        f"SELECT count(*) FROM answers WHERE question NOT IN"
        f" ({', '.join('?' * len(facts.QUESTIONS))})",
        facts.QUESTIONS,
    ).fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == answers_before
    assert conn.execute("SELECT count(*) FROM erasures WHERE kind = 'retention'").fetchone() == (
        31,
    )
    assert audit.verify(conn).ok
    secrets = (HOLDER, DOCUMENT, names.identity_key(HOLDER), "Гүлнара", "Needs shelter")
    assert traces(readable(vault.db_path, session.db_key), *secrets) == []
    # Nothing is due twice, and the tombstone is there.
    assert retention.due(session, FAR) == []
    assert erasure.tombstone(conn, case.uuid).kind == "retention"  # type: ignore[union-attr]


def test_a_case_that_changed_after_the_review_is_not_erased(session):
    case = person_case(session, decide=True)
    retention.set_period(session, "identified", 1)
    assert [d.case_uuid for d in retention.due(session, FAR)] == [case.uuid]
    with database.transaction(session.conn):  # its status changes before it is applied
        session.conn.execute("UPDATE cases SET status = 'referred'")
    assert retention.apply(session, FAR).numbers == ()
    assert erasure.tombstone(session.conn, case.uuid) is None
