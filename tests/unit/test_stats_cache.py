"""The statistics' per-case facts cache (migration 9) always equals a recomputation."""

from __future__ import annotations

import random

from idtool import ages, cases, consent, decisions, interviews
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.stats import compute
from idtool.stats.facts import refresh
from tests.support.cases import NONE, STRONG, screen


def _cached(conn):
    return sorted(conn.execute("SELECT * FROM stats_case_facts").fetchall())


def _recomputed(conn):
    conn.execute("INSERT OR IGNORE INTO stats_dirty (case_uuid) SELECT uuid FROM cases")
    refresh(conn)
    return _cached(conn)


def _sexes(session):
    return {r for r, _c in compute(session).breakdowns["sex"].cells} & {"male", "female"}


def test_figures_follow_every_kind_of_change(session):
    case = cases.open_case(session, full_name="Тест Кэш", region="osh")
    first = compute(session)
    assert (first.cases, first.screened) == (1, 0)
    assert refresh(session.conn) == 0  # nothing changed: nothing recomputed, nothing written

    screen(session, case.uuid, STRONG)
    s = compute(session)
    assert s.screened == 1 and s.identified == 0
    sex = {r for r, _c in s.breakdowns["sex"].cells}
    assert "female" in sex

    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM, "reason for the test")
    assert compute(session).identified == 1

    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    assert compute(session).adults_consenting_law_enforcement == 1
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.WITHDRAWN, told=())
    assert compute(session).adults_consenting_law_enforcement == 0

    # A later interview's answer wins; editing it again is seen too.
    later = screen(session, case.uuid, dict(STRONG, sex="male"), complete=False)
    assert _sexes(session) == {"male"}
    interviews.save_answer(session, later, "sex", "female")
    assert _sexes(session) == {"female"}


def test_cache_equals_a_recomputation_after_random_work(session):
    rng = random.Random(9)
    made: list = []
    open_ivs: list = []
    for step in range(60):
        op = rng.choice(["case", "interview", "answer", "decide", "consent", "stats"])
        if op == "case" or not made:
            made.append(
                cases.open_case(
                    session, full_name=f"Тест {step}", region=rng.choice(["osh", "chuy", "batken"])
                )
            )
        elif op == "interview":
            answers = dict(
                rng.choice([STRONG, NONE]),
                sex=rng.choice(["male", "female"]),
                age_now=rng.randint(10, 60),
            )
            done = rng.random() < 0.7
            iv = screen(session, rng.choice(made).uuid, answers, complete=done)
            if not done:
                open_ivs.append(iv)
        elif op == "answer" and open_ivs:
            interviews.save_answer(
                session,
                rng.choice(open_ivs),
                "sex",  # a question of the screening form that the figures count
                rng.choice(["male", "female"]),
            )
        elif op == "decide":
            case = rng.choice(made)
            if interviews.for_case(session, case.uuid):
                decisions.record(
                    session,
                    case.uuid,
                    rng.choice([Decision.POSSIBLE_VICTIM, Decision.NOT_VICTIM]),
                    "reason for the test",
                )
        elif op == "consent":
            case = rng.choice(made)
            child = ages.child_now(session, case.uuid)  # a child's assent, and who took part
            consent.record(
                session,
                case.uuid,
                Purpose.LAW_ENFORCEMENT,
                rng.choice([State.GIVEN, State.REFUSED]),
                child_assent="The child agrees" if child else "",
                guardian="Child protection" if child else "",
            )
        else:
            compute(session)
    compute(session)
    assert _cached(session.conn) == _recomputed(session.conn)
    assert len(_cached(session.conn)) == len(made)


def test_imported_cases_are_counted_and_the_cache_is_never_sent(tmp_path):
    from idtool import demo
    from idtool.sync import export
    from idtool.sync.importer import import_bundle
    from tests.support.sync import make_world

    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    demo.generate(dev, 3, seed=5)
    refresh(dev.conn)  # the device's own cache is filled, then more work follows
    demo.generate(dev, 2, seed=6)
    bundle = export.export_cases(dev, w.out)
    import_bundle(w.sup, bundle)
    sup = w.sup.conn
    assert compute(w.sup, demo=True).cases == 5
    assert _cached(sup) == _recomputed(sup)
    sent = {r[0] for r in dev.conn.execute("SELECT DISTINCT tbl FROM sync_changes")}
    assert sent and not sent & {"stats_case_facts", "stats_dirty"}
