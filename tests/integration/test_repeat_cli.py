"""A repeat's entries from the command line (issue 17, item 5): given as JSON, refused with the
entry named, and what is missing named by its place (`companions[1]/parent_along`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idtool import interviews, kdf
from idtool.vault import Vault
from tests.support import repeats
from tests.support.cli import SUP, SUP_PASS, Runner, assert_clean_failure, one_line
from tests.support.xlsforms import write_form


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    data = tmp_path / "data"
    session, _code = Vault(data, kdf_params=kdf.FAST_PARAMS).create(SUP, "supervisor", SUP_PASS)
    with session:
        repeats.install(session)
    for name in ("tmp", "cwd"):
        (tmp_path / name).mkdir()
    return Runner(data, tmp_path / "tmp", tmp_path / "cwd")


def test_entries_are_answered_as_json_and_missing_ones_named(run: Runner) -> None:
    number = one_line(run("case", "new", "--region", "osh", "--quiet"))
    proc = run("interview", "start", number, "--form", repeats.FORM_ID, "--quiet")
    assert proc.returncode == 0, proc.stderr
    interview = one_line(proc)
    assert run("interview", "answer", interview, "travelled_alone", "no").returncode == 0
    entries = [{"companion_name": "Aibek", "companion_age": 12}, {"companion_name": "Dana"}]
    proc = run("interview", "answer", interview, "companions", json.dumps(entries))
    assert proc.returncode == 0, proc.stderr

    proc = run("interview", "answer", interview, "companions", '[{"companion_age": "x"}]')
    assert_clean_failure(proc, 7)
    assert "Entry 1" in proc.stderr

    proc = run("interview", "show", interview)
    assert proc.returncode == 0, proc.stderr
    assert "companions[1]/parent_along" in proc.stdout
    proc = run("interview", "complete", interview)
    assert_clean_failure(proc, 7)
    assert "companions[1]/parent_along" in proc.stderr

    session = Vault(run.data, kdf_params=kdf.FAST_PARAMS).unlock(SUP, SUP_PASS)
    with session:
        assert interviews.answers(session, interview)["companions"] == entries


def test_a_coordinator_publishes_an_xlsform_from_the_command_line(
    run: Runner, tmp_path: Path
) -> None:
    survey = [
        ["type", "name", "label"],
        ["begin repeat", "stops", "Stop"],
        ["text", "town", "Town"],
        ["end repeat", "", ""],
    ]
    path = write_form(tmp_path, survey, settings=[["form_id", "version"], ["route-log", "1"]])
    proc = run("questionnaire", "publish", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "route-log" in proc.stdout and "version 1" in proc.stdout
    again = run("questionnaire", "publish", str(path))
    assert_clean_failure(again, 7)
    assert "already published" in again.stderr
    proc = run("case", "new", "--region", "osh", "--quiet")
    proc = run("interview", "start", one_line(proc), "--form", "route-log", "--quiet")
    assert proc.returncode == 0, proc.stderr
