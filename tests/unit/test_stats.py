"""NRM statistics: known figures on hand-built cases, suppression, CLI."""

from __future__ import annotations

import csv
import io
import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from idtool import case_assessments, cases, consent, decisions, officers, referrals
from idtool.cli import main
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.errors import NotPermitted
from idtool.referrals import RefStatus
from idtool.stats import Table, compute, report, suppress
from idtool.stats.suppress import TOTAL, recoverable, visible_small
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import NONE, STRONG, assessed_case


def _decide(session, case, decision):
    rec = decisions.record(session, case.uuid, decision, "reason for the test")
    return rec


def _backdate(session, case, days, ref=None):
    ref = ref or datetime.now(UTC)
    when = (ref - timedelta(days=days)).isoformat(timespec="seconds")
    session.conn.execute("UPDATE cases SET opened_at = ? WHERE uuid = ?", (when, case.uuid))


@pytest.fixture
def known(session):
    """Five cases with known answers, decisions, referrals and consents."""
    a = assessed_case(session, STRONG, region="osh")  # female 24, forced labour, Russia
    b = assessed_case(
        session,
        dict(
            STRONG,
            sex="male",
            age_now=15,
            under_18_at_exploitation="yes",
            consent_referral="child_protection",
            exploitation_type=["sexual_exploitation", "forced_labour"],
            exploitation_country="kazakhstan",
        ),
        region="osh",
    )
    c = assessed_case(session, dict(STRONG, age_now=40), region="chuy")
    d = cases.open_case(session, full_name="Без интервью", region="bishkek")
    officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
    guard = session.vault.unlock("Guard One", "guard-pass-1")
    e = assessed_case(guard, NONE, region="batken")
    guard.close()
    rec_a = _decide(session, a, Decision.IDENTIFIED_VICTIM)
    rec_b = _decide(session, b, Decision.POSSIBLE_VICTIM)
    rec_e = _decide(session, e, Decision.NOT_VICTIM)
    for case, rec, days in ((a, rec_a, 10), (b, rec_b, 4), (e, rec_e, 1)):
        _backdate(session, case, days, datetime.fromisoformat(rec.decided_at))
    consent.record(session, a.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="ombudsman")
    ref_a = referrals.make(session, a.uuid, "ombudsman", services=("legal_aid",))
    referrals.set_status(session, ref_a.uuid, RefStatus.ACCEPTED)
    referrals.set_status(session, ref_a.uuid, RefStatus.SERVICE_DELIVERED)
    child = {"child_assent": "The child agrees", "guardian": "Child protection"}  # b is 15
    consent.record(
        session, b.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="ombudsman", **child
    )
    referrals.make(session, b.uuid, "ombudsman", services=("legal_aid",))
    consent.record(session, a.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    consent.record(session, b.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN, **child)
    consent.record(session, c.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    consent.record(session, c.uuid, Purpose.LAW_ENFORCEMENT, State.WITHDRAWN, told=())
    recs = {
        k: case_assessments.latest(session, x.uuid).recommendation
        for k, x in dict(a=a, b=b, c=c, e=e).items()
    }
    against = sum(
        decisions.departs(dec, recs[k])
        for k, dec in (
            ("a", Decision.IDENTIFIED_VICTIM),
            ("b", Decision.POSSIBLE_VICTIM),
            ("e", Decision.NOT_VICTIM),
        )
    )
    return dict(a=a, b=b, c=c, d=d, e=e, recs=recs, against=against)


def _col(table, col):
    return {r: table.cells.get((r, col), 0) for r in table.rows if table.cells.get((r, col))}


def test_every_figure_and_breakdown_on_known_cases(session, known):
    assert known["recs"]["c"] in ("possible_victim", "presumed_victim")
    assert known["recs"]["e"] == "no_indication"
    s = compute(session)
    assert s.cases == 5
    assert (s.screened, s.possible, s.identified) == (4, 3, 1)
    assert s.share_identified == pytest.approx(0.25)
    assert s.median_days_to_decision == pytest.approx(4, abs=0.01)
    assert (s.referrals_made, s.referrals_accepted, s.services_delivered) == (2, 1, 1)
    assert s.adults_consenting_law_enforcement == 1
    assert s.decisions_against_recommendation == known["against"]
    b = s.breakdowns
    assert _col(b["sex"], "screened") == {"female": 3, "male": 1}
    assert _col(b["sex"], "identified") == {"female": 1}
    assert _col(b["age_group"], "screened") == {"12-17": 1, "18-25": 2, "36-45": 1}
    assert _col(b["age_group"], "possible") == {"12-17": 1, "18-25": 1, "36-45": 1}
    assert _col(b["exploitation_type"], "screened") == {
        "forced_labour": 3,
        "sexual_exploitation": 1,
        "unknown": 1,
    }
    assert _col(b["country"], "screened") == {"russia": 3, "kazakhstan": 1}
    assert _col(b["citizenship"], "screened") == {"unknown": 4}
    assert _col(b["region"], "screened") == {"osh": 2, "chuy": 1, "batken": 1}
    assert _col(b["region"], "identified") == {"osh": 1}
    assert _col(b["responder"], "screened") == {"supervisor": 3, "border_guard": 1}
    assert _col(b["responder"], "possible") == {"supervisor": 3}


def test_scope_filters_period_region_and_responder(session, known):
    today = datetime.now(UTC).date()
    s = compute(session, period_from=today - timedelta(days=5))
    assert s.cases == 4 and s.identified == 0 and s.screened == 3
    assert compute(session, period_to=today - timedelta(days=5)).cases == 1
    assert compute(session, region="osh").screened == 2
    g = compute(session, responder="border_guard")
    assert (g.cases, g.screened, g.possible) == (1, 1, 0)


def test_statistics_are_for_supervisors_only(session, known):
    officers.add_officer(session, "Police One", "police", "police-pass-1")
    police = session.vault.unlock("Police One", "police-pass-1")
    with pytest.raises(NotPermitted):
        compute(police)
    police.close()


def test_published_figures_hide_small_counts(session, known):
    pub = compute(session).published(5)
    assert pub.text("screened") == "<5" and pub.figure("identified") is None
    assert pub.share_identified is None and pub.median_days_to_decision is None
    for shown in pub.tables.values():
        assert not visible_small(shown) and not recoverable(shown)
    text = report.to_csv(pub).decode("utf-8-sig")
    assert not any(
        cell in {"1", "2", "3", "4"} for row in csv.reader(io.StringIO(text)) for cell in row[4:]
    )
    assert report.to_pdf(pub).startswith(b"%PDF")
    one = compute(session).published(1)
    assert one.text("screened") == "4" and one.share_identified == pytest.approx(0.25)


def _check(result):
    table = result.table
    for pos in table.members():
        value = table.value(pos)
        if pos not in result.hidden:
            assert not 0 < value < result.threshold, pos
    # Brute force: a hidden member is never total minus the visible members of a line.
    for line in table.lines():
        hidden = [p for p in line if p in result.hidden]
        for pos in hidden:
            others = [p for p in line if p != pos]
            assert any(p in result.hidden for p in others), (pos, line)


def test_one_way_suppression_adds_the_next_smallest():
    s = suppress(Table.one_way({"a": 3, "b": 20, "c": 7, "d": 0}), 5)
    assert s.hidden == {("a", "count"), ("c", "count")}
    assert s.text("a", "count") == "<5" and s.text("d", "count") == "0"
    assert s.text(TOTAL, "count") == "30"
    _check(s)
    s = suppress({"a": 3, "b": 2, "c": 50})
    assert s.hidden == {("a", "count"), ("b", "count")}
    s = suppress({"a": 9, "b": 50}, threshold=10)
    assert ("b", "count") in s.hidden


def test_two_way_suppression_is_never_recoverable():
    rng = random.Random(7)
    for trial in range(300):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        cells = {
            (r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 12, 30])
            for r, c in itertools.product(range(rows), range(cols))
        }
        threshold = rng.choice([3, 5, 10])
        table = Table(
            list(range(rows)),
            list(range(cols)),
            cells,
            row_totals=trial % 2 == 0,
            column_totals=True,
        )
        result = suppress(table, threshold)
        _check(result)
        assert recoverable(result) == [] and visible_small(result) == []


def _cli(data_dir, *args):
    return main(["--data", str(data_dir), "--officer", SUPERVISOR, "--lang", "en", *args])


def test_cli_stats_and_export(session, known, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    out_csv, out_pdf = tmp_path / "s.csv", tmp_path / "s.pdf"
    assert _cli(data_dir, "stats", "--csv", str(out_csv), "--pdf", str(out_pdf)) == 0
    printed = capsys.readouterr().out
    assert "Screened (cases with an interview): <5" in printed
    assert out_csv.exists() and out_pdf.read_bytes().startswith(b"%PDF")
    assert _cli(data_dir, "stats", "--threshold", "1") == 0
    assert "Identified victims: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "--from", "2026-13-01"),
        ("stats", "--from", "2026-02-01", "--to", "2026-01-01"),
        ("stats", "--region", "atlantis"),
        ("stats", "--threshold", "0"),
        ("stats", "--csv", "/no/such/folder/x.csv"),
    ],
)
def test_cli_failures_are_one_line(session, data_dir, monkeypatch, capsys, args):
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    assert _cli(data_dir, *args) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("idtool: ") and "\n" not in err


def test_demo_cases_count_only_when_asked(made_vault):
    from idtool import demo as demo_data
    from idtool.stats import compute
    from tests.conftest import SUPERVISOR, SUPERVISOR_PASS

    vault, _ = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        demo_data.generate(session, 8, seed=3)
        assert compute(session).screened == 0
        assert compute(session, demo=True).screened > 0
