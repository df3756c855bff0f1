"""A writer killed with SIGKILL mid-transaction never loses an acknowledged commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from idtool import audit, database
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS

ROUNDS = 20
WRITER = Path(__file__).with_name("kill_writer.py")


def test_sigkill_loop(made_vault):
    vault, _ = made_vault
    rng = random.Random(20261122)
    acknowledged: list[str] = []
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    for round_no in range(ROUNDS):
        proc = subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                str(vault.folder),
                SUPERVISOR,
                SUPERVISOR_PASS,
                str(round_no),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until it is writing
        assert first, proc.stderr.read() if proc.stderr else ""
        acknowledged.append(first.strip())
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        acknowledged += [line.strip() for line in out.splitlines() if line.strip()]
        assert proc.returncode == -signal.SIGKILL

        with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
            conn = session.conn
            assert database.integrity_problems(conn) == []
            result = audit.verify(conn)
            assert result.ok, result
            targets = {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT target FROM audit WHERE action = 'test.write'"
                )
            }
            missing = [a for a in acknowledged if a not in targets]
            assert not missing, f"round {round_no}: acknowledged commits lost: {missing[:5]}"
            # Whole transactions only: every write has all five parts.
            partial = conn.execute(
                "SELECT target, count(*) FROM audit WHERE action = 'test.write'"
                " GROUP BY target HAVING count(*) != 5"
            ).fetchall()
            assert partial == []
    assert len(acknowledged) >= ROUNDS
