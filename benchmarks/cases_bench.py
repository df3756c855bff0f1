"""Case list with 100,000 cases: open, filter keystroke by keystroke, peak memory.

    .venv/bin/python benchmarks/cases_bench.py        # prints the rows on their own

`bench_case_list(tmp)` is what `benchmarks/run.py` calls. The database is filled by a bulk
INSERT in one transaction (the demo generator runs whole interviews and is far too slow for
100,000 cases); the measuring runs in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CASES = 100_000
OFFICER = "Bench Supervisor"
PASSPHRASE = "bench-pass-1"
TYPED = ("Айгүл Өмүрбекова", "aigul omurbekova")

GIVEN_F = [
    "Айгүл",
    "Жылдыз",
    "Чолпон",
    "Нургүл",
    "Бермет",
    "Асел",
    "Гүлнара",
    "Айпери",
    "Мээрим",
    "Назгүл",
    "Динара",
    "Элнура",
    "Айжан",
    "Каныкей",
    "Бегимай",
    "Сезим",
]
GIVEN_M = [
    "Бакыт",
    "Нурлан",
    "Эрлан",
    "Азамат",
    "Тилек",
    "Марат",
    "Улан",
    "Дастан",
    "Бекжан",
    "Эрмек",
    "Темирлан",
    "Нурбек",
    "Адилет",
    "Санжар",
    "Мирлан",
    "Таалай",
]
FAMILY = [
    "Өмүрбеков",
    "Садыров",
    "Токтогулов",
    "Абдыкадыров",
    "Жумабеков",
    "Асанов",
    "Мамытов",
    "Иманалиев",
    "Кадыров",
    "Турдубаев",
    "Осмонов",
    "Бообеков",
    "Үсөнов",
    "Эсенгулов",
    "Сыдыков",
    "Ниязбеков",
    "Орозбаев",
    "Качкынбаев",
    "Кыдыралиев",
]
LATIN_F = ["Aigul", "Jyldyz", "Cholpon", "Nurgul", "Bermet", "Asel", "Gulnara", "Aiperi"]
LATIN_M = ["Bakyt", "Nurlan", "Erlan", "Azamat", "Tilek", "Marat", "Ulan", "Dastan"]
LATIN_FAMILY = ["Omurbekov", "Sadyrov", "Toktogulov", "Abdykadyrov", "Zhumabekov", "Asanov"]
REGION_CODES = [
    "bishkek",
    "osh_city",
    "batken",
    "jalal_abad",
    "issyk_kul",
    "naryn",
    "osh",
    "talas",
    "chuy",
]
STATUSES = (
    ["possible"] * 5
    + ["identified"] * 2
    + ["not_identified", "needs_information", "referred", "closed"]
)


def person_name(rng: random.Random) -> tuple[str, str]:
    """A plausible full name (about one in ten written in Latin letters) and its sex."""
    sex = rng.choice(("female", "male"))
    if rng.random() < 0.1:
        given = rng.choice(LATIN_F if sex == "female" else LATIN_M)
        family = rng.choice(LATIN_FAMILY) + ("a" if sex == "female" else "")
    else:
        given = rng.choice(GIVEN_F if sex == "female" else GIVEN_M)
        family = rng.choice(FAMILY) + ("а" if sex == "female" else "")
    return f"{given} {family}", sex


def fill_cases(session: Any, count: int, seed: int = 2026) -> None:
    """Insert `count` persons and cases in one transaction, straight into the tables."""
    from idtool import database
    from idtool.names import identity_key

    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    step = (datetime(2026, 1, 1, tzinfo=UTC) - start) / max(count, 1)
    prefix = f"{session.device_id[:4].upper()}-BULK-"
    device, officer = session.device_id, session.officer.uuid
    persons, cases_rows = [], []
    for n in range(count):
        name, sex = person_name(rng)
        born = (datetime(1960, 1, 1) + timedelta(days=rng.randint(0, 22_000))).date()
        person_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        persons.append((person_uuid, name, sex, born.isoformat(), identity_key(name), device))
        opened = (start + step * n).isoformat(timespec="seconds")
        cases_rows.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                f"{prefix}{n + 1:06d}",
                person_uuid,
                rng.choice(STATUSES),
                rng.choice(REGION_CODES),
                opened,
                officer,
                int(rng.random() < 0.05),
                device,
            )
        )
    with database.transaction(session.conn):
        session.conn.executemany(
            "INSERT INTO persons (uuid, full_name, sex, birth_date, name_key, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            persons,
        )
        session.conn.executemany(
            "INSERT INTO cases (uuid, number, person_uuid, status, region, opened_at,"
            " officer_uuid, review, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cases_rows,
        )


def make_database(folder: Path, count: int = CASES) -> float:
    """A vault with `count` cases; returns the seconds the bulk insert took."""
    from idtool import kdf
    from idtool.vault import Vault

    session, _code = Vault(folder, kdf_params=kdf.FAST_PARAMS).create(
        OFFICER, "supervisor", PASSPHRASE
    )
    with session:
        started = time.perf_counter()
        fill_cases(session, count)
        return time.perf_counter() - started


# -- the child processes -----------------------------------------------------------------------
def _probe_bare() -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    window = QWidget()
    window.show()
    app.processEvents()
    return {"maxrss_kb": _maxrss_kb()}


def _probe_list(folder: Path) -> dict[str, object]:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from idtool import case_list
    from idtool.vault import Vault
    from ui.cases.list_page import CaseListPage

    session = Vault(folder).unlock(OFFICER, PASSPHRASE)
    opens = []
    page = None
    for _round in range(5):
        if page is not None:
            page.close()
            page.deleteLater()
            app.processEvents()
        started = time.perf_counter()
        page = CaseListPage(session)
        page.resize(1000, 700)
        page.show()
        app.processEvents()
        opens.append(time.perf_counter() - started)
    assert page is not None
    keystrokes = []
    for typed in TYPED:
        page.search.clear()
        page.apply_filter()
        for n in range(1, len(typed) + 1):
            started = time.perf_counter()
            page.search.setText(typed[:n])
            page.apply_filter()
            app.processEvents()
            keystrokes.append(time.perf_counter() - started)
        found = page.model.total
    # Same-run baselines on the same encrypted database, without model or widgets.
    base_open = []
    for _round in range(5):
        started = time.perf_counter()
        session.conn.execute("SELECT count(*) FROM cases").fetchone()
        session.conn.execute(
            "SELECT uuid, number, opened_at, status, region FROM cases"
            " ORDER BY opened_at DESC LIMIT 200"
        ).fetchall()
        base_open.append(time.perf_counter() - started)
    base_keys = []
    from idtool.names import identity_key

    for typed in TYPED:
        for n in range(1, len(typed) + 1):
            key = identity_key(typed[:n])
            started = time.perf_counter()
            session.conn.execute(
                "SELECT count(*) FROM persons WHERE name_key LIKE ?", (f"%{key}%",)
            ).fetchone()
            base_keys.append(time.perf_counter() - started)
    count = case_list.CaseQuery().count(session)
    return {
        "first_open_ms": opens[0] * 1000,
        "open_ms": statistics.median(opens) * 1000,
        "keys_ms": [k * 1000 for k in keystrokes],
        "found": found,
        "cases": count,
        "base_open_ms": statistics.median(base_open) * 1000,
        "base_keys_ms": [k * 1000 for k in base_keys],
        "maxrss_kb": _maxrss_kb(),
    }


def _maxrss_kb() -> float:
    """This process's peak resident memory in KiB.

    On Linux `ru_maxrss` keeps the high-water mark of the process image that ran `exec` (a
    child spawned by a big parent starts at the parent's peak), so the kernel's per-image
    VmHWM is read where it exists; ru_maxrss elsewhere.
    """
    import resource

    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform == "darwin" else float(peak)  # macOS counts bytes


def _run_probe(*args: str) -> dict[str, Any]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        IDTOOL_KDF="fast",
    )
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_case_list(tmp: Path) -> list:
    from benchmarks.run import Row

    folder = tmp / "cases100k"
    insert_s = make_database(folder)
    _run_probe("bare")  # warm the file cache for both
    bare = _run_probe("bare")
    probe = _run_probe("list", str(folder))
    keys = probe["keys_ms"]
    worst, median = max(keys), statistics.median(keys)
    base_keys = probe["base_keys_ms"]
    peak_mb = probe["maxrss_kb"] / 1024
    bare_mb = bare["maxrss_kb"] / 1024
    print(
        f"  ({probe['cases']:,} cases inserted in {insert_s:.1f} s; first open "
        f"{probe['first_open_ms']:.1f} ms; last filter found {probe['found']})",
        file=sys.stderr,
    )
    return [
        Row(
            "case list open (100,000 cases, first page shown)",
            "<= 100 ms",
            probe["open_ms"],
            "ms",
            probe["base_open_ms"],
            "count + first page in SQL",
            probe["open_ms"] <= 100,
        ),
        Row(
            "filter 100,000 cases by typed name: worst keystroke",
            "<= 100 ms",
            worst,
            "ms",
            max(base_keys),
            "worst name_key LIKE count",
            worst <= 100,
        ),
        Row(
            "filter 100,000 cases by typed name: median keystroke",
            "<= 100 ms",
            median,
            "ms",
            statistics.median(base_keys),
            "median name_key LIKE count",
            median <= 100,
        ),
        Row(
            "peak memory, case list with 100,000 cases",
            "<= 300 MB",
            peak_mb,
            "MB",
            bare_mb,
            "bare PySide6 window",
            peak_mb <= 300,
        ),
    ]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        print(json.dumps(_probe_bare()))
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "list":
        print(json.dumps(_probe_list(Path(sys.argv[2]))))
        return 0
    import tempfile

    from benchmarks.run import print_table

    with tempfile.TemporaryDirectory(prefix="idtool-cases-bench-") as tmp:
        print_table(bench_case_list(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
