"""The reliability suite's plaintext scan, on every test run: a whole workflow through the
command line with fictional marker data leaves no trace of it outside the encrypted database
(the full suite, with kill loops, fuzzing and full disks, runs apart: reliability/run.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_plaintext_scan_finds_no_personal_data(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, str(ROOT / "reliability" / "run.py"), "--quick", "--only", "plaintext"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    table = done.stdout
    assert done.returncode == 0, table + done.stderr[-2000:]
    row = next(line for line in table.splitlines() if line.startswith("plaintext scan"))
    rounds, failures = row.split()[2:4]
    assert int(rounds) > 1000 and failures == "0", row
