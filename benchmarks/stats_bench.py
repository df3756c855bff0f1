"""NRM statistics over 100,000 cases (goal: under 1 s).

The statistics count a per-case facts cache that triggers mark stale (migration 9); the first
run after a bulk load builds it for every case, and is shown on its own row.

    .venv/bin/python benchmarks/stats_bench.py        # prints the rows on their own

`bench_stats(tmp)` is what `benchmarks/run.py` can call. Cases are bulk-inserted as in
`cases_bench.fill_cases`, each with a completed screening interview and its answers, an
assessment, for most a decision and for some a referral.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cases_bench import OFFICER, PASSPHRASE, fill_cases  # noqa: E402
from benchmarks.common import run_module  # noqa: E402

CASES = 100_000
TYPES = ["forced_labour", "sexual_exploitation", "forced_begging", "forced_marriage", "unknown"]
COUNTRIES = ["russia", "kazakhstan", "turkiye", "uae", "south_korea", "kyrgyzstan", "unknown"]
CITIZENSHIP = ["kyrgyzstan", "uzbekistan", "tajikistan", "unknown"]
RECS = ["presumed_victim", "possible_victim", "no_indication"]
DECISIONS = {
    "presumed_victim": "identified_victim",
    "possible_victim": "possible_victim",
    "no_indication": "not_victim",
}


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def fill_answers(session: Any, seed: int = 7) -> None:
    """Give every case a screening interview with answers, an assessment, a decision for
    80 %, a referral for 20 % and a law-enforcement consent for 30 %."""
    from idtool import database

    rng = random.Random(seed)
    dev, off = session.device_id, session.officer.uuid
    rows = session.conn.execute("SELECT uuid, opened_at FROM cases").fetchall()
    ivs, ans, sas, decs, refs, evs, cons = [], [], [], [], [], [], []
    for case_uuid, opened in rows:
        iv = _uid(rng)
        ivs.append(
            (
                iv,
                case_uuid,
                "nrm-screening",
                "1",
                "ru",
                "completed",
                "profile",
                opened,
                opened,
                off,
                dev,
            )
        )
        age = rng.randint(8, 60)
        for q, v in (
            ("sex", rng.choice(["female", "female", "male"])),
            ("age_now", age),
            ("under_18_at_exploitation", "yes" if age < 18 else "no"),
            ("citizenship", rng.choice(CITIZENSHIP)),
            ("exploitation_country", rng.choice(COUNTRIES)),
            ("exploitation_type", rng.sample(TYPES[:4], rng.randint(1, 2))),
            ("debt", "yes"),
            ("not_free", "no"),
            ("documents_taken", "yes"),
        ):
            ans.append((iv, q, json.dumps(v), opened))
        rec = rng.choice(RECS)
        sa = _uid(rng)
        sas.append((sa, case_uuid, iv, "1", rec, json.dumps({"child": age < 18}), opened, dev))
        if rng.random() < 0.8:
            against = rng.random() < 0.1
            decision = "not_victim" if against else DECISIONS[rec]
            decs.append(
                (
                    _uid(rng),
                    case_uuid,
                    sa,
                    decision,
                    rec,
                    int(against),
                    "",
                    off,
                    opened[:8] + f"{rng.randint(10, 28):02d}" + opened[10:],
                    dev,
                )
            )
        if rng.random() < 0.2:
            ref = _uid(rng)
            refs.append(
                (
                    ref,
                    case_uuid,
                    "ombudsman",
                    "[]",
                    "routine",
                    "consent",
                    "[]",
                    "accepted",
                    off,
                    opened,
                    dev,
                )
            )
            evs.append((_uid(rng), ref, "accepted", opened, off, dev))
        if rng.random() < 0.3:
            cons.append((_uid(rng), case_uuid, "law_enforcement", "given", "[]", off, opened, dev))
    with database.transaction(session.conn):
        c = session.conn
        c.executemany(
            "INSERT INTO interviews (uuid, case_uuid, form_id, form_version,"
            " language, state, current_section, started_at, completed_at,"
            " officer_uuid, device_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ivs,
        )
        c.executemany(
            "INSERT INTO answers (interview_uuid, question, value, updated_at) VALUES (?,?,?,?)",
            ans,
        )
        c.executemany(
            "INSERT INTO assessments (uuid, case_uuid, interview_uuid,"
            " rules_version, recommendation, result, created_at, device_id)"
            " VALUES (?,?,?,?,?,?,?,?)",
            sas,
        )
        c.executemany(
            "INSERT INTO decisions (uuid, case_uuid, assessment_uuid, decision,"
            " recommendation, against_recommendation, reason, officer_uuid,"
            " decided_at, device_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            decs,
        )
        c.executemany(
            "INSERT INTO referrals (uuid, case_uuid, recipient_id, services,"
            " urgency, legal_basis, fields, status, officer_uuid, created_at,"
            " device_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            refs,
        )
        c.executemany(
            "INSERT INTO referral_events (uuid, referral_uuid, status, at,"
            " officer_uuid, device_id) VALUES (?,?,?,?,?,?)",
            evs,
        )
        c.executemany(
            "INSERT INTO consents (uuid, case_uuid, purpose, state, told,"
            " officer_uuid, recorded_at, device_id) VALUES (?,?,?,?,?,?,?,?)",
            cons,
        )


def _touch(session: Any, n: int) -> int:
    """Give `n` cases a new decision (as a day's import might), so their facts change."""
    from idtool import database

    rows = session.conn.execute(
        "SELECT c.uuid, a.uuid, a.recommendation FROM cases c"
        " JOIN assessments a ON a.case_uuid = c.uuid LIMIT ?",
        (n,),
    ).fetchall()
    rng = random.Random(3)
    with database.transaction(session.conn):
        session.conn.executemany(
            "INSERT INTO decisions (uuid, case_uuid, assessment_uuid, decision, recommendation,"
            " against_recommendation, reason, officer_uuid, decided_at, device_id)"
            " VALUES (?,?,?,'needs_information',?,0,'',?,'2026-11-01T10:00:00+00:00',?)",
            [(_uid(rng), c, a, rec, session.officer.uuid, session.device_id) for c, a, rec in rows],
        )
    return len(rows)


def bench_stats(tmp: Path) -> list:
    from idtool import kdf
    from idtool.stats import compute
    from idtool.vault import Vault

    run = run_module()
    folder = tmp / "stats100k"
    session, _code = Vault(folder, kdf_params=kdf.FAST_PARAMS).create(
        OFFICER, "supervisor", PASSPHRASE
    )
    with session:
        started = time.perf_counter()
        fill_cases(session, CASES)
        fill_answers(session)
        filled = time.perf_counter() - started
    session = Vault(folder).unlock(OFFICER, PASSPHRASE)
    with session:
        # The first statistics rebuild the per-case facts cache of every (new) case.
        rebuild = run.median_time(lambda: compute(session), 1)
        touched = _touch(session, 1000)
        changed = run.median_time(lambda: compute(session), 1)
        compute(session)  # warm the page cache
        full = run.median_time(lambda: compute(session), 3)
        year = run.median_time(lambda: compute(session, "2025-01-01", "2025-12-31"), 3)
        pub = run.median_time(lambda: compute(session).published(5), 1)
        base = run.median_time(
            lambda: session.conn.execute(
                "SELECT count(*), count(DISTINCT a.interview_uuid) FROM answers a"
            ).fetchone(),
            5,
        )
        stats = compute(session)
    print(
        f"  ({CASES:,} cases filled in {filled:.1f} s; screened {stats.screened:,}, "
        f"identified {stats.identified:,})",
        file=sys.stderr,
    )
    return [
        run.Row(
            "statistics, first run: facts cache of 100,000 new cases built",
            "-",
            rebuild * 1000,
            "ms",
            None,
            "",
            None,
        ),
        run.Row(
            f"statistics after {touched:,} cases changed (cache refreshed)",
            "< 1 s",
            changed * 1000,
            "ms",
            None,
            "",
            changed < 1.0,
        ),
        run.Row(
            "statistics over 100,000 cases",
            "< 1 s",
            full * 1000,
            "ms",
            base * 1000,
            "count the answers table",
            full < 1.0,
        ),
        run.Row(
            "statistics, one year of 100,000 cases",
            "< 1 s",
            year * 1000,
            "ms",
            None,
            "",
            year < 1.0,
        ),
        run.Row(
            "statistics + suppression of every table",
            "< 1 s",
            pub * 1000,
            "ms",
            None,
            "",
            pub < 1.0,
        ),
    ]


def main() -> int:
    import tempfile

    run = run_module()
    with tempfile.TemporaryDirectory(prefix="idtool-stats-bench-") as tmp:
        run.print_table(bench_stats(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
