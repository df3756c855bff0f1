"""Backup and restore under kills and on a full disk.

- kill loop: a child backs up and restores again and again and is killed (SIGKILL) at a
  random moment. Afterwards: the source database unlocks and verifies; every backup file under
  its final name restores and verifies (the one in flight may be missing, never half written);
  every restore folder either holds no database (and a new restore into it works) or a whole
  one that unlocks, verifies and holds the same cases; snapshots a kill left in the data
  folder are gone after the next backup.
- full disk: a backup or restore under a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: EFBIG)
  below the size of the snapshot, of the backup file, or of the restored database: each must
  end in a StorageError (one translated line), with no file left under a final name, no
  database in the restore folder, the source unchanged, and a backup afterwards working.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from idtool import demo, kdf
from idtool.errors import IdtoolError
from idtool.vault import Vault
from reliability.common import Check, Result, rounds
from reliability.killing import (
    FULL_ROUNDS,
    SUPERVISOR,
    SUPERVISOR_PASS,
    WORKERS,
    Tally,
    check_store,
    child_env,
    kill_delay,
    run_and_kill,
)


def _cases_digest(vault: Vault) -> str:
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        rows = session.conn.execute("SELECT uuid, number, version FROM cases ORDER BY uuid")
        return json.dumps(rows.fetchall())


def _source(workdir: Path, cases: int) -> Vault:
    vault = Vault(workdir / "data", kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create(SUPERVISOR, "supervisor", SUPERVISOR_PASS)
    with session:
        demo.generate(session, cases, seed=4242)
    return vault


def _restored_ok(folder: Path, expected: str) -> list[str]:
    target = Vault(folder, kdf_params=kdf.FAST_PARAMS)
    try:
        with target.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
            problems = check_store(session)
            if session.audit_findings:
                problems.append(f"audit findings after restore: {session.audit_findings}")
    except IdtoolError as exc:
        return [f"restored folder does not unlock: {type(exc).__name__}"]
    if _cases_digest(target) != expected:
        problems.append("restored cases differ")
    return problems


def check_kill_loop(workdir: Path, scale: float) -> Result:
    from idtool import backup

    result = Result("kill loop: backup and restore")
    rng = random.Random(2026_12_05)
    vault = _source(workdir, 6)
    expected = _cases_digest(vault)
    out, targets = workdir / "out", workdir / "targets"
    out.mkdir()
    targets.mkdir()
    env = child_env(workdir)
    tally = Tally()
    made = restored = cut = 0
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        sample = backup.create_backup(session, workdir).path
    for round_no in range(rounds(FULL_ROUNDS // 4, scale)):
        delay, early = kill_delay(rng, 1.5)
        killed = run_and_kill(
            "backup.py",
            {
                "mode": "loop",
                "folder": str(vault.folder),
                "officer": SUPERVISOR,
                "passphrase": SUPERVISOR_PASS,
                "out": str(out),
                "targets": str(targets),
                "round": round_no,
            },
            env,
            delay,
            early,
        )
        result.rounds += 1
        problems = [killed.error] if killed.error else []
        acked_files: set[str] = set()
        begun_targets: dict[int, str] = {}
        acked_restores: set[int] = set()
        last = "start-up"
        for line in killed.lines:
            if line == "ready":
                continue
            step, n, *rest = json.loads(line)
            last = step
            if step == "ack-backup":
                acked_files.add(rest[0])
            elif step == "begin-restore":
                begun_targets[n] = rest[0]
            elif step == "ack-restore":
                acked_restores.add(n)
        tally.phases[last] += 1
        try:
            with tally.unlock(vault, SUPERVISOR, SUPERVISOR_PASS, round_no) as session:
                problems += check_store(session)
        except IdtoolError as exc:
            problems.append(f"source does not unlock: {type(exc).__name__}")
        missing = acked_files - {str(p) for p in out.glob("*.idbk")}
        if missing:
            problems.append(f"{len(missing)} acknowledged backup(s) missing")
        for path in sorted(out.glob("*.idbk")):  # under a final name: whole, always
            probe = workdir / f"probe-{round_no}-{path.stem}"
            try:
                backup.restore_backup(path, probe, officer=SUPERVISOR, passphrase=SUPERVISOR_PASS)
            except IdtoolError as exc:
                problems.append(f"backup {path.name} does not restore: {exc.message}")
                continue
            problems += _restored_ok(probe, expected)
            path.unlink()  # checked: keep the folder small
            made += 1
        for n, target in begun_targets.items():
            folder = Path(target)
            if Vault(folder).exists():
                problems += _restored_ok(folder, expected)
                restored += 1
            elif n in acked_restores:
                problems.append(f"restore {n} acknowledged but no database in {folder.name}")
            else:  # cut short: no database there, and the folder takes a new restore
                try:
                    backup.restore_backup(
                        sample,
                        folder,
                        officer=SUPERVISOR,
                        passphrase=SUPERVISOR_PASS,
                    )
                except IdtoolError as exc:
                    problems.append(f"a cut restore blocks a new one: {exc.message}")
                else:
                    problems += _restored_ok(folder, expected)
                    cut += 1
        stale = {
            p.name.removesuffix("-wal").removesuffix("-shm").removesuffix("-journal")
            for p in Path(vault.folder).glob(".backup-snapshot-*")
        }
        if len(stale) > 1:  # the last kill's may stay until the next backup
            problems.append(f"{len(stale)} snapshots left in the data folder")
        if problems:
            result.fail(f"round {round_no}: " + "; ".join(problems[:3]))
    result.worst = (
        f"{made} backups, {restored} restores and {cut} restores cut short then redone"
        f" checked; {tally.summary()}"
    )
    return result


def _fsize(args: dict[str, object], env: dict[str, str]) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, str(WORKERS / "backup.py"), json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    try:
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"raised": f"child failed ({proc.returncode})", "message": proc.stderr[-200:]}


def check_full_disk(workdir: Path, scale: float) -> Result:
    from idtool import backup

    result = Result("full disk: backup and restore")
    vault = _source(workdir, 10)
    env = child_env(workdir)
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        sample = backup.create_backup(session, workdir).path
    before = _cases_digest(vault)  # each child's unlock adds to the audit log, nothing else
    size = sample.stat().st_size
    # Below the snapshot, inside the header, a quarter, half, the last bytes of the file; a
    # restore writes the database (a little smaller than the file): the same but the last.
    limits = [0, 100, size // 4, size // 2, size - 200]
    limits = limits[: max(2, rounds(len(limits), scale * 50))]
    worst = ""
    for n, limit in enumerate(limits):
        for op in ("backup", "restore"):
            out = workdir / f"{op}-{n}"
            out.mkdir()
            if op == "restore" and limit > size - 8192:
                continue  # the restored database may fit: nothing to refuse
            outcome = _fsize(
                {
                    "mode": "fsize",
                    "op": op,
                    "folder": str(vault.folder),
                    "officer": SUPERVISOR,
                    "passphrase": SUPERVISOR_PASS,
                    "out": str(out),
                    "file": str(sample),
                    "limit": limit,
                },
                env,
            )
            result.rounds += 1
            problems = []
            if outcome.get("raised") != "StorageError":
                problems.append(f"raised {outcome.get('raised')}: {outcome.get('message')}")
            elif len(str(outcome.get("message", "")).splitlines()) != 1:
                problems.append("message not one line")
            left = [p.name for p in out.iterdir() if not p.name.startswith(".")]
            if op == "backup" and left:
                problems.append(f"files left: {left}")
            if op == "restore" and Vault(out).exists():
                problems.append("a database was left in the restore folder")
            if not worst and outcome.get("message"):
                worst = f"{op} at {limit} bytes: {outcome.get('message')}"
            if problems:
                result.fail(f"{op} limit {limit}: " + "; ".join(problems))
    after = workdir / "after"
    after.mkdir()
    if _cases_digest(vault) != before:
        result.fail("the source database changed")
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        if list(Path(vault.folder).glob(".backup-snapshot-*")):
            result.fail("a snapshot was left in the data folder")
        try:
            backup.create_backup(session, after)
        except IdtoolError as exc:
            result.fail(f"no backup after the full-disk rounds: {exc.message}")
    result.worst = worst
    return result


def checks() -> list[Check]:
    return [
        Check("kill loop: backup and restore", check_kill_loop),
        Check("full disk: backup and restore", check_full_disk),
    ]
