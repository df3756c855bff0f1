"""The command line run as an officer runs it, in a child process with its own empty temporary
and working folders, and what every run must show: one clear line, files only where asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SUP = "Айгүл Өмүрбекова"
SUP_PASS = "sup-pass-123"
AS_SUP = {"IDTOOL_OFFICER": SUP, "IDTOOL_PASSPHRASE": SUP_PASS}
AS_GUARD = {"IDTOOL_OFFICER": "Guard One", "IDTOOL_PASSPHRASE": "guard-pass-1"}


class Runner:
    """Runs the command line with its own empty temporary folder and working folder."""

    def __init__(self, data: Path, tmp: Path, cwd: Path) -> None:
        self.data, self.tmp, self.cwd = data, tmp, cwd

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("IDTOOL_") or k in ("IDTOOL_KDF", "IDTOOL_CONFIG")
        }
        full_env.update({"TMPDIR": str(self.tmp), "TEMP": str(self.tmp), "TMP": str(self.tmp)})
        full_env.update(env or AS_SUP)
        return subprocess.run(
            [sys.executable, "-m", "idtool", "--data", str(self.data), "--lang", "en", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            cwd=self.cwd,
            input=stdin,
        )


def assert_clean_failure(proc: subprocess.CompletedProcess[str], code: int | None = None) -> None:
    """A refusal (exit status `code` if given): one line "idtool: ..." on stderr, no traceback."""
    assert proc.returncode != 0
    if code is not None:
        assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("idtool: ")


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one line the command printed."""
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stdout + proc.stderr
    return lines[0]


def tree(folder: Path) -> set[str]:
    """Every file and folder under `folder`, relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}
