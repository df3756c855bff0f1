"""Sync bundles: export and import of 10,000 cases with full interviews (~40 answers each),
each against its raw cost in the same run.

    .venv/bin/python benchmarks/sync_bench.py

- export (`export_cases`: journal, reading rows, CBOR, age, atomic write) vs the floor of the
  same work measured in the same run: a plain SELECT of the same rows, serialising the same
  records to CBOR (cbor2, plain) and age encryption (pyrage) of the very same payload bytes,
  summed. Goal <= 1.5x. (Earlier baselines left out the SELECT, then also the CBOR; each
  part of the floor is printed in the row.)
- import (`import_bundle` on the supervisor: checks, decrypt, apply, queues, log) vs a plain
  SQLCipher insert of the same rows in one transaction into an empty database. Goal <= 3x.

`bench_sync(tmp)` returns rows for benchmarks/run.py's table.
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

CASES = 10_000
ANSWERS = 40
PASS = "bench-pass-1"


def fill_interviews(session: Any, count: int, seed: int = 7) -> None:
    """Persons and cases (as in cases_bench), one completed interview each with ANSWERS answers."""
    from benchmarks.cases_bench import fill_cases
    from idtool import database

    fill_cases(session, count, seed)
    rng = random.Random(seed)
    officer, device = session.officer.uuid, session.device_id
    case_ids = [r[0] for r in session.conn.execute("SELECT uuid FROM cases ORDER BY rowid")]
    interviews, answers = [], []
    for case_uuid in case_ids:
        iv = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        interviews.append(
            (
                iv,
                case_uuid,
                "nrm-identification",
                "1",
                "ru",
                "completed",
                "",
                "2025-01-01T00:00:00+00:00",
                "2025-01-01T01:00:00+00:00",
                officer,
                device,
            )
        )
        for q in range(ANSWERS):
            value = json.dumps(
                rng.choice(
                    [
                        "yes",
                        "no",
                        "unsure",
                        24,
                        ["forced_labour"],
                        "Работала на швейной фабрике в Москве",
                    ]
                ),
                ensure_ascii=False,
            )
            answers.append((iv, f"q{q:02d}", value, "2025-01-01T00:30:00+00:00"))
    with database.transaction(session.conn):
        session.conn.executemany(
            "INSERT INTO interviews (uuid, case_uuid, form_id, form_version, language, state,"
            " current_section, started_at, completed_at, officer_uuid, device_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            interviews,
        )
        session.conn.executemany(
            "INSERT INTO answers (interview_uuid, question, value, updated_at) VALUES (?, ?, ?, ?)",
            answers,
        )


def _raw_insert(folder: Path, records: list[dict[str, Any]]) -> float:
    """Seconds to insert the same rows, plainly, in one transaction into a fresh vault."""
    from idtool import database, kdf
    from idtool.vault import Vault

    session, _ = Vault(folder, kdf_params=kdf.FAST_PARAMS).create("Raw", "supervisor", PASS)
    with session:
        by_table: dict[str, list[dict[str, Any]]] = {}
        for r in records:
            if r["table"] != "audit":
                by_table.setdefault(r["table"], []).append(r["row"])
        started = time.perf_counter()
        with database.transaction(session.conn):
            for table, rows in by_table.items():
                if table == "officers":  # as the importer stores them: no key slot
                    rows = [
                        {**r, "slot_id": None, "active": 0, "name_key": f"remote:{r['uuid']}"}
                        for r in rows
                    ]
                cols = list(rows[0])
                session.conn.executemany(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES"
                    f" ({', '.join('?' * len(cols))})",
                    [[r[c] for c in cols] for r in rows],
                )
        return time.perf_counter() - started


def measure(tmp: Path, count: int = CASES) -> dict[str, float]:
    import pyrage

    from idtool import kdf
    from idtool.bundle import encode_manifest, keys
    from idtool.sync import devices, enrol, export
    from idtool.sync.importer import import_bundle
    from idtool.vault import Vault

    sup, _ = Vault(tmp / "sup", kdf_params=kdf.FAST_PARAMS).create("Bench Sup", "supervisor", PASS)
    dev, _ = Vault(tmp / "dev", kdf_params=kdf.FAST_PARAMS).create("Bench Dev", "police", PASS)
    request = enrol.accept_enrolment(dev, enrol.create_enrolment(sup))
    import_bundle(dev, enrol.approve(sup, request, tmp / "update.idtb"))
    fill_interviews(dev, count)
    out = tmp / "usb"
    out.mkdir()

    started = time.perf_counter()
    path = export.export_cases(dev, out)
    export_s = time.perf_counter() - started

    records, _ = export.changed_records(dev.conn, 0)
    audit, _head = export.audit_records(dev.conn, 0)
    fields = {
        "bundle_id": str(uuid.uuid4()),
        "kind": "case",
        "sender": dev.device_id,
        "sequence": 1,
    }
    payload = encode_manifest(fields, records + audit)
    import cbor2

    started = time.perf_counter()
    cbor2.dumps({**fields, "records": records + audit})
    cbor_s = time.perf_counter() - started
    started = time.perf_counter()  # a plain read of the same rows
    for name in {r["table"] for r in records}:
        dev.conn.execute(f"SELECT * FROM {name}").fetchall()
    dev.conn.execute("SELECT * FROM audit").fetchall()
    read_s = time.perf_counter() - started
    recipients = [
        keys.recipient(devices.supervisor(dev.conn).age_recipient),
        keys.recipient(devices.own_device(dev.conn, devices.DeviceRole.DEVICE).age_recipient),
    ]
    started = time.perf_counter()
    pyrage.encrypt(payload, recipients)
    age_s = time.perf_counter() - started

    started = time.perf_counter()
    report = import_bundle(sup, path)
    import_s = time.perf_counter() - started
    assert report.quarantined == 0, report.to_json()
    raw_s = _raw_insert(tmp / "raw", records)
    dev.close()
    sup.close()
    return {
        "export_s": export_s,
        "age_s": age_s,
        "cbor_s": cbor_s,
        "read_s": read_s,
        "import_s": import_s,
        "raw_s": raw_s,
        "records": len(records),
        "payload_mb": len(payload) / 1e6,
    }


def bench_sync(tmp: Path) -> list:
    from benchmarks.run import Row

    m = measure(tmp)
    export_raw = m["read_s"] + m["cbor_s"] + m["age_s"]
    export_ok = m["export_s"] <= 1.5 * export_raw
    import_ok = m["import_s"] <= 3 * m["raw_s"]
    return [
        Row(
            f"sync export, {CASES:,} cases ({m['payload_mb']:.0f} MB)",
            "<= 1.5x SELECT + CBOR + age",
            m["export_s"],
            "s",
            export_raw,
            f"same run, same rows: plain SELECT {m['read_s']:.2f} s + cbor2"
            f" {m['cbor_s']:.2f} s + pyrage encrypt {m['age_s']:.2f} s",
            export_ok,
        ),
        Row(
            f"sync import, {int(m['records']):,} records",
            "<= 3x raw insert",
            m["import_s"],
            "s",
            m["raw_s"],
            "SQLCipher insert, one transaction",
            import_ok,
        ),
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="idtool-sync-bench-") as name:
        for row in bench_sync(Path(name)):
            print(
                f"{row.name}: {row.measured:.2f} {row.unit} vs {row.baseline:.2f}"
                f" ({row.baseline_name}) ratio {row.ratio} goal {row.goal}"
                f" {'ok' if row.ok else 'MISSED'}"
            )
