"""Performance suite: prints goal, measured value, same-run baseline and ratio for each row.

    .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --only sync     # the rows of one benchmark
    .venv/bin/python benchmarks/run.py --list          # the names --only takes

Not part of the test run: timings are measured and reported here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    name: str
    goal: str
    measured: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> str:
        if self.baseline:
            return f"{self.measured / self.baseline:.2f}"
        return "-"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_startup(tmp: Path) -> Row:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        IDTOOL_KDF="fast",
        IDTOOL_CONFIG=str(tmp / "config"),
    )
    from idtool import kdf
    from idtool.vault import Vault

    data = tmp / "startup"
    Vault(data, kdf_params=kdf.FAST_PARAMS).create("Bench", "supervisor", "bench-pass-1")[0].close()
    probe = ROOT / "benchmarks" / "startup_probe.py"

    def run(*args: str) -> None:
        subprocess.run(
            [sys.executable, str(probe), *args],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )

    run("bare")
    run("app", str(data))  # warm the file cache for both
    bare = median_time(lambda: run("bare"), 7)
    app = median_time(lambda: run("app", str(data)), 7)
    return Row(
        "start-up to unlock window",
        "ratio <= 1.5",
        app * 1000,
        "ms",
        bare * 1000,
        "bare PySide6 window",
        app / bare <= 1.5,
    )


def bench_db_open(tmp: Path) -> list[Row]:
    from idtool import database

    key = os.urandom(32)
    path = tmp / "open.db"
    conn = database.connect(path, key, create=True)
    conn.execute("CREATE TABLE t (a)")
    conn.close()

    def open_close() -> None:
        database.connect(path, key).close()

    open_close()
    measured = median_time(open_close, 50)
    import sqlite3

    plain = tmp / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (a)").connection.close()

    def plain_open() -> None:
        c = sqlite3.connect(plain)
        c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        c.close()

    baseline = median_time(plain_open, 50)
    return [
        Row(
            "database open with raw key",
            "< 5 ms",
            measured * 1000,
            "ms",
            baseline * 1000,
            "plain sqlite3 open",
            measured < 0.005,
        )
    ]


def bench_kdf() -> Row:
    from idtool import kdf

    saved = os.environ.pop("IDTOOL_KDF", None)
    try:
        params = kdf.calibrate()
    finally:
        if saved is not None:
            os.environ["IDTOOL_KDF"] = saved
    measured = median_time(lambda: kdf.derive(b"passphrase", kdf.new_salt(), params), 3)
    row = Row(
        f"Argon2id unlock (t={params.time_cost}, m={params.memory_kib // 1024} MiB, "
        f"p={params.parallelism})",
        "0.5-1 s",
        measured * 1000,
        "ms",
        ok=0.4 <= measured <= 1.2,
    )
    return row


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "goal", "measured", "baseline", "ratio", "met")
    lines = [header]
    for r in rows:
        base = f"{r.baseline:.2f} {r.unit} ({r.baseline_name})" if r.baseline else "-"
        met = "-" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append((r.name, r.goal, f"{r.measured:.2f} {r.unit}", base, r.ratio, met))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _extras() -> dict[str, Callable[[Path], list[Row]]]:
    from benchmarks.bundle_bench import bench_bundle_container
    from benchmarks.cases_bench import bench_case_list
    from benchmarks.certificate_bench import bench_certificate
    from benchmarks.flow_bench import bench_flow
    from benchmarks.referral_bench import bench_referral_packet
    from benchmarks.stats_bench import bench_stats
    from benchmarks.sync_bench import bench_sync
    from benchmarks.wizard_bench import bench_wizard_page_changes

    return {
        "wizard": bench_wizard_page_changes,
        "flow": bench_flow,
        "cases": bench_case_list,
        "certificate": bench_certificate,
        "referral": bench_referral_packet,
        "bundle": bench_bundle_container,
        "sync": bench_sync,
        "stats": bench_stats,
    }


BENCHMARKS: dict[str, Callable[[Path], list[Row]]] = {
    "startup": lambda tmp: [bench_startup(tmp)],
    "db_open": bench_db_open,
    "kdf": lambda _tmp: [bench_kdf()],
}


def main(argv: list[str] | None = None) -> int:
    benchmarks = {**BENCHMARKS, **_extras()}
    parser = argparse.ArgumentParser(description="idtool performance suite")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="print the benchmark names")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(benchmarks))
        return 0
    chosen = args.only or list(benchmarks)
    unknown = [name for name in chosen if name not in benchmarks]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; one of: {', '.join(benchmarks)}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="idtool-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for name in chosen:
            sub = tmp / name
            sub.mkdir()
            rows += benchmarks[name](sub)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
