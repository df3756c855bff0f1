"""`idtool case erase` and `idtool retention ...` as an officer runs them: a question before
anything is erased (or --yes), one clear line for every refusal, the name gone afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtool import kdf, officers
from idtool.vault import Vault
from tests.support.cases import HOLDER, decided_case
from tests.support.cli import AS_GUARD, SUP, SUP_PASS, Runner, assert_clean_failure
from tests.support.pages import readable, traces


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Runner, str, Vault]:
    """A database with an identified case and a border guard: the runner, the case number."""
    data = tmp_path / "data"
    vault = Vault(data, kdf_params=kdf.FAST_PARAMS)
    session, _ = vault.create(SUP, "supervisor", SUP_PASS)
    with session:
        officers.add_officer(session, "Guard One", "border_guard", "guard-pass-1")
        case = decided_case(session)
    for name in ("tmp", "cwd"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd"), case.number, vault


def _names(vault: Vault) -> list[str]:
    with vault.unlock(SUP, SUP_PASS) as session:
        return [str(r[0]) for r in session.conn.execute("SELECT full_name FROM persons")]


def test_case_erase_asks_refuses_and_erases(setup):
    run, number, vault = setup
    reason = ("--reason", "written request of 1 December")
    # Without a terminal and without --yes nothing is erased.
    assert_clean_failure(run("case", "erase", number, *reason), 7)
    # Refusals: another role, a reason with the name, a case that does not exist.
    assert_clean_failure(run("case", "erase", number, *reason, "--yes", env=AS_GUARD), 6)
    assert_clean_failure(run("case", "erase", number, "--reason", HOLDER, "--yes"), 7)
    assert_clean_failure(run("case", "erase", "NO-SUCH-1", *reason, "--yes"), 7)
    assert _names(vault) == [HOLDER]

    proc = run("case", "erase", number, *reason, "--yes")

    assert proc.returncode == 0, proc.stderr
    assert number in proc.stdout and HOLDER not in proc.stdout + proc.stderr
    assert _names(vault) == []
    with vault.unlock(SUP, SUP_PASS) as session:
        blob = readable(vault.db_path, session.db_key)
    assert traces(blob, HOLDER) == []
    assert_clean_failure(run("case", "erase", number, *reason, "--yes"), 7)


def test_retention_set_dry_run_and_apply(setup):
    run, number, vault = setup
    assert "No retention periods" in run("retention", "show").stdout
    assert run("retention", "set", "identified", "5").returncode == 0
    assert run("retention", "show").stdout.split() == ["identified", "5"]
    assert_clean_failure(run("retention", "set", "identified", "five"), 7)
    assert_clean_failure(run("retention", "apply", "--as-of", "31.12.2099"), 7)

    today = run("retention", "apply", "--dry-run")
    assert today.returncode == 0 and "No case is due" in today.stdout
    dry = run("retention", "apply", "--as-of", "2099-12-31", "--dry-run")
    assert dry.returncode == 0 and number in dry.stdout and "nothing was erased" in dry.stdout
    assert _names(vault) == [HOLDER]
    assert_clean_failure(run("retention", "apply", "--as-of", "2099-12-31"), 7)  # not confirmed

    done = run("retention", "apply", "--as-of", "2099-12-31", "--yes")

    assert done.returncode == 0, done.stderr
    assert "retention schedule: 1." in done.stdout
    assert _names(vault) == [""]
    assert "No case is due" in run("retention", "apply", "--as-of", "2099-12-31").stdout
