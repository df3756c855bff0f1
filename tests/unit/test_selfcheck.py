"""`idtool self-check`: every step passes from source; a broken installation fails cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from idtool import cli, directory, i18n, legal_acts, paths
from idtool.assessment import rules_file
from idtool.certificate import pdf
from idtool.cli import selfcheck
from idtool.documents import templates
from idtool.questionnaire import registry

STEPS = (
    "Shipped files present",
    "Encrypted database created",
    "Database file is encrypted",
    "Database opens with the passphrase, not with a wrong one",
    "Questionnaires load",
    "Indicator rules load",
    "NRM directory, legal basis and referral templates load",
    "Translations (ky, ru, en)",
    "Certificate PDF with a verifiable QR code",
    "Temporary folder removed",
)


def _clear_caches() -> None:
    """Shipped files are read once per process; forget them so a changed folder is read."""
    for cached in (
        i18n.catalog,
        pdf.register_fonts,
        templates.environment,
        legal_acts._data,
        legal_acts.acts,
        directory.shipped,
        rules_file._load_cached,
        registry._load_cached,
    ):
        cached.cache_clear()


def _selfcheck_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("idtool-selfcheck-*")}


def test_self_check_passes_from_source(capsys):
    before = _selfcheck_folders()
    assert cli.main(["--lang", "en", "self-check"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "0." in lines[0] and "self-check" in lines[0]
    for step in STEPS:
        assert any(line.startswith(f"{step}: ok") for line in lines), (step, out)
    assert "FAILED" not in out
    assert lines[-1] == f"Self-check passed: all {len(STEPS)} steps."
    assert not err
    assert _selfcheck_folders() == before  # its temporary folder is gone


def test_self_check_speaks_kyrgyz(capsys):
    assert cli.main(["--lang", "ky", "self-check"]) == 0
    out = capsys.readouterr().out
    assert out.count(": ийгиликтүү") == len(STEPS)
    assert "Self-check" not in out and ": ok" not in out


@pytest.fixture
def empty_installation(tmp_path, monkeypatch):
    """The program's shipped files (resources/, questionnaires/) are missing."""
    empty = tmp_path / "installed"
    empty.mkdir()
    monkeypatch.setattr(paths, "project_root", lambda: empty)
    _clear_caches()
    yield empty
    monkeypatch.undo()
    _clear_caches()


def test_missing_resources_fail_with_a_line_and_no_traceback(empty_installation, capsys):
    before = _selfcheck_folders()
    status = cli.main(["--lang", "en", "self-check"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in out + err and not err
    failed = [line for line in out.splitlines() if ": FAILED: " in line]
    names = {line.split(": FAILED: ")[0] for line in failed}
    assert {
        "Shipped files present",
        "Questionnaires load",
        "Indicator rules load",
        "Translations (ky, ru, en)",
        "Certificate PDF with a verifiable QR code",
    } <= names, out
    assert "resources/fonts/DejaVuSans.ttf" in out  # the missing files are named
    # The database itself does not depend on shipped files.
    assert "Encrypted database created: ok" in out
    assert "Temporary folder removed: ok" in out
    assert out.splitlines()[-1].startswith("Self-check failed:")
    assert _selfcheck_folders() == before


def test_a_failing_step_does_not_stop_the_others_and_the_folder_goes(monkeypatch, capsys):
    def broken(self):
        raise OSError("disk on fire\nsecond line")

    monkeypatch.setattr(selfcheck._Checks, "create_database", broken)
    before = _selfcheck_folders()
    assert selfcheck.run() == 1
    out = capsys.readouterr().out
    assert "Encrypted database created: FAILED: OSError: disk on fire\n" in out
    assert "second line" not in out
    assert "Database file is encrypted: FAILED: not run" in out
    assert "Questionnaires load: ok" in out
    assert _selfcheck_folders() == before
