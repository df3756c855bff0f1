"""`idtool backup create` and `idtool backup restore` as an officer runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import AS_SUP, SUP, SUP_PASS, Runner, assert_clean_failure, one_line


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    for name in ("tmp", "cwd"):
        (tmp_path / name).mkdir()
    runner = Runner(tmp_path / "data", tmp_path / "tmp", tmp_path / "cwd")
    proc = runner("init", "--officer", SUP, "--role", "supervisor")
    assert proc.returncode == 0, proc.stderr
    return runner


def test_create_then_restore_into_another_folder(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    line = one_line(run("backup", "create", "--out", str(out)))
    [made] = list(out.iterdir())
    assert str(made) in line
    fresh = tmp_path / "fresh"
    proc = run("backup", "restore", str(made), "--data-dir", str(fresh))
    assert proc.returncode == 0, proc.stderr
    assert str(fresh) in one_line(proc)
    again = Runner(fresh, run.tmp, run.cwd)
    verify = again("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    # into a folder that holds a database: refused, one line
    assert_clean_failure(run("backup", "restore", str(made)), 7)


def test_wrong_passphrase_and_not_a_backup(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    run("backup", "create", "--out", str(out))
    [made] = list(out.iterdir())
    fresh = tmp_path / "fresh"
    wrong = {**AS_SUP, "IDTOOL_PASSPHRASE": SUP_PASS + "x"}
    assert_clean_failure(
        run("backup", "restore", str(made), "--data-dir", str(fresh), env=wrong), 2
    )
    assert not fresh.exists()
    junk = tmp_path / "junk.idbk"
    junk.write_bytes(b"not a backup at all")
    proc = run("backup", "restore", str(junk), "--data-dir", str(fresh))
    assert_clean_failure(proc, 10)
    assert "not an idtool backup" in proc.stderr
    assert_clean_failure(run("backup", "create", "--out", str(tmp_path / "missing")), 7)
